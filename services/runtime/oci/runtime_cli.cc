#include "services/runtime/oci/runtime_cli.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "libs/process/process_tree.h"
#include "rapidjson/document.h"

namespace cria::runtime::oci {
namespace {

bool SaysNotExist(const process::Outcome& outcome) {
  const std::string& err = outcome.err;
  return err.find("does not exist") != std::string::npos ||
         err.find("not found") != std::string::npos ||
         err.find("No such file or directory") != std::string::npos;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

RuntimeCli::RuntimeCli(std::string path, std::string root, std::chrono::milliseconds timeout)
    : path_(std::move(path)), root_(std::move(root)), timeout_(timeout) {}

Result<process::Outcome> RuntimeCli::Call(const std::vector<std::string>& args,
                                          const std::string& stdin_data) const {
  process::Command cmd;
  cmd.argv = {path_, "--root", root_};
  cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
  cmd.stdin_data = stdin_data;
  cmd.timeout = timeout_;
  cmd.output_limit = 1 << 20;
  return process::Run(cmd);
}

Status RuntimeCli::Check(const Result<process::Outcome>& outcome, const std::string& what) const {
  if (!outcome.ok()) return Annotate(outcome.status(), path_ + " " + what);
  if (outcome->Succeeded()) return OkStatus();
  StatusCode code = SaysNotExist(*outcome) ? StatusCode::kNotFound : StatusCode::kInternal;
  if (outcome->timed_out) code = StatusCode::kDeadlineExceeded;
  return Status(code,
                path_ + " " + what + " " + outcome->Describe() + ": " + Trimmed(outcome->err));
}

Result<RuntimeState> RuntimeCli::State(const std::string& id) const {
  Result<process::Outcome> outcome = Call({"state", id});
  CRIA_RETURN_IF_ERROR(Check(outcome, "state " + id), "");
  rapidjson::Document doc;
  doc.Parse(outcome->out.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("status") ||
      !doc["status"].IsString()) {
    return Status(StatusCode::kInternal, path_ + " state " + id + ": unexpected output");
  }
  RuntimeState state;
  state.status = doc["status"].GetString();
  if (doc.HasMember("pid") && doc["pid"].IsInt()) state.pid = doc["pid"].GetInt();
  return state;
}

Status RuntimeCli::Start(const std::string& id) const {
  return Check(Call({"start", id}), "start " + id);
}

Status RuntimeCli::Kill(const std::string& id, int signal, bool all) const {
  std::vector<std::string> args = {"kill"};
  if (all) args.push_back("--all");
  args.push_back(id);
  args.push_back(std::to_string(signal));
  return Check(Call(args), "kill " + id);
}

Status RuntimeCli::Delete(const std::string& id, bool force) const {
  std::vector<std::string> args = {"delete"};
  if (force) args.push_back("--force");
  args.push_back(id);
  Status s = Check(Call(args), "delete " + id);
  if (s.code() == StatusCode::kNotFound) return OkStatus();
  return s;
}

Status RuntimeCli::Update(const std::string& id, const std::string& resources_json) const {
  Result<process::Outcome> outcome = Call({"update", "--resources", "-", id}, resources_json);
  Status s = Check(outcome, "update " + id);
  // The runtime ran and refused: resources this container cannot take as it is (a memory
  // limit under its usage, a CPU the host does not have), not a fault of cria's.
  if (s.code() == StatusCode::kInternal && outcome.ok() && !outcome->timed_out) {
    return Status(StatusCode::kFailedPrecondition, s.message());
  }
  return s;
}

namespace {

// A file made by mkstemp from `tmpl`, removed when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(std::string tmpl) : path_(std::move(tmpl)) {
    int fd = ::mkstemp(path_.data());
    if (fd < 0) {
      error_ = errno;
      path_.clear();
      return;
    }
    fd_ = fd;
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  bool ok() const { return !path_.empty(); }
  int error() const { return error_; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  int error_ = 0;
};

}  // namespace

Result<process::Outcome> RuntimeCli::Exec(const std::string& id, const std::string& process_json,
                                          const std::string& work_dir,
                                          std::chrono::milliseconds timeout,
                                          size_t output_limit) const {
  TempFile process_file(work_dir + "/exec-process-XXXXXX");
  if (!process_file.ok()) {
    return ErrnoStatus(process_file.error(), "exec in " + id + ": process file in " + work_dir);
  }
  for (size_t done = 0; done < process_json.size();) {
    ssize_t n = ::write(process_file.fd(), process_json.data() + done, process_json.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus(errno, "exec in " + id + ": write " + process_file.path());
    done += static_cast<size_t>(n);
  }
  TempFile pid_file(work_dir + "/exec-pid-XXXXXX");
  if (!pid_file.ok()) {
    return ErrnoStatus(pid_file.error(), "exec in " + id + ": pid file in " + work_dir);
  }
  process::Command cmd;
  cmd.argv = {path_,        "--root",        root_, "exec", "--process", process_file.path(),
              "--pid-file", pid_file.path(), id};
  cmd.timeout = timeout;
  cmd.output_limit = output_limit;
  Result<process::Outcome> outcome = process::Run(cmd);
  // The timeout killed the runtime's process group; the process in the container is
  // not in it and is killed by its pid, with whatever it started there.
  if (outcome.ok() && outcome->timed_out) {
    std::ifstream in(pid_file.path());
    pid_t pid = 0;
    if (in >> pid && pid > 0) process::KillProcessTree(pid);
  }
  return outcome;
}

}  // namespace cria::runtime::oci
