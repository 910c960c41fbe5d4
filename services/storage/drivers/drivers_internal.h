// Shared by the driver implementations; not part of the drivers' interface.
#pragma once

#include <memory>
#include <string>

#include "libs/status/status.h"
#include "services/storage/drivers/driver.h"

namespace cria::storage::drivers {

std::unique_ptr<Driver> NewOverlayDriver();
std::unique_ptr<Driver> NewVfsDriver();

// mount(2) of an overlay with `options`, refusing options over one page.
Status MountOverlay(const std::string& target, const std::string& options, unsigned long flags);
// Mounts and unmounts a small overlay under `scratch` (removed afterwards).
Status ProbeOverlay(const std::string& scratch);

}  // namespace cria::storage::drivers
