// cria-pinns: creates a pod's namespaces and pins them as files, so that they outlive
// any process and every container of the pod can join them (DESIGN.md section 2; CRI-O's
// pinns does the same job).
//
//   cria-pinns --dir DIR --name POD [--ipc] [--uts] [--sysctl KEY=VALUE]...
//
// For each namespace asked for, DIR/<ns>/POD is bind-mounted from the new namespace.
// Not PID: a PID namespace dies with its first process, so a pod's shared PID namespace
// is made by its cria-pause container and pinned from /proc/<pause>/ns/pid. Sysctls are
// written inside the new namespaces (ipc: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*;
// uts: kernel.hostname/domainname). On any failure what was pinned is unmounted and
// removed, and the exit code is 1 with the reason on stderr.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Options {
  std::string dir, name;
  bool ipc = false, uts = false;
  std::vector<std::pair<std::string, std::string>> sysctls;
};

int Usage(const std::string& why) {
  std::fprintf(stderr,
               "cria-pinns: %s\nusage: cria-pinns --dir DIR --name POD [--ipc] [--uts] "
               "[--sysctl KEY=VALUE]...\n",
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

bool WriteSysctl(const std::string& key, const std::string& value, std::string& error) {
  if (key.empty() || key.find("..") != std::string::npos || key[0] == '.' || key[0] == '/') {
    error = "bad sysctl name \"" + key + "\"";
    return false;
  }
  std::string path = "/proc/sys/" + key;
  for (char& c : path) {
    if (c == '.') c = '/';
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
  for (size_t i = 0; ok && i < o.sysctls.size(); ++i) {
    ok = WriteSysctl(o.sysctls[i].first, o.sysctls[i].second, error);
  }
  if (ok) return 0;
  for (const std::string& target : pinned) {
    umount2(target.c_str(), MNT_DETACH);
    unlink(target.c_str());
  }
  std::fprintf(stderr, "cria-pinns: %s\n", error.c_str());
  return 1;
}
