#include "tools/bench/containerd_peer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cri/runtime/v1/cri_api.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_push.h"
#include "tools/bench/bench_stack.h"

namespace cria::bench {
namespace {

namespace fs = std::filesystem;
namespace cri = ::runtime::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kContainerd[] = "/usr/bin/containerd";
constexpr char kShim[] = "containerd-shim-runc-v2";
// containerd's PATH: Debian's shim (/usr/bin) and runc (/usr/sbin), nothing from
// /usr/local.
constexpr char kPath[] = "/usr/sbin:/usr/bin:/sbin:/bin";
// Where containerd 1.6 puts shim sockets, whatever its config (runtime/v2/shim/util_unix.go).
constexpr char kShimSocketDir[] = "/run/containerd/s";
// Directories containerd 1.6 makes outside its root whatever its config, deepest first:
// the shim sockets' and libcni's result cache (go-cni keeps libcni's default; the files
// in it go at CNI DEL). Those that did not exist at start are removed at Stop when empty.
constexpr char kCniResults[] = "/var/lib/cni/results";
constexpr const char* kHostDirs[] = {kShimSocketDir, "/run/containerd", kCniResults,
                                     "/var/lib/cni"};

std::chrono::system_clock::time_point In(milliseconds timeout) {
  return std::chrono::system_clock::now() + timeout;
}

// The executable `name` in containerd's PATH, or "".
std::string InPath(const std::string& name) {
  std::istringstream dirs(kPath);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string path = dir + "/" + name;
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A TOML basic string: the paths and references here hold no quote or backslash, but a
// caller's root might.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The config (version 2). Everything containerd writes is under `root`; plugins the CRI
// does not use are off (other snapshotters, tracing, /opt/containerd).
std::string ConfigToml(const ContainerdPeerOptions& o, const std::string& runc) {
  const std::string& r = o.root;
  std::string t;
  t += "version = 2\n";
  t += "root = " + Quote(r + "/lib") + "\n";
  t += "state = " + Quote(r + "/run") + "\n";
  t += "temp = " + Quote(r + "/tmp") + "\n";
  t += "disabled_plugins = [\"io.containerd.internal.v1.opt\", "
       "\"io.containerd.snapshotter.v1.aufs\", \"io.containerd.snapshotter.v1.btrfs\", "
       "\"io.containerd.snapshotter.v1.devmapper\", \"io.containerd.snapshotter.v1.zfs\", "
       "\"io.containerd.snapshotter.v1.native\", \"io.containerd.tracing.processor.v1.otlp\", "
       "\"io.containerd.internal.v1.tracing\"]\n";
  t += "[grpc]\n  address = " + Quote(r + "/containerd.sock") + "\n";
  t += "[ttrpc]\n  address = " + Quote(r + "/containerd.sock.ttrpc") + "\n";
  t += "[debug]\n  address = " + Quote(r + "/debug.sock") + "\n  level = \"info\"\n";
  t += "[metrics]\n  address = \"\"\n";
  const std::string cri = "[plugins.\"io.containerd.grpc.v1.cri\"";
  t += cri + "]\n";
  t += "  sandbox_image = " + Quote(o.sandbox_image) + "\n";
  t += "  restrict_oom_score_adj = true\n";
  t += "  systemd_cgroup = false\n";
  t += "  netns_mounts_under_state_dir = true\n";
  t += "  stream_server_address = \"127.0.0.1\"\n  stream_server_port = \"0\"\n";
  t += cri + ".cni]\n";
  t += "  bin_dir = " + Quote(o.cni_bin_dirs.front()) + "\n";
  t += "  conf_dir = " + Quote(o.cni_conf_dir) + "\n  max_conf_num = 1\n";
  t += cri + ".containerd]\n";
  t += "  snapshotter = \"overlayfs\"\n  default_runtime_name = \"runc\"\n";
  t += cri + ".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n";
  t += cri + ".containerd.runtimes.runc.options]\n";
  t += "  BinaryName = " + Quote(runc) + "\n";
  t += "  Root = " + Quote(r + "/runc") + "\n";
  t += "  SystemdCgroup = false\n";
  t += cri + ".registry]\n  config_path = " + Quote(r + "/certs.d") + "\n";
  return t;
}

// The registry over plain HTTP, for pull and resolve.
std::string HostsToml(const std::string& registry) {
  return "server = \"http://" + registry + "\"\n[host.\"http://" + registry +
         "\"]\n  capabilities = [\"pull\", \"resolve\"]\n";
}

// containerd's environment: nothing inherited. Every proxy variable names a 127.0.0.1
// port nothing listens on, so a pull from anywhere but the loopback registry fails at
// once instead of leaving the machine.
std::vector<std::string> Environment(const std::string& root) {
  const std::string proxy =
      "http://127.0.0.1:" + std::to_string(image::registry::testing::FreePort());
  std::vector<std::string> env = {"PATH=" + std::string(kPath), "TMPDIR=" + root + "/tmp",
                                  "HOME=" + root};
  for (const char* name :
       {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    env.push_back(std::string(name) + "=" + proxy);
  }
  env.push_back("no_proxy=127.0.0.1,localhost");
  env.push_back("NO_PROXY=127.0.0.1,localhost");
  return env;
}

// The NUL-separated arguments of a process.
std::vector<std::string> Args(const std::string& pid) {
  std::vector<std::string> out;
  std::string text = ReadText("/proc/" + pid + "/cmdline");
  std::string arg;
  for (char c : text) {
    if (c == '\0') {
      out.push_back(arg);
      arg.clear();
    } else {
      arg += c;
    }
  }
  return out;
}

// The parent of `pid` from /proc/PID/stat (the field after the command, which may hold
// spaces and parentheses), or -1.
pid_t ParentOf(const std::string& pid) {
  const std::string stat = ReadText("/proc/" + pid + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 1));
  std::string state;
  pid_t ppid = -1;
  rest >> state >> ppid;
  return ppid;
}

std::vector<std::string> ProcessIds() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") == std::string::npos) out.push_back(name);
  }
  return out;
}

bool Alive(pid_t pid) {
  // A zombie has no cmdline and is as good as gone.
  return ::kill(pid, 0) == 0 && !ReadText("/proc/" + std::to_string(pid) + "/cmdline").empty();
}

// SIGKILLs `pid` and waits (at most 5 s) until it is gone.
void KillAndWait(pid_t pid) {
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 500 && Alive(pid); ++i) std::this_thread::sleep_for(milliseconds(10));
}

