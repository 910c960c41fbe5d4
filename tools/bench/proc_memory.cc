#include "tools/bench/proc_memory.h"

#include <dirent.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace cria::bench {

uint64_t ReadPssKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string line;
  while (std::getline(in, line)) {
    unsigned long long kib = 0;
    if (std::sscanf(line.c_str(), "Pss: %llu kB", &kib) == 1) return kib;
  }
  return 0;
}

std::vector<pid_t> FindProcesses(const std::string& comm, const std::string& needle) {
  std::vector<pid_t> out;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return out;
  while (struct dirent* e = ::readdir(proc)) {
    const std::string name = e->d_name;
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream comm_file("/proc/" + name + "/comm");
    std::string process_name;
    if (!std::getline(comm_file, process_name) || process_name != comm) continue;
    if (!needle.empty()) {
      std::ifstream cmdline_file("/proc/" + name + "/cmdline");
      std::stringstream cmdline;
      cmdline << cmdline_file.rdbuf();
      if (cmdline.str().find(needle) == std::string::npos) continue;
    }
    out.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  ::closedir(proc);
  return out;
}

}  // namespace cria::bench
