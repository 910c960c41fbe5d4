#include "libs/ids/name_registry.h"

#include <catch2/catch.hpp>

namespace cria::ids {
namespace {

TEST_CASE("a name is held by one id until released") {
  NameRegistry names("pod");
  REQUIRE(names.Reserve("k8s_POD_a_default_u_0", "id1", "RunPodSandbox").ok());
  CHECK(names.Reserve("k8s_POD_a_default_u_0", "id1", "again").ok());
  Status taken = names.Reserve("k8s_POD_a_default_u_0", "id2", "RunPodSandbox");
  CHECK(taken.code() == StatusCode::kAlreadyExists);
  CHECK(MessageOf(taken) == "RunPodSandbox: the name k8s_POD_a_default_u_0 is reserved by pod id1");
  CHECK(names.HoldsAny("id1"));
  CHECK_FALSE(names.HoldsAny("id2"));
  CHECK(names.Holder("k8s_POD_a_default_u_0") == std::optional<std::string>("id1"));
  CHECK_FALSE(names.Holder("k8s_POD_b_default_u_0").has_value());
  names.Release("k8s_POD_a_default_u_0");
  CHECK(names.Reserve("k8s_POD_a_default_u_0", "id2", "RunPodSandbox").ok());
  names.ReleaseId("id2");
  CHECK_FALSE(names.HoldsAny("id2"));
}

TEST_CASE("a holder made after its caller gave up goes to one retry of its name") {
  NameRegistry names("pod");
  REQUIRE(names.Reserve("n1", "id1", "RunPodSandbox").ok());
  CHECK_FALSE(names.TakeLate("n1").has_value());  // on time: not the retry's
  names.MarkLate("id1");
  CHECK_FALSE(names.TakeLate("n2").has_value());
  CHECK(names.TakeLate("n1") == std::optional<std::string>("id1"));
  CHECK_FALSE(names.TakeLate("n1").has_value());  // once
  CHECK(names.HoldsAny("id1"));                   // still its name
  names.MarkLate("id1");
  names.ReleaseId("id1");  // removed before any retry
  REQUIRE(names.Reserve("n1", "id3", "RunPodSandbox").ok());
  CHECK_FALSE(names.TakeLate("n1").has_value());
  names.MarkLate("id9");  // holds no name: nothing to hand over
  CHECK_FALSE(names.TakeLate("n1").has_value());
  names.MarkLate("id3");
  names.Release("n1");
  REQUIRE(names.Reserve("n1", "id3", "RunPodSandbox").ok());
  CHECK_FALSE(names.TakeLate("n1").has_value());  // the mark went with the release
}

TEST_CASE("an answer may be late from a second before the caller's deadline") {
  using Clock = std::chrono::system_clock;
  CHECK_FALSE(AnswerMayBeLate(Clock::time_point::max()));
  CHECK_FALSE(AnswerMayBeLate(Clock::now() + std::chrono::seconds(5)));
  CHECK(AnswerMayBeLate(Clock::now() + std::chrono::milliseconds(500)));
  CHECK(AnswerMayBeLate(Clock::now() - std::chrono::seconds(1)));
}

TEST_CASE("one mutex per key, the same until forgotten") {
  KeyedMutex locks;
  auto a = locks.For("a");
  CHECK(locks.For("a") == a);
  CHECK(locks.For("b") != a);
  locks.Forget("a");
  CHECK(locks.For("a") != a);
}

}  // namespace
}  // namespace cria::ids