// Waits for our child `pid` (at most `limit`): true when it was reaped.
bool WaitChild(pid_t pid, milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

Status FromGrpc(const grpc::Status& s, const std::string& what) {
  if (s.ok()) return OkStatus();
  return Status(static_cast<StatusCode>(s.error_code()), what + ": " + s.error_message());
}

}  // namespace

ContainerdPeer::ContainerdPeer(ContainerdPeerOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<ContainerdPeer>> ContainerdPeer::Start(
    const ContainerdPeerOptions& options) {
  if (options.root.empty() || options.root[0] != '/') {
    return Status(StatusCode::kInvalidArgument,
                  "containerd peer: root must be an absolute path, not \"" + options.root + "\"");
  }
  if (options.registry.empty() || options.sandbox_image.empty() || options.cni_conf_dir.empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "containerd peer: registry, sandbox_image and cni_conf_dir are required");
  }
  // containerd 1.6's CRI plugin takes one CNI plugin directory (cni.bin_dir is a string).
  if (options.cni_bin_dirs.size() != 1) {
    return Status(StatusCode::kInvalidArgument,
                  "containerd peer: containerd 1.6 takes exactly one CNI plugin directory, got " +
                      std::to_string(options.cni_bin_dirs.size()));
  }
  std::unique_ptr<ContainerdPeer> peer(new ContainerdPeer(options));
  Status s = peer->Launch();
  if (s.ok()) s = peer->WaitReady();
  if (!s.ok()) {
    // The destructor would stop it too; here its outcome joins the error.
    Status stopped = peer->Stop();
    std::string message = MessageOf(s);
    if (!stopped.ok()) message += "\nand stopping it: " + MessageOf(stopped);
    return Status(s.code(), message);
  }
  return peer;
}

