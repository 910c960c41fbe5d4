// ExecSync: a command run in a running container through the OCI runtime's exec.
#include <algorithm>
#include <chrono>

#include "libs/records/small_file.h"
#include "services/runtime/containers/container_manager.h"
#include "services/runtime/oci/exec_process.h"

namespace cria::runtime::containers {
namespace {

// The container's OCI config.json, as written at create (a spec is tens of KiB).
Result<std::string> ReadConfigJson(const ContainerRecord& record) {
  return records::ReadSmallFile(record.bundle + "/config.json", 16 << 20);
}

// What ExecSync returns of stdout and stderr together: the reply must fit the kubelet's
// CRI message limit (16 MiB, the gateway's too), with room for the rest of the message.
constexpr size_t kExecSyncOutputBudget = (16 << 20) - (64 << 10);

// Cuts `out` and `err` to `budget` bytes together, keeping the start of each: each keeps
// up to half, and what one does not need the other may use.
void FitExecOutput(std::string& out, std::string& err, size_t budget) {
  size_t out_keep = std::min(out.size(), budget / 2);
  const size_t err_keep = std::min(err.size(), budget - out_keep);
  out_keep = std::min(out.size(), budget - err_keep);
  out.resize(out_keep);
  err.resize(err_keep);
}

}  // namespace

Result<ExecResult> ContainerManager::ExecSync(const std::string& id,
                                              const std::vector<std::string>& cmd,
                                              int64_t timeout_seconds) {
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, Get(id), "ExecSync");
  if (record.state != ContainerState::kRunning) {
    return Status(StatusCode::kFailedPrecondition, "ExecSync: container " + id + " is not running");
  }
  if (cmd.empty()) return Status(StatusCode::kInvalidArgument, "ExecSync: no command");
  CRIA_ASSIGN_OR_RETURN(oci::RuntimeCli cli, RuntimeFor(record.handler), "ExecSync");
  CRIA_ASSIGN_OR_RETURN(std::string config, ReadConfigJson(record), "ExecSync");
  CRIA_ASSIGN_OR_RETURN(std::string process, oci::ExecProcessJson(config, cmd),
                        "ExecSync in " + id);
  CRIA_ASSIGN_OR_RETURN(process::Outcome outcome,
                        cli.Exec(id, process, record.bundle, std::chrono::seconds(timeout_seconds),
                                 kExecSyncOutputBudget),
                        "ExecSync");
  ExecResult result{outcome.exit_code, std::move(outcome.out), std::move(outcome.err)};
  if (outcome.timed_out) {
    // As CRI-O: the partial output, exit code -1 and a note on stderr.
    result.exit_code = -1;
    result.err += "command timed out after " + std::to_string(timeout_seconds) + "s\n";
  } else if (outcome.signal != 0) {
    result.exit_code = 128 + outcome.signal;
  }
  FitExecOutput(result.out, result.err, kExecSyncOutputBudget);
  return result;
}

}  // namespace cria::runtime::containers
