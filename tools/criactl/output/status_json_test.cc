#include "tools/criactl/output/status_json.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

TEST_CASE("status and info print with sorted keys, objects parsed, strings unquoted") {
  StatusData data;
  data.json = R"({"id": "sha256:1", "repoTags": ["a:1"], "size": "10", "pinned": false})";
  data.info["info"] = R"({"imageSpec": {"config": {"Env": ["A=<b>&c"]}}, "chainID": 3.0})";
  data.info["plain"] = R"("quoted")";
  auto json = StatusDataJson({data});
  REQUIRE(json.ok());
  CHECK(*json ==
        "{\n"
        "  \"info\": {\n"
        "    \"chainID\": 3,\n"
        "    \"imageSpec\": {\n"
        "      \"config\": {\n"
        "        \"Env\": [\n"
        "          \"A=\\u003cb\\u003e\\u0026c\"\n"
        "        ]\n"
        "      }\n"
        "    }\n"
        "  },\n"
        "  \"plain\": \"quoted\",\n"
        "  \"status\": {\n"
        "    \"id\": \"sha256:1\",\n"
        "    \"pinned\": false,\n"
        "    \"repoTags\": [\n"
        "      \"a:1\"\n"
        "    ],\n"
        "    \"size\": \"10\"\n"
        "  }\n"
        "}\n");
}

TEST_CASE("several statuses print as an array; none as nothing") {
  auto json = StatusDataJson({StatusData{R"({"id": "1", "repoDigests": []})", {}},
                              StatusData{R"({"id": "2", "uid": {}})", {}}});
  REQUIRE(json.ok());
  CHECK(*json ==
        "[\n"
        "  {\n"
        "    \"status\": {\n"
        "      \"id\": \"1\",\n"
        "      \"repoDigests\": []\n"
        "    }\n"
        "  },\n"
        "  {\n"
        "    \"status\": {\n"
        "      \"id\": \"2\",\n"
        "      \"uid\": {}\n"
        "    }\n"
        "  }\n"
        "]\n");
  auto empty = StatusDataJson({});
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("numbers print as Go prints a float64") {
  auto json = StatusDataJson({StatusData{
      R"({"a": 1.5, "b": 100000000000000000000000, "c": 0.0000001, "d": -2, "e": 12345678901})",
      {}}});
  REQUIRE(json.ok());
  CHECK(*json ==
        "{\n  \"status\": {\n    \"a\": 1.5,\n    \"b\": 1e+23,\n    \"c\": 1e-7,\n"
        "    \"d\": -2,\n    \"e\": 12345678901\n  }\n}\n");
}

TEST_CASE("an info value that looks like an object but is not stays a string") {
  auto json = StatusDataJson({StatusData{"", {{"k", "{not json"}}}});
  REQUIRE(json.ok());
  CHECK(*json == "{\n  \"k\": \"{not json\"\n}\n");
  CHECK(!StatusDataJson({StatusData{"{bad", {}}}).ok());
}

}  // namespace
}  // namespace cria::criactl
