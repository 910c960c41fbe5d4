#include "tools/bench/bench_stack.h"

#include <fcntl.h>
#include <ftw.h>
#include <grpcpp/create_channel.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>

#include "libs/rpc/client.h"

extern char** environ;

namespace cria::bench {
namespace {

using std::chrono::milliseconds;

// Daemons started and not yet stopped, for the signal handler.
constexpr int kMaxDaemons = 16;
std::atomic<pid_t> g_daemons[kMaxDaemons];
volatile sig_atomic_t g_interrupted = 0;

void RegisterDaemon(pid_t pid) {
  for (auto& slot : g_daemons) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void UnregisterDaemon(pid_t pid) {
  for (auto& slot : g_daemons) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

void OnInterrupt(int) {
  g_interrupted = 1;
  for (auto& slot : g_daemons) {
    pid_t pid = slot.load();
    if (pid > 0) ::kill(pid, SIGTERM);
  }
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      out.push_back(static_cast<char>(std::strtol(field.substr(i + 1, 3).c_str(), nullptr, 8)));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

int RemoveOne(const char* path, const struct stat*, int, struct FTW*) {
  return ::remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

// Waits for `pid` to exit (at most `limit`); its wait status, or -1 on time-out.
int WaitFor(pid_t pid, milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return r == pid ? status : 0;
    if (std::chrono::steady_clock::now() > end) return -1;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

}  // namespace

std::vector<std::string> MountsUnder(const std::string& dir) {
  std::vector<std::string> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    if (!(fields >> id >> parent >> devno >> root >> mount_point)) continue;
    mount_point = Unescape(mount_point);
    if (mount_point == dir || mount_point.rfind(dir + "/", 0) == 0) out.push_back(mount_point);
  }
  // Deepest first, so that nested mounts go before their parents.
  std::sort(out.begin(), out.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

std::vector<std::string> UnmountUnder(const std::string& dir) {
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> mounts = MountsUnder(dir);
    if (mounts.empty()) break;
    for (const std::string& m : mounts) ::umount2(m.c_str(), MNT_DETACH);
  }
  return MountsUnder(dir);
}

bool RemoveTree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT;
  ::nftw(path.c_str(), RemoveOne, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
  return ::lstat(path.c_str(), &st) != 0 && errno == ENOENT;
}

std::shared_ptr<grpc::Channel> FreshChannel(const std::string& socket) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel(rpc::UnixTarget(socket), grpc::InsecureChannelCredentials(),
                                   args);
}

Status FreshDir(const std::string& path) {
  if (!RemoveTree(path)) return Status(StatusCode::kInternal, "cannot remove " + path);
  if (::mkdir(path.c_str(), 0755) != 0) return ErrnoStatus(errno, "mkdir " + path);
  return OkStatus();
}

TempRoot::TempRoot(const std::string& prefix) {
  std::string pattern = prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempRoot::~TempRoot() {
  if (path_.empty()) return;
  UnmountUnder(path_);
  if (!keep_) RemoveTree(path_);
}

void InstallInterruptHandler() {
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  // A reader that goes away (`cri_bench | head`) would end the benchmark with SIGPIPE before
  // it stops the daemons and removes its pods: it writes into the void instead.
  ::signal(SIGPIPE, SIG_IGN);
}

bool Interrupted() { return g_interrupted != 0; }

DaemonStack::DaemonStack(std::string root, std::string bin_dir)
    : root_(std::move(root)), bin_dir_(std::move(bin_dir)) {
  ::mkdir(root_.c_str(), 0755);
}

DaemonStack::~DaemonStack() { Stop(); }

Status DaemonStack::WriteConfig(const std::string& yaml) {
  std::ofstream out(root_ + "/cria.yaml", std::ios::trunc);
  out << yaml;
  out.close();
  if (!out) return Status(StatusCode::kInternal, "cannot write " + root_ + "/cria.yaml");
  return OkStatus();
}

std::string FileTail(const std::string& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += "  " + l + "\n";
  return out;
}

Result<pid_t> SpawnLogged(const std::vector<std::string>& argv,
                          const std::optional<std::vector<std::string>>& env,
                          const std::string& log, bool new_session) {
  std::vector<std::string> args_copy = argv;
  std::vector<std::string> env_copy = env.value_or(std::vector<std::string>{});
  std::vector<char*> args, envp;
  for (std::string& a : args_copy) args.push_back(a.data());
  args.push_back(nullptr);
  for (std::string& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigfillset(&defaults);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (new_session) flags |= POSIX_SPAWN_SETSID;
  posix_spawnattr_setflags(&attr, flags);
  pid_t pid = -1;
  int err = posix_spawn(&pid, args[0], &actions, &attr, args.data(),
                        env.has_value() ? envp.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return ErrnoStatus(err, "spawn " + argv[0]);
  return pid;
}

Status DaemonStack::Start(const std::string& daemon) {
  const std::string binary = bin_dir_ + "/services/" + daemon + "/cria-" + daemon;
  if (::access(binary.c_str(), X_OK) != 0) return ErrnoStatus(errno, "run " + binary);
  std::vector<std::string> argv = {binary,         "--config",        root_ + "/cria.yaml",
                                   "--config-dir", root_ + "/cria.d", "--state-dir",
                                   state_dir(),    "--run-dir",       run_dir()};
  CRIA_ASSIGN_OR_RETURN(pid_t pid, SpawnLogged(argv, std::nullopt, LogPath(daemon), false), "");
  running_.emplace_back(daemon, pid);
  RegisterDaemon(pid);

  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end && !Interrupted()) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      UnregisterDaemon(pid);
      running_.pop_back();
      return Status(StatusCode::kInternal,
                    "cria-" + daemon + " exited at start; its log:\n" + LogTail(daemon));
    }
    // A new channel each time: one whose first attempt came too early would back off.
    if (rpc::CheckHealth(*FreshChannel(Socket(daemon)), milliseconds(500)).ok()) {
      return OkStatus();
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  if (Interrupted()) return Status(StatusCode::kCancelled, "interrupted");
  return Status(StatusCode::kDeadlineExceeded,
                "cria-" + daemon + " did not serve within 20 s; its log:\n" + LogTail(daemon));
}

void DaemonStack::Stop() {
  while (!running_.empty()) {
    auto [daemon, pid] = running_.back();
    running_.pop_back();
    ::kill(pid, SIGTERM);
    if (WaitFor(pid, std::chrono::seconds(20)) == -1) {
      ::kill(pid, SIGKILL);
      WaitFor(pid, std::chrono::seconds(10));
    }
    UnregisterDaemon(pid);
  }
}

pid_t DaemonStack::Pid(const std::string& daemon) const {
  for (const auto& [name, pid] : running_) {
    if (name == daemon) return pid;
  }
  return -1;
}

std::string DaemonStack::Socket(const std::string& daemon) const {
  return run_dir() + "/" + (daemon == "gateway" ? std::string("cria") : daemon) + ".sock";
}

std::string DaemonStack::LogTail(const std::string& daemon, int lines) const {
  return FileTail(LogPath(daemon), lines);
}

}  // namespace cria::bench
