#include "libs/ids/id_prefix.h"

#include <catch2/catch.hpp>

namespace cria::ids {
namespace {

const std::map<std::string, int> kIds = {{"3a29316", 1},  {"3a2f0aa", 2}, {"3a2f0ab", 3},
                                         {"3a2f0ab9", 4}, {"b51bd51", 5}, {"ff", 6}};

std::string Resolved(const std::string& given) {
  Result<std::string> id = ResolveIdPrefix(kIds, given, "container");
  INFO(given << ": " << MessageOf(id.status()));
  REQUIRE(id.ok());
  return *id;
}

TEST_CASE("a whole id names itself, even when it is a prefix of another", "[id_prefix]") {
  CHECK(Resolved("3a29316") == "3a29316");
  CHECK(Resolved("3a2f0ab") == "3a2f0ab");
  CHECK(Resolved("ff") == "ff");
}

TEST_CASE("a unique prefix of three or more characters names its id", "[id_prefix]") {
  CHECK(Resolved("b51") == "b51bd51");
  CHECK(Resolved("b51bd5") == "b51bd51");
  CHECK(Resolved("3a293") == "3a29316");
  CHECK(Resolved("3a2f0ab9") == "3a2f0ab9");
}

TEST_CASE("a prefix that names nothing, or is too short, comes back unchanged", "[id_prefix]") {
  CHECK(Resolved("b5") == "b5");  // unique, but two characters
  CHECK(Resolved("f") == "f");
  CHECK(Resolved("c0ffee") == "c0ffee");
  CHECK(Resolved("b51bd510") == "b51bd510");  // longer than the id
  CHECK(Resolved("") == "");
  CHECK(ResolveIdPrefix(std::map<std::string, int>{}, "abc", "pod").value() == "abc");
}

TEST_CASE("a prefix of several ids is InvalidArgument naming them", "[id_prefix]") {
  Result<std::string> two = ResolveIdPrefix(kIds, "3a2f", "container");
  REQUIRE(two.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(two.status()) ==
        "container id prefix 3a2f matches 3 containers (3a2f0aa, 3a2f0ab, 3a2f0ab9); give more "
        "characters");
  Result<std::string> four = ResolveIdPrefix(kIds, "3a2", "pod");
  REQUIRE(four.status().code() == StatusCode::kInvalidArgument);
  CHECK(MessageOf(four.status()) ==
        "pod id prefix 3a2 matches 4 pods (3a29316, 3a2f0aa, 3a2f0ab, ...); give more characters");
}

TEST_CASE("the ambiguity message shortens ids to what ps prints", "[id_prefix]") {
  const std::string a(64, 'a'), b = std::string(63, 'a') + "b";
  std::map<std::string, int> ids = {{a, 1}, {b, 2}};
  Result<std::string> both = ResolveIdPrefix(ids, "aaaa", "pod");
  REQUIRE_FALSE(both.ok());
  CHECK(MessageOf(both.status()) == "pod id prefix aaaa matches 2 pods (" + a.substr(0, 13) + ", " +
                                        b.substr(0, 13) + "); give more characters");
  CHECK(ResolveIdPrefix(ids, b.substr(0, 64), "pod").value() == b);
}

}  // namespace
}  // namespace cria::ids
