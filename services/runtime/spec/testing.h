// Helpers for the spec generator's tests: temp dirs, small files, a minimal request.
#pragma once

#include <string>

#include "cri/runtime/v1/cri_api.h"
#include "cria/image/v1/image.pb.h"
#include "libs/testing/temp_dir.h"
#include "services/runtime/spec/host_facts.h"
#include "services/runtime/spec/host_lookup.h"
#include "services/runtime/spec/prepared.h"

namespace cria::runtime::spec::testing {

using cria::testing::TempDir;  // libs/testing/temp_dir.h

// Writes `content` to `path`, creating its parent directories.
void WriteFile(const std::string& path, const std::string& content);

// A container "app" of pod "web" in namespace "default": command /bin/app, the pod
// network/IPC POD, pid CONTAINER.
::runtime::v1::ContainerConfig BasicContainer();
::runtime::v1::PodSandboxConfig BasicPod();

// Host facts with everything a test may need switched on except the LSMs, and a fixed
// hostname and kernel.
HostFacts BasicHost();

// Prepared state for container "c1" of pod "p1" with rootfs `rootfs`.
PreparedContainer BasicPrepared(const std::string& rootfs);

// A HostLookup whose /dev has null, zero and a dri/ directory with card0 and renderD128.
class FakeHostLookup : public HostLookup {
 public:
  Result<std::vector<HostDevice>> Devices(const std::string& path) const override;
};

}  // namespace cria::runtime::spec::testing
