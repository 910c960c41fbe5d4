#include "services/runtime/containers/signals.h"

#include <signal.h>

#include <cctype>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>

namespace cria::runtime::containers {
namespace {

constexpr std::pair<std::string_view, int> kSignals[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
    {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
    {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
    {"SYS", SIGSYS}};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Result<int> ParseSignal(std::string_view text) {
  auto bad = [&] {
    return Status(StatusCode::kInvalidArgument, "\"" + std::string(text) + "\" is not a signal");
  };
  // Upper-cased, as Docker reads an image's STOPSIGNAL ("sigterm" is SIGTERM).
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view name = upper;
  if (AllDigits(name)) {
    int n = std::atoi(std::string(name).c_str());
    if (n < 1 || n > SIGRTMAX) return bad();
    return n;
  }
  if (name.substr(0, 3) == "SIG") name.remove_prefix(3);
  for (const auto& [known, number] : kSignals) {
    if (name == known) return number;
  }
  // Real-time signals as images name them (RTMIN+3) and as the CRI does (RTMINPLUS3).
  for (auto [prefix, base, sign] : {std::tuple{std::string_view("RTMIN+"), SIGRTMIN, 1},
                                    std::tuple{std::string_view("RTMAX-"), SIGRTMAX, -1},
                                    std::tuple{std::string_view("RTMINPLUS"), SIGRTMIN, 1},
                                    std::tuple{std::string_view("RTMAXMINUS"), SIGRTMAX, -1}}) {
    if (name.substr(0, prefix.size()) == prefix && AllDigits(name.substr(prefix.size()))) {
      int n = base + sign * std::atoi(std::string(name.substr(prefix.size())).c_str());
      if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
    }
  }
  if (name == "RTMIN") return SIGRTMIN;
  if (name == "RTMAX") return SIGRTMAX;
  if (name == "CLD") return SIGCHLD;  // the CRI's SIGCLD
  return bad();
}

}  // namespace cria::runtime::containers