Status ContainerdPeer::Launch() {
  const std::string& root = options_.root;
  if (::access(kContainerd, X_OK) != 0) {
    return ErrnoStatus(errno, std::string("containerd peer: run ") + kContainerd +
                                  " (Debian package containerd; tools/setup-deps installs it)");
  }
  // The shim and runc containerd will use: Debian's, found in containerd's PATH.
  if (InPath(kShim).empty()) {
    return Status(StatusCode::kNotFound, std::string("containerd peer: no ") + kShim + " in " +
                                             kPath + " (Debian package containerd)");
  }
  const std::string runc = InPath(options_.oci_runtime);
  if (runc.empty()) {
    return Status(StatusCode::kNotFound, "containerd peer: no " + options_.oci_runtime + " in " +
                                             kPath + " (Debian package " + options_.oci_runtime +
                                             ")");
  }
  for (const std::string& dir : {root + "/tmp", root + "/certs.d"}) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "containerd peer: mkdir " + dir);
    }
  }
  const std::string hosts_dir = root + "/certs.d/" + options_.registry;
  if (::mkdir(hosts_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, "containerd peer: mkdir " + hosts_dir);
  }
  if (!WriteText(hosts_dir + "/hosts.toml", HostsToml(options_.registry))) {
    return Status(StatusCode::kInternal,
                  "containerd peer: cannot write " + hosts_dir + "/hosts.toml");
  }
  const std::string config = root + "/config.toml";
  if (!WriteText(config, ConfigToml(options_, runc))) {
    return Status(StatusCode::kInternal, "containerd peer: cannot write " + config);
  }
  for (const char* dir : kHostDirs) {
    struct stat st;
    if (::stat(dir, &st) != 0) new_host_dirs_.push_back(dir);
  }

  std::vector<std::string> argv = {kContainerd, "--config", config};
  std::vector<std::string> env = Environment(root);
  // A session of its own: a ^C at the terminal reaches the driver, which then stops
  // containerd after removing its pods, rather than containerd dying under them.
  CRIA_ASSIGN_OR_RETURN(pid_t pid, SpawnLogged(argv, env, root + "/containerd.log", true),
                        "containerd peer");
  pid_ = pid;
  return OkStatus();
}

Status ContainerdPeer::WaitReady() {
  const auto end = std::chrono::steady_clock::now() + seconds(30);
  std::string last = "no answer yet";
  while (std::chrono::steady_clock::now() < end) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status(StatusCode::kInternal, "containerd peer: containerd exited at start (status " +
                                               std::to_string(status) + "); its log:\n" +
                                               LogTail());
    }
    auto stub = cri::RuntimeService::NewStub(FreshChannel(socket()));
    cri::VersionRequest version_request;
    cri::VersionResponse version;
    grpc::ClientContext version_ctx;
    version_ctx.set_deadline(In(milliseconds(500)));
    grpc::Status s = stub->Version(&version_ctx, version_request, &version);
    if (s.ok()) {
      cri::StatusRequest status_request;
      cri::StatusResponse answer;
      grpc::ClientContext status_ctx;
      status_ctx.set_deadline(In(milliseconds(1000)));
      s = stub->Status(&status_ctx, status_request, &answer);
      if (s.ok()) {
        bool runtime_ready = false, network_ready = false;
        last.clear();
        for (const cri::RuntimeCondition& c : answer.status().conditions()) {
          if (c.type() == "RuntimeReady") runtime_ready = c.status();
          if (c.type() == "NetworkReady") network_ready = c.status();
          if (!c.status()) last += c.type() + " false: " + c.reason() + " " + c.message() + "; ";
        }
        if (runtime_ready && network_ready) return OkStatus();
      } else {
        last = "Status: " + s.error_message();
      }
    } else {
      last = "Version: " + s.error_message();
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  return Status(
      StatusCode::kDeadlineExceeded,
      "containerd peer: its CRI was not ready within 30 s (" + last + "); its log:\n" + LogTail());
}

ContainerdPeer::~ContainerdPeer() {
  Status s = Stop();
  if (!s.ok()) std::fprintf(stderr, "%s\n", MessageOf(s).c_str());
}

