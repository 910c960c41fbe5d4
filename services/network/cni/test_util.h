// Helpers for the CNI tests: files, commands, and RAII guards for the network
// namespaces and bridges a test creates, so they go away even when a check fails.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "libs/process/process.h"
#include "libs/status/status.h"

namespace cria::network::cni::testing {

// A safety net so that no test waits forever on a command.
inline constexpr std::chrono::milliseconds kCommandTimeout{20000};

// Runs argv (no shell) and returns its outcome; fails the test if it cannot start.
inline process::Outcome RunCommand(std::vector<std::string> argv) {
  process::Command cmd;
  cmd.argv = std::move(argv);
  cmd.timeout = kCommandTimeout;
  Result<process::Outcome> outcome = process::Run(cmd);
  INFO(MessageOf(outcome.status()));
  REQUIRE(outcome.ok());
  return *std::move(outcome);
}

// Runs argv and requires it to succeed; returns stdout.
inline std::string RunOk(std::vector<std::string> argv) {
  std::string shown;
  for (const std::string& arg : argv) shown += arg + " ";
  process::Outcome outcome = RunCommand(std::move(argv));
  INFO(shown << outcome.Describe() << ": " << outcome.err);
  REQUIRE(outcome.Succeeded());
  return outcome.out;
}

inline void WriteFile(const std::filesystem::path& path, const std::string& content,
                      mode_t mode = 0644) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << content;
    REQUIRE(out.good());
  }
  REQUIRE(chmod(path.c_str(), mode) == 0);
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  INFO("reading " << path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A name unique to this test process: "<prefix><pid>n<counter>".
inline std::string UniqueName(const std::string& prefix) {
  static int counter = 0;
  return prefix + std::to_string(getpid()) + "n" + std::to_string(++counter);
}

// A network namespace "cria-cnitest-<pid>n<N>" made with `ip netns add`, deleted at scope exit.
class TestNetns {
 public:
  TestNetns() : name_(UniqueName("cria-cnitest-")) { RunOk({"ip", "netns", "add", name_}); }
  ~TestNetns() { Delete(); }
  TestNetns(const TestNetns&) = delete;
  TestNetns& operator=(const TestNetns&) = delete;

  const std::string& name() const { return name_; }
  std::string path() const { return "/run/netns/" + name_; }

  // Deletes the netns now (idempotent).
  void Delete() {
    if (deleted_) return;
    deleted_ = true;
    process::Command cmd;
    cmd.argv = {"ip", "netns", "del", name_};
    cmd.timeout = kCommandTimeout;
    (void)process::Run(cmd);
  }

  // Runs argv inside the netns.
  process::Outcome Exec(std::vector<std::string> argv) const {
    std::vector<std::string> full = {"ip", "netns", "exec", name_};
    full.insert(full.end(), argv.begin(), argv.end());
    return RunCommand(std::move(full));
  }

 private:
  std::string name_;
  bool deleted_ = false;
};

inline bool LinkExists(const std::string& name) {
  return RunCommand({"ip", "link", "show", "dev", name}).Succeeded();
}

// Deletes the host link `name` (a bridge a plugin created) at scope exit, if it exists.
class LinkGuard {
 public:
  explicit LinkGuard(std::string name) : name_(std::move(name)) {}
  ~LinkGuard() {
    process::Command cmd;
    cmd.argv = {"ip", "link", "del", "dev", name_};
    cmd.timeout = kCommandTimeout;
    (void)process::Run(cmd);
  }
  LinkGuard(const LinkGuard&) = delete;
  LinkGuard& operator=(const LinkGuard&) = delete;

  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace cria::network::cni::testing
