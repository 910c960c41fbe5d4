#include "services/runtime/spec/rlimits.h"

#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <limits>

namespace cria::runtime::spec {
namespace {

using Catch::Contains;
constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

TEST_CASE("ulimits: name=soft:hard, one number for both, -1 or unlimited", "[rlimits]") {
  Result<std::vector<Rlimit>> parsed =
      ParseUlimits({"nofile=1024:4096", "nproc=512", "core=-1", "memlock=64:unlimited"});
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 4);
  CHECK((*parsed)[0].type == "RLIMIT_NOFILE");
  CHECK((*parsed)[0].soft == 1024);
  CHECK((*parsed)[0].hard == 4096);
  CHECK((*parsed)[1].type == "RLIMIT_NPROC");
  CHECK((*parsed)[1].soft == 512);
  CHECK((*parsed)[1].hard == 512);
  CHECK((*parsed)[2].type == "RLIMIT_CORE");
  CHECK((*parsed)[2].soft == kUnlimited);
  CHECK((*parsed)[2].hard == kUnlimited);
  CHECK((*parsed)[3].type == "RLIMIT_MEMLOCK");
  CHECK((*parsed)[3].soft == 64);
  CHECK((*parsed)[3].hard == kUnlimited);
  CHECK(ParseUlimits({}).value().empty());
  CHECK(ParseUlimits({"sigpending=10", "rttime=5:6", "msgqueue=0"}).ok());
}

TEST_CASE("ulimits: bad items are InvalidArgument naming them", "[rlimits]") {
  struct Case {
    const char* item;
    const char* why;
  };
  for (const Case& c :
       {Case{"nofile", "not of the form name=soft:hard"},
        Case{"files=10", "unknown limit files (known: core, cpu,"},
        Case{"NOFILE=10", "unknown limit NOFILE"}, Case{"nofile=", "a limit is a number"},
        Case{"nofile=ten", "a limit is a number"}, Case{"nofile=-2", "a limit is a number"},
        Case{"nofile=10:", "a limit is a number"},
        Case{"nofile=99999999999999999999999", "a limit is a number"},
        Case{"nofile=20:10", "the soft limit is above the hard one"},
        Case{"nofile=unlimited:10", "the soft limit is above the hard one"}}) {
    INFO(c.item);
    Status s = ParseUlimits({c.item}).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK_THAT(MessageOf(s), Contains(std::string("ulimit \"") + c.item + "\": " + c.why));
  }
  Status twice = ParseUlimits({"nofile=1", "nproc=2", "nofile=3"}).status();
  CHECK(twice.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(MessageOf(twice), Contains("nofile is given twice"));
}

TEST_CASE("ulimits above the runtime's own hard limit need CAP_SYS_RESOURCE", "[rlimits]") {
  rlimit own{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &own) == 0);
  REQUIRE(own.rlim_max != RLIM_INFINITY);
  const std::string own_hard = std::to_string(own.rlim_max);
  std::vector<Rlimit> at = ParseUlimits({"nofile=10:" + own_hard}).value();
  CHECK(CheckRaisable(at, false).ok());
  std::vector<Rlimit> above =
      ParseUlimits({"nproc=1", "nofile=10:" + std::to_string(own.rlim_max + 1)}).value();
  Status s = CheckRaisable(above, false);
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(MessageOf(s) == "nofile hard limit " + std::to_string(own.rlim_max + 1) +
                            " is above cria-runtime's own (" + own_hard +
                            "), which it cannot raise without CAP_SYS_RESOURCE");
  CHECK(CheckRaisable(above, true).ok());
}

}  // namespace
}  // namespace cria::runtime::spec
