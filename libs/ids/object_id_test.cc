#include "libs/ids/object_id.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace cria {
namespace {

TEST_CASE("object ids are safe as file names") {
  CHECK(ValidateObjectId("pod id", "3f2a9c_x-1.y").ok());
  CHECK(ValidateObjectId("pod id", std::string(128, 'a')).ok());
  for (const std::string& bad :
       std::vector<std::string>{"", ".hidden", "../up", "a/b", "sp ace", std::string(129, 'a')}) {
    Status s = ValidateObjectId("container id", bad);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(MessageOf(s).rfind("container id \"" + bad + "\"", 0) == 0);
  }
}

}  // namespace
}  // namespace cria
