#include "tools/criactl/client/registry_auth.h"

#include <catch2/catch.hpp>

namespace cria::criactl {
namespace {

TEST_CASE("--creds is USERNAME[:PASSWORD], split at the first colon") {
  auto both = ParseCreds("alice:s3cr:et");
  REQUIRE(both.ok());
  CHECK(both->first == "alice");
  CHECK(both->second == "s3cr:et");
  auto user = ParseCreds("alice");
  REQUIRE(user.ok());
  CHECK(user->first == "alice");
  CHECK(user->second == "");
  auto empty_password = ParseCreds("alice:");
  REQUIRE(empty_password.ok());
  CHECK(empty_password->second == "");
  CHECK(MessageOf(ParseCreds("").status()) == "credentials can't be empty");
  CHECK(MessageOf(ParseCreds(":pw").status()) == "username can't be empty");
  CHECK(ParseCreds(":").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("credentials come from --username, --creds or --auth as crictl takes them") {
  AuthFlags none;
  auto no_auth = AuthFromFlags(none);
  REQUIRE(no_auth.ok());
  CHECK(!no_auth->has_value());

  AuthFlags creds;
  creds.creds = "bob:pw";
  auto from_creds = AuthFromFlags(creds);
  REQUIRE(from_creds.ok());
  REQUIRE(from_creds->has_value());
  CHECK((*from_creds)->username == "bob");
  CHECK((*from_creds)->password == "pw");
  CHECK((*from_creds)->auth == "");

  AuthFlags auth;
  auth.auth = "Ym9iOnB3";
  auto from_auth = AuthFromFlags(auth);
  REQUIRE(from_auth.ok());
  CHECK((*from_auth)->auth == "Ym9iOnB3");
  CHECK((*from_auth)->username == "");

  AuthFlags both = creds;
  both.auth = "Ym9iOnB3";
  CHECK(MessageOf(AuthFromFlags(both).status()) == "both `--creds` and `--auth` are specified");

  // --username wins over the others, as in crictl.
  AuthFlags user = both;
  user.username = "carol";
  user.password = "pw2";
  auto from_user = AuthFromFlags(user);
  REQUIRE(from_user.ok());
  CHECK((*from_user)->username == "carol");
  CHECK((*from_user)->password == "pw2");

  AuthFlags bad_creds;
  bad_creds.creds = ":pw";
  CHECK(MessageOf(AuthFromFlags(bad_creds).status()) == "--creds: username can't be empty");

  AuthFlags password_only;
  password_only.password = "pw";
  CHECK(AuthFromFlags(password_only).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cria::criactl
