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
  names.Release("k8s_POD_a_default_u_0");
  CHECK(names.Reserve("k8s_POD_a_default_u_0", "id2", "RunPodSandbox").ok());
  names.ReleaseId("id2");
  CHECK_FALSE(names.HoldsAny("id2"));
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
