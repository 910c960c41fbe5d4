#include "tests/support/stack.h"

#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"

extern char** environ;

namespace cria::testing {
namespace {

using std::chrono::milliseconds;

std::vector<char*> Argv(const std::vector<std::string>& args) {
  std::vector<char*> out;
  for (const auto& a : args) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls the daemon's health until it says SERVING or `timeout` passes. One probe is not
// enough: right after a restart a probe can meet the old, dead connection and fail fast.
bool HealthServing(const std::string& socket, milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    auto stub = grpc::health::v1::Health::NewStub(TestChannel(socket));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + milliseconds(1000));
    ctx.set_wait_for_ready(true);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, {}, &resp);
    if (s.ok() && resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

}  // namespace

std::shared_ptr<grpc::Channel> TestChannel(const std::string& socket) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel("unix:" + socket, grpc::InsecureChannelCredentials(), args);
}

std::string BinaryPath(const std::string& name) {
  if (name == "criactl") return "tools/criactl/criactl";
  if (name == "cria-pinns" || name == "cria-pause") {
    return std::filesystem::absolute("tools/" + name + "/" + name);
  }
  return "services/" + name + "/cria-" + name;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

void ChildProcess::Start(const std::vector<std::string>& argv, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  auto args = Argv(argv);
  int err = posix_spawn(&pid_, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    pid_ = -1;
    throw std::runtime_error("spawn " + argv[0] + ": " + std::strerror(err));
  }
}

int ChildProcess::Wait(milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (pid_ > 0) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    if (std::chrono::steady_clock::now() > end) return -1;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return -1;
}

int ChildProcess::Stop(int sig, milliseconds grace) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int status = Wait(grace);
  if (status == -1 && pid_ > 0) {
    kill(pid_, SIGKILL);
    status = Wait(milliseconds(10000));
  }
  return status;
}

CommandResult RunCommand(const std::vector<std::string>& argv) {
  char out_tmpl[] = "/tmp/cria-cmd-out-XXXXXX";
  char err_tmpl[] = "/tmp/cria-cmd-err-XXXXXX";
  int out_fd = mkstemp(out_tmpl);
  int err_fd = mkstemp(err_tmpl);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  auto args = Argv(argv);
  pid_t pid = -1;
  int err = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_fd);
  close(err_fd);
  CommandResult result;
  if (err == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.output = ReadAll(out_tmpl);
  result.error = ReadAll(err_tmpl);
  unlink(out_tmpl);
  unlink(err_tmpl);
  return result;
}

Stack::Stack() {
  char tmpl[] = "/tmp/cria-it-XXXXXX";
  root_ = mkdtemp(tmpl);
  run_dir_ = root_ + "/run";
  state_dir_ = root_ + "/state";
  config_file_ = root_ + "/cria.yaml";
  std::filesystem::create_directories(CniConfigDir());
  std::filesystem::create_directories(PluginDir());
  WriteConfig("network:\n  cni_config_dirs: [\"" + CniConfigDir() + "\"]\n" +
              "  cni_plugin_dirs: [\"" + PluginDir() + "\", \"/usr/lib/cni\"]\n");
}

void Stack::WriteConfig(const std::string& yaml) { std::ofstream(config_file_) << yaml; }

void Stack::WritePodNetworkConfig(const std::string& network, const std::string& bridge,
                                  const std::string& subnet, const std::string& runtime_yaml) {
  std::ofstream(CniConfigDir() + "/10-test.conflist")
      << R"({"cniVersion": "1.0.0", "name": ")" << network << R"(", "plugins": [
           {"type": "bridge", "bridge": ")"
      << bridge << R"(", "ipam": {"type": "host-local", "dataDir": ")" << root_
      << R"(/ipam", "ranges": [[{"subnet": ")" << subnet << R"("}]]}},
           {"type": "loopback"}]})";
  WriteConfig("network:\n  cni_config_dirs: [\"" + CniConfigDir() +
              "\"]\n  cni_plugin_dirs: [\"/usr/lib/cni\"]\n"
              "runtime:\n  pinns_path: \"" +
              BinaryPath("cria-pinns") + "\"\n  pause_path: \"" + BinaryPath("cria-pause") +
              "\"\n" + runtime_yaml);
}

Stack::~Stack() {
  for (auto& [name, child] : children_) {
    if (child.Running()) child.Stop(SIGTERM);
  }
  // A test that failed half-way may leave namespace pins (netns, and ipc/uts/pid of pods):
  // mounts remove_all cannot delete, the netns ones holding veths alive. Unpin them first.
  std::error_code ec;
  for (const std::string dir :
       {run_dir_ + "/netns", run_dir_ + "/ns/ipc", run_dir_ + "/ns/uts", run_dir_ + "/ns/pid"}) {
    for (const auto& pin : std::filesystem::directory_iterator(dir, ec)) {
      umount2(pin.path().c_str(), MNT_DETACH);
    }
  }
  std::filesystem::remove_all(root_, ec);
}

const std::vector<std::string>& Stack::Daemons() {
  static const std::vector<std::string> daemons = {"gateway", "image", "storage", "network",
                                                   "runtime"};
  return daemons;
}

std::vector<std::string> Stack::CommonFlags() const {
  return {"--config", config_file_,  "--config-dir", root_ + "/cria.d", "--run-dir",
          run_dir_,   "--state-dir", state_dir_,     "--log-level",     "debug"};
}

std::string Stack::Socket(const std::string& daemon) const {
  return run_dir_ + "/" + (daemon == "gateway" ? std::string("cria") : daemon) + ".sock";
}

std::string Stack::Log(const std::string& daemon) const {
  return ReadAll(root_ + "/" + daemon + ".log");
}

void Stack::Start(const std::string& daemon) {
  std::vector<std::string> argv = {BinaryPath(daemon)};
  for (const auto& f : CommonFlags()) argv.push_back(f);
  children_[daemon].Start(argv, root_ + "/" + daemon + ".log");
  if (!HealthServing(Socket(daemon), milliseconds(10000))) {
    int status = children_[daemon].Wait(milliseconds(0));
    std::string state = status == -1 ? "still running"
                        : WIFEXITED(status)
                            ? "exited with " + std::to_string(WEXITSTATUS(status))
                            : "killed by signal " + std::to_string(WTERMSIG(status));
    throw std::runtime_error("cria-" + daemon + " did not serve within 10 s (" + state +
                             "); its log:\n" + Log(daemon));
  }
}

void Stack::StartAll() {
  for (const auto& d : Daemons()) Start(d);
}

void Stack::Kill(const std::string& daemon) { children_[daemon].Stop(SIGKILL); }

int Stack::Terminate(const std::string& daemon) { return children_[daemon].Stop(SIGTERM); }

pid_t Stack::Pid(const std::string& daemon) const {
  auto it = children_.find(daemon);
  return it == children_.end() ? -1 : it->second.pid();
}

}  // namespace cria::testing
