#include "tools/criactl/client/registry_auth.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace cria::criactl {

Result<std::pair<std::string, std::string>> ParseCreds(std::string_view creds) {
  if (creds.empty()) return Status(StatusCode::kInvalidArgument, "credentials can't be empty");
  size_t colon = creds.find(':');
  if (colon == std::string_view::npos) return std::make_pair(std::string(creds), std::string());
  if (colon == 0) return Status(StatusCode::kInvalidArgument, "username can't be empty");
  return std::make_pair(std::string(creds.substr(0, colon)), std::string(creds.substr(colon + 1)));
}

Result<std::optional<RegistryAuth>> AuthFromFlags(const AuthFlags& flags) {
  if (!flags.username.empty()) {
    return std::optional<RegistryAuth>(
        RegistryAuth{flags.username, flags.password.value_or(""), ""});
  }
  if (flags.password.has_value()) {
    return Status(StatusCode::kInvalidArgument, "--password needs --username");
  }
  if (!flags.creds.empty() && !flags.auth.empty()) {
    return Status(StatusCode::kInvalidArgument, "both `--creds` and `--auth` are specified");
  }
  if (!flags.creds.empty()) {
    CRIA_ASSIGN_OR_RETURN(auto user_pass, ParseCreds(flags.creds), "--creds");
    return std::optional<RegistryAuth>(RegistryAuth{user_pass.first, user_pass.second, ""});
  }
  if (!flags.auth.empty()) return std::optional<RegistryAuth>(RegistryAuth{"", "", flags.auth});
  return std::optional<RegistryAuth>();
}

std::string ReadPassword() {
  std::cerr << "Enter Password:" << std::flush;
  struct termios saved {};
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    struct termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  std::cerr << "\n";
  return password;
}

}  // namespace cria::criactl