Status ContainerdPeer::Stop() {
  if (stopped_) return OkStatus();
  stopped_ = true;
  std::vector<std::string> problems;
  if (pid_ > 0) {
    auto stub = cri::RuntimeService::NewStub(FreshChannel(socket()));
    cri::ListPodSandboxRequest list;
    cri::ListPodSandboxResponse pods;
    grpc::ClientContext list_ctx;
    list_ctx.set_deadline(In(seconds(30)));
    Status listed = FromGrpc(stub->ListPodSandbox(&list_ctx, list, &pods), "ListPodSandbox");
    if (!listed.ok()) problems.push_back(MessageOf(listed));
    for (const cri::PodSandbox& pod : pods.items()) {
      cri::StopPodSandboxRequest stop;
      stop.set_pod_sandbox_id(pod.id());
      cri::StopPodSandboxResponse stopped;
      grpc::ClientContext stop_ctx;
      stop_ctx.set_deadline(In(seconds(60)));
      Status s =
          FromGrpc(stub->StopPodSandbox(&stop_ctx, stop, &stopped), "StopPodSandbox " + pod.id());
      if (s.ok()) {
        cri::RemovePodSandboxRequest remove;
        remove.set_pod_sandbox_id(pod.id());
        cri::RemovePodSandboxResponse removed;
        grpc::ClientContext remove_ctx;
        remove_ctx.set_deadline(In(seconds(60)));
        s = FromGrpc(stub->RemovePodSandbox(&remove_ctx, remove, &removed),
                     "RemovePodSandbox " + pod.id());
      }
      if (!s.ok()) problems.push_back(MessageOf(s));
    }
    ::kill(pid_, SIGTERM);
    if (!WaitChild(pid_, seconds(10))) {
      problems.push_back("containerd " + std::to_string(pid_) + " ignored SIGTERM for 10 s");
      ::kill(pid_, SIGKILL);
      WaitChild(pid_, seconds(10));
    }
    pid_ = -1;
  }
  // Shims outlive containerd by design; with every pod removed none should be left.
  for (pid_t shim : ShimPids()) {
    problems.push_back("shim " + std::to_string(shim) + " was still running: killed");
    // Its socket in /run/containerd/s, named in the "address" file of its bundle (its cwd).
    std::string address = ReadText("/proc/" + std::to_string(shim) + "/cwd/address");
    for (const std::string& p : ProcessIds()) {
      if (ParentOf(p) == shim) KillAndWait(std::stoi(p));
    }
    KillAndWait(shim);
    if (address.rfind("unix://", 0) == 0) {
      address = address.substr(7);
      while (!address.empty() && (address.back() == '\n' || address.back() == ' ')) {
        address.pop_back();
      }
      if (address.rfind(std::string(kShimSocketDir) + "/", 0) == 0) ::unlink(address.c_str());
    }
  }
  // libcni's cache entries of pods containerd could not tear down (it died): named
  // "<network>-<sandbox id>-<interface>", for the sandboxes whose dirs are still in root.
  for (const std::string& id : SandboxIds()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(kCniResults, ec)) {
      if (entry.path().filename().string().find("-" + id + "-") == std::string::npos) continue;
      problems.push_back("CNI result left by pod " + id + ": removed " + entry.path().string());
      fs::remove(entry.path(), ec);
    }
  }
  std::vector<std::string> mounted = UnmountUnder(options_.root);
  for (const std::string& m : mounted) problems.push_back("still mounted: " + m);
  for (const std::string& dir : new_host_dirs_) {
    if (::rmdir(dir.c_str()) != 0 && errno != ENOENT && errno != ENOTEMPTY) {
      problems.push_back(ErrnoStatus(errno, "rmdir " + dir).ToString());
    }
  }
  if (problems.empty()) return OkStatus();
  std::string message = "containerd peer in " + options_.root + ": stop:";
  for (const std::string& p : problems) message += "\n  " + p;
  return Status(StatusCode::kInternal, message + "\ncontainerd log (tail):\n" + LogTail());
}

std::vector<std::string> ContainerdPeer::SandboxIds() const {
  std::vector<std::string> out;
  for (const char* dir :
       {"/lib/io.containerd.grpc.v1.cri/sandboxes", "/run/io.containerd.grpc.v1.cri/sandboxes"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options_.root + dir, ec)) {
      out.push_back(entry.path().filename());
    }
  }
  return out;
}

std::string ContainerdPeer::endpoint() const { return "unix://" + socket(); }

pid_t ContainerdPeer::pid() const { return pid_; }

std::vector<pid_t> ContainerdPeer::ShimPids() const {
  std::vector<pid_t> out;
  const std::string sock = socket();
  for (const std::string& p : ProcessIds()) {
    std::vector<std::string> args = Args(p);
    if (args.empty() || fs::path(args[0]).filename() != kShim) continue;
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "-address" && args[i + 1] == sock) {
        out.push_back(std::stoi(p));
        break;
      }
    }
  }
  return out;
}

std::string ContainerdPeer::LogTail(int lines) const {
  return FileTail(options_.root + "/containerd.log", lines);
}

Result<std::string> PushPauseImage(image::registry::testing::TestRegistry& registry,
                                   const std::string& bin_dir, const std::string& dir) {
  namespace it = image::testing;
  const std::string pause = bin_dir + "/tools/cria-pause/cria-pause";
  if (::access(pause.c_str(), R_OK) != 0) {
    return ErrnoStatus(errno, "pause image: read " + pause + " (bazel build //tools/cria-pause)");
  }
  it::ImageSpec spec;
  it::LayerSpec layer;
  layer.created_by = "cria-pause as /pause";
  layer.HostFile("pause", pause, 0755);
  spec.layers.push_back(std::move(layer));
  spec.entrypoint = {"/pause"};
  it::BuiltImageFiles built;
  CRIA_RETURN_IF_ERROR(it::BuildToDir(spec, dir, &built), "pause image: build in " + dir);
  CRIA_RETURN_IF_ERROR(it::PushFiles(registry, "bench/pause", "1", built),
                       "pause image: push to " + registry.address());
  return registry.address() + "/bench/pause:1";
}

}  // namespace cria::bench
