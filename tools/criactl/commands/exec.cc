// criactl exec: run a command in a running container (crictl exec).
//
// Only the synchronous form exists: the command runs through ExecSync, its output is
// printed when it has finished (stdout to stdout, stderr to stderr) and criactl exits with
// its exit code. Streaming exec (the CRI Exec call and its SPDY/WebSocket stream) is not
// implemented yet, so without -s the command also runs through ExecSync, with a note on
// stderr; -i and -t need the stream and are refused.
#include <unistd.h>

#include <iostream>

#include "tools/criactl/commands/runtime_calls.h"

namespace cria::criactl {
namespace {

struct ExecOptions {
  CLI::App* cmd = nullptr;
  std::string id;
  bool sync = false;
  int64_t timeout = 0;
  bool tty = false;
  bool interactive = false;
};

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

int RunExec(Verb& verb, const ExecOptions& options) {
  std::vector<std::string> command = options.cmd->remaining();
  if (command.empty()) return ReportError(verb, "no command given: CONTAINER-ID COMMAND [ARG...]");
  if (options.tty || options.interactive) {
    return ReportError(verb,
                       "-i and -t need streaming exec (the CRI Exec call), which criactl does "
                       "not support yet; use -s to run the command synchronously");
  }
  if (!options.sync) {
    std::cerr << "criactl exec: streaming exec is not supported yet; running the command "
                 "synchronously (as with -s)\n";
  }
  ::runtime::v1::ExecSyncRequest request;
  request.set_container_id(options.id);
  for (const std::string& arg : command) request.add_cmd(arg);
  request.set_timeout(options.timeout);
  ::runtime::v1::ExecSyncResponse response;
  // As crictl's CRI client: the exec timeout plus --timeout, no deadline without one.
  auto ctx = verb.client->Context(options.timeout > 0 ? verb.client->timeout() +
                                                            std::chrono::seconds(options.timeout)
                                                      : std::chrono::milliseconds(0));
  grpc::Status s = verb.client->runtime().ExecSync(ctx.get(), request, &response);
  if (!s.ok()) {
    return ReportRpcError(verb, "execing command in container " + options.id + " synchronously", s);
  }
  WriteAll(STDOUT_FILENO, response.stdout());
  WriteAll(STDERR_FILENO, response.stderr());
  return static_cast<int>(static_cast<uint32_t>(response.exit_code()) & 0xff);
}

}  // namespace

void AddExecCommand(CLI::App& app, Invocation& invocation) {
  auto options = std::make_shared<ExecOptions>();
  CLI::App* cmd = AddVerb(app, invocation, "exec", "Run a command in a running container", "table",
                          {}, [options](Verb& verb) { return RunExec(verb, *options); });
  cmd->footer(
      "Only the synchronous form is supported for now: the command runs through ExecSync, its "
      "output is printed when it ends, and criactl exits with its exit code. Without -s the "
      "command runs the same way, with a note on stderr; -i and -t (which need the streaming "
      "Exec call) are refused.");
  options->cmd = cmd;
  // Everything after CONTAINER-ID and COMMAND belongs to the command, options included.
  cmd->prefix_command();
  cmd->add_option("container-id", options->id, "CONTAINER-ID, then COMMAND [ARG...]")->required();
  cmd->add_flag("-s,--sync", options->sync, "Run the command synchronously (always, for now)");
  cmd->add_option("--timeout", options->timeout,
                  "Timeout in seconds (0: none); the command is killed when it expires");
  cmd->add_flag("-t,--tty", options->tty, "Allocate a pseudo-TTY (not supported yet)");
  cmd->add_flag("-i,--interactive", options->interactive, "Keep STDIN open (not supported yet)");
}

}  // namespace cria::criactl
