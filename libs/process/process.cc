#include "libs/process/process.h"

#include <signal.h>
#include <string.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "libs/process/async_run.h"
#include "libs/process/spawn.h"

namespace cria::process {

bool Outcome::Succeeded() const { return signal == 0 && exit_code == 0; }

std::string Outcome::Describe() const {
  std::string text;
  if (signal != 0) {
    text = "killed by signal " + std::to_string(signal);
    if (const char* name = sigabbrev_np(signal); name != nullptr) {
      text += " (SIG" + std::string(name) + ")";
    }
  } else if (exit_code >= 0) {
    text = "exited with code " + std::to_string(exit_code);
  } else {
    text = "has not exited";
  }
  if (timed_out) text += " after timeout of " + std::to_string(timeout.count()) + "ms";
  return text;
}

Result<Outcome> Run(const Command& cmd) {
  boost::asio::io_context io;
  std::optional<Result<Outcome>> result;
  RunAsync(io, cmd, [&result](Result<Outcome> r) { result = std::move(r); });
  io.run();
  return std::move(*result);
}

Result<std::string> FindExecutable(const std::string& name) {
  return internal::FindExecutable(name, std::getenv("PATH"));
}

bool ProcessGone(pid_t pid) { return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace cria::process
