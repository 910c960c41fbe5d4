// cria-pinns: creates a pod's namespaces and pins them as files, so that they outlive
// any process and every container of the pod can join them (DESIGN.md section 2; CRI-O's
// pinns does the same job).
//
//   cria-pinns --dir DIR --name POD [--ipc] [--uts] [--sysctl KEY=VALUE]...
//   cria-pinns --netns PATH --sysctl KEY=VALUE...
//
// For each namespace asked for, DIR/<ns>/POD is bind-mounted from the new namespace.
// The second form joins the network namespace pinned at PATH (made by cria-network) and
// writes the pod's net.* sysctls there: a name that namespace does not have is refused
// when the pod starts rather than at every container start (as CRI-O's pinns does).
// Not PID: a PID namespace dies with its first process, so a pod's shared PID namespace
// is made by its cria-pause container and pinned from /proc/<pause>/ns/pid. Sysctls are
// written inside the new namespaces (ipc: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*;
// uts: kernel.hostname/domainname). KEY is dotted (`net.ipv4.ip_forward`) or, when its
// first separator is '/', a path under /proc/sys (`net/ipv4/conf/eth0.1/forwarding`), as
// sysctl(8) reads them. On any failure what was pinned is unmounted and
// removed, and the exit code is 1 with the reason on stderr.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Options {
  std::string dir, name, netns;
  bool ipc = false, uts = false;
  std::vector<std::pair<std::string, std::string>> sysctls;
};

int Usage(const std::string& why) {
  std::fprintf(stderr,
               "cria-pinns: %s\nusage: cria-pinns --dir DIR --name POD [--ipc] [--uts] "
               "[--sysctl KEY=VALUE]...\n       cria-pinns --netns PATH --sysctl KEY=VALUE...\n",
               why.c_str());
  return 2;
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// Bind-mounts /proc/self/ns/<source> onto <dir>/<ns>/<name>.
bool Pin(const Options& o, const std::string& ns, const std::string& source,
         std::vector<std::string>& pinned, std::string& error) {
  std::string sub = o.dir + "/" + ns;
  if (mkdir(sub.c_str(), 0700) != 0 && errno != EEXIST) {
    error = Errno("create " + sub);
    return false;
  }
  std::string target = sub + "/" + o.name;
  int fd = open(target.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
  if (fd < 0) {
    error = Errno("create " + target);
    return false;
  }
  close(fd);
  std::string from = "/proc/self/ns/" + source;
  if (mount(from.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    error = Errno("bind " + from + " to " + target);
    unlink(target.c_str());
    return false;
  }
  pinned.push_back(target);
  return true;
}

// The file under /proc/sys for `key`, or "" when it names none: dotted names have '.' and
// '/' swapped (a '/' in a dotted name stands for a '.' inside one part, e.g. an interface
// name), path names are kept. Every part must be a plain name: nothing leaves /proc/sys.
std::string SysctlPath(const std::string& key) {
  std::string path = key;
  size_t first = key.find_first_of("./");
  if (first != std::string::npos && key[first] == '.') {
    for (char& c : path) {
      if (c == '.' || c == '/') c = c == '.' ? '/' : '.';
    }
  }
  for (size_t start = 0; start <= path.size();) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return "";
    start = end + 1;
  }
  return "/proc/sys/" + path;
}

bool WriteSysctl(const std::string& key, const std::string& value, std::string& error) {
  const std::string path = SysctlPath(key);
  if (path.empty()) {
    error = "bad sysctl name \"" + key + "\"";
    return false;
  }
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    error = Errno("sysctl " + key);
    return false;
  }
  ssize_t n = write(fd, value.data(), value.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    errno = err;
    error = Errno("sysctl " + key + "=" + value);
    return false;
  }
  return true;
}

bool WriteSysctls(const Options& o, std::string& error) {
  for (const auto& [key, value] : o.sysctls) {
    if (!WriteSysctl(key, value, error)) return false;
  }
  return true;
}

// The --netns form: the sysctls inside an existing network namespace.
int SetInNetns(const Options& o) {
  std::string error;
  int fd = open(o.netns.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = Errno("open the network namespace " + o.netns);
  } else if (setns(fd, CLONE_NEWNET) != 0) {
    error = Errno("join the network namespace " + o.netns);
  }
  if (fd >= 0) close(fd);
  if (error.empty() && WriteSysctls(o, error)) return 0;
  std::fprintf(stderr, "cria-pinns: %s\n", error.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--dir") {
      const char* v = value();
      if (!v) return Usage("--dir needs a value");
      o.dir = v;
    } else if (a == "--name") {
      const char* v = value();
      if (!v) return Usage("--name needs a value");
      o.name = v;
    } else if (a == "--netns") {
      const char* v = value();
      if (!v) return Usage("--netns needs a value");
      o.netns = v;
    } else if (a == "--ipc") {
      o.ipc = true;
    } else if (a == "--uts") {
      o.uts = true;
    } else if (a == "--sysctl") {
      const char* v = value();
      std::string kv = v ? v : "";
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) return Usage("--sysctl needs KEY=VALUE");
      o.sysctls.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else {
      return Usage("unknown argument " + a);
    }
  }
  if (!o.netns.empty()) {
    if (o.netns[0] != '/') return Usage("--netns must be an absolute path");
    if (o.ipc || o.uts || !o.dir.empty() || !o.name.empty()) {
      return Usage("--netns takes only --sysctl");
    }
    if (o.sysctls.empty()) return Usage("--netns without --sysctl does nothing");
    return SetInNetns(o);
  }
  if (o.dir.empty() || o.dir[0] != '/') return Usage("--dir must be an absolute path");
  if (o.name.empty() || o.name.find('/') != std::string::npos || o.name[0] == '.') {
    return Usage("--name must be a plain file name");
  }
  if (!o.ipc && !o.uts) return Usage("no namespace asked for");

  int flags = (o.ipc ? CLONE_NEWIPC : 0) | (o.uts ? CLONE_NEWUTS : 0);
  if (unshare(flags) != 0) {
    std::fprintf(stderr, "cria-pinns: %s\n", Errno("unshare").c_str());
    return 1;
  }
  std::vector<std::string> pinned;
  std::string error;
  bool ok = (!o.ipc || Pin(o, "ipc", "ipc", pinned, error)) &&
            (!o.uts || Pin(o, "uts", "uts", pinned, error));
  if (ok && WriteSysctls(o, error)) return 0;
  for (const std::string& target : pinned) {
    umount2(target.c_str(), MNT_DETACH);
    unlink(target.c_str());
  }
  std::fprintf(stderr, "cria-pinns: %s\n", error.c_str());
  return 1;
}
