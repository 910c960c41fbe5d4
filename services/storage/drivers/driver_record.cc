#include "services/storage/drivers/driver_record.h"

#include <filesystem>

#include "libs/records/record_dir.h"

namespace cria::storage::drivers {

Result<std::unique_ptr<Driver>> OpenStoreDriver(const std::string& storage_root,
                                                const std::string& configured) {
  records::RecordDir dir(storage_root);
  CRIA_RETURN_IF_ERROR(dir.Init(), "");
  Result<rapidjson::Document> record = dir.Read("driver");
  if (record.ok()) {
    auto it = record->FindMember("driver");
    if (it == record->MemberEnd() || !it->value.IsString()) {
      return Status(StatusCode::kDataLoss, storage_root + "/driver.json names no driver");
    }
    std::string recorded = it->value.GetString();
    if (configured != "auto" && configured != recorded) {
      return Status(StatusCode::kFailedPrecondition,
                    "storage.driver is " + configured + " but the store in " + storage_root +
                        " was made with " + recorded +
                        "; its layers cannot be used by another driver");
    }
    return MakeDriver(recorded, "");
  }
  if (record.status().code() != StatusCode::kNotFound) return record.status();
  CRIA_ASSIGN_OR_RETURN(std::unique_ptr<Driver> driver,
                        MakeDriver(configured, storage_root + "/tmp/driver-probe"), "");
  rapidjson::Document doc(rapidjson::kObjectType);
  doc.AddMember("driver", rapidjson::Value(driver->Name(), doc.GetAllocator()), doc.GetAllocator());
  CRIA_RETURN_IF_ERROR(dir.Write("driver", doc), "record the storage driver");
  return driver;
}

}  // namespace cria::storage::drivers
