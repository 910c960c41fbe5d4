// Registry credentials from criactl's flags, as crictl reads them (getAuth, parseCreds).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "libs/status/status.h"

namespace cria::criactl {

// The fields of runtime.v1.AuthConfig (and cria.image.v1.Auth) that criactl fills.
struct RegistryAuth {
  std::string username;
  std::string password;
  std::string auth;  // base64 of "USERNAME[:PASSWORD]"
};

struct AuthFlags {
  std::string creds;                    // --creds USERNAME[:PASSWORD] ($CRICTL_CREDS)
  std::string auth;                     // --auth BASE64 ($CRICTL_AUTH)
  std::string username;                 // -u, --username
  std::optional<std::string> password;  // --password; criactl asks for it when missing
};

// crictl's parseCreds: "user:pass" → (user, pass), "user" → (user, ""); split at the
// first ':'. InvalidArgument for "" and for an empty user name before a ':'.
Result<std::pair<std::string, std::string>> ParseCreds(std::string_view creds);

// crictl's getAuth: --username (with the password given) wins; else --creds or --auth,
// not both; nullopt when no credentials were given. `flags.password` must be set when
// `flags.username` is (the caller prompts for it first).
Result<std::optional<RegistryAuth>> AuthFromFlags(const AuthFlags& flags);

// crictl's prompt for --username: "Enter Password:" on stderr, the password read from
// stdin without echo when it is a terminal.
std::string ReadPassword();

}  // namespace cria::criactl
