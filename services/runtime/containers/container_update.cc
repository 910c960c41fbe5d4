// UpdateContainerResources and ReopenContainerLog.
#include <filesystem>

#include "services/runtime/containers/container_manager.h"
#include "services/runtime/oci/conmon.h"
#include "services/runtime/spec/resources.h"

namespace cria::runtime::containers {
namespace {

namespace fs = std::filesystem;

}  // namespace

Status ContainerManager::Update(const std::string& id,
                                const ::runtime::v1::LinuxContainerResources& resources) {
  auto holder = locks_.For(id);
  std::lock_guard<std::mutex> container_lock(*holder);
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, Get(id), "UpdateContainerResources");
  if (record.state != ContainerState::kRunning && record.state != ContainerState::kCreated) {
    return Status(StatusCode::kFailedPrecondition,
                  "UpdateContainerResources: container " + id + " has exited");
  }
  CRIA_ASSIGN_OR_RETURN(std::string json, spec::UpdateResourcesJson(resources, options_.host),
                        "UpdateContainerResources " + id);
  CRIA_ASSIGN_OR_RETURN(oci::RuntimeCli cli, RuntimeFor(record.handler),
                        "UpdateContainerResources");
  if (record.state == ContainerState::kCreated) {
    return Status(StatusCode::kFailedPrecondition,
                  "UpdateContainerResources: container " + id + " has not started");
  }
  CRIA_RETURN_IF_ERROR(cli.Update(id, json), "");
  // What ContainerStatus reports as the container's resources from now on.
  *record.config.mutable_linux()->mutable_resources() =
      spec::MergeResourceUpdate(record.config.linux().resources(), resources);
  return Annotate(Persist(record), "UpdateContainerResources");
}

Status ContainerManager::ReopenLog(const std::string& id) {
  CRIA_ASSIGN_OR_RETURN(ContainerRecord record, Get(id), "ReopenContainerLog");
  if (record.state != ContainerState::kRunning) {
    return Status(StatusCode::kFailedPrecondition,
                  "ReopenContainerLog: container " + id + " is not running");
  }
  // conmon exits when it cannot open the new file, leaving the container unmonitored: a
  // log directory that is gone (the kubelet removes it only with the pod) is refused here,
  // and the output goes on to the file conmon holds.
  const fs::path dir = fs::path(record.log_path).parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status(StatusCode::kFailedPrecondition,
                  "ReopenContainerLog " + id + ": the log directory " + dir.string() + " is gone");
  }
  return Annotate(oci::ReopenLog(record.bundle, record.log_path), "ReopenContainerLog " + id);
}

}  // namespace cria::runtime::containers
