// UpdateContainerResources and ReopenContainerLog.
#include <filesystem>

#include "libs/records/atomic_file.h"
#include "libs/records/small_file.h"
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
  // What ContainerStatus reports as the container's resources from now on.
  ::runtime::v1::LinuxContainerResources merged =
      spec::MergeResourceUpdate(record.config.linux().resources(), resources);
  if (record.state == ContainerState::kCreated) return UpdateCreated(std::move(record), merged);
  CRIA_RETURN_IF_ERROR(cli.Update(id, json), "");
  *record.config.mutable_linux()->mutable_resources() = std::move(merged);
  return Annotate(Persist(record), "UpdateContainerResources");
}

// The OCI runtime creates the container at StartContainer, from the bundle's config.json:
// the new resources go there (as containerd updates the spec of a container without a
// task), and the record follows; a record that cannot be written puts the old file back.
Status ContainerManager::UpdateCreated(ContainerRecord record,
                                       const ::runtime::v1::LinuxContainerResources& merged) {
  const std::string what = "UpdateContainerResources " + record.id;
  const std::string path = record.bundle + "/config.json";
  CRIA_ASSIGN_OR_RETURN(std::string old_json, records::ReadSmallFile(path, 16 << 20), what);
  // The update's values were checked above: what fails here is the file cria wrote.
  Result<std::string> new_json = spec::ReplaceSpecResources(old_json, merged, options_.host);
  if (!new_json.ok()) {
    return Status(StatusCode::kInternal, what + ": " + path + ": " + MessageOf(new_json.status()));
  }
  CRIA_RETURN_IF_ERROR(
      records::WriteFileAtomic(path, *new_json, 0600, records::Durability::kUntilReboot), what);
  *record.config.mutable_linux()->mutable_resources() = merged;
  Status persisted = Persist(record);
  if (!persisted.ok()) {
    (void)records::WriteFileAtomic(path, old_json, 0600, records::Durability::kUntilReboot);
  }
  return Annotate(persisted, what);
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
