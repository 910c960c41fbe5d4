// The driver a store was made with, in <storage>/driver.json: layers in one driver's
// format are unusable by the other, so a store never switches under existing layers.
#pragma once

#include <memory>
#include <string>

#include "libs/status/status.h"
#include "services/storage/drivers/driver.h"

namespace cria::storage::drivers {

// The driver to use: the recorded one when the store has a record (FailedPrecondition
// when `configured` names another), else `configured` (auto probes), then recorded.
Result<std::unique_ptr<Driver>> OpenStoreDriver(const std::string& storage_root,
                                                const std::string& configured);

}  // namespace cria::storage::drivers
