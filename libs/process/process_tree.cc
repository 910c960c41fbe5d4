#include "libs/process/process_tree.h"

#include <dirent.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cria::process {
namespace {

// Every process's parent, from /proc/<pid>/stat (the field after the parenthesised name,
// which may itself hold spaces and ')').
std::map<pid_t, pid_t> Parents() {
  std::map<pid_t, pid_t> parents;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return parents;
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    const std::string path = std::string("/proc/") + entry->d_name + "/stat";
    FILE* f = std::fopen(path.c_str(), "re");
    if (f == nullptr) continue;
    char buf[512];
    const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const std::string stat(buf);
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2) {
      parents[static_cast<pid_t>(pid)] = static_cast<pid_t>(ppid);
    }
  }
  ::closedir(dir);
  return parents;
}

}  // namespace

int KillProcessTree(pid_t root) {
  if (root <= 0 || ::kill(root, SIGSTOP) != 0) return 0;
  std::set<pid_t> tree = {root};
  // Stopped processes cannot fork, so a round that finds nothing new has them all. A child
  // forked just before its parent stopped is found in the next round.
  for (int round = 0; round < 100; ++round) {
    std::vector<pid_t> found;
    for (const auto& [pid, parent] : Parents()) {
      if (tree.count(parent) != 0 && tree.count(pid) == 0) found.push_back(pid);
    }
    if (found.empty()) break;
    for (pid_t pid : found) {
      ::kill(pid, SIGSTOP);
      tree.insert(pid);
    }
  }
  int killed = 0;
  for (pid_t pid : tree) {
    if (::kill(pid, SIGKILL) == 0) ++killed;
  }
  return killed;
}

}  // namespace cria::process
