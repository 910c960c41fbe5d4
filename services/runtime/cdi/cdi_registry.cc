#include "services/runtime/cdi/cdi_registry.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "libs/records/small_file.h"

namespace cria::runtime::cdi {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxSpecBytes = 4 << 20;

struct Found {
  std::shared_ptr<const Spec> spec;
  const Device* device = nullptr;
  size_t dir_index = 0;
  bool conflict = false;  // another file of the same directory has it too
  std::string other_path;
};

struct Loaded {
  std::map<std::string, Found> devices;  // by qualified name
  std::vector<std::string> errors;       // files that did not load, and why
};

Loaded LoadDirs(const std::vector<std::string>& dirs) {
  Loaded out;
  for (size_t i = 0; i < dirs.size(); ++i) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dirs[i], ec)) {
      const std::string ext = entry.path().extension();
      if ((ext == ".json" || ext == ".yaml" || ext == ".yml") && entry.is_regular_file(ec)) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      Result<std::string> text = records::ReadSmallFile(file, kMaxSpecBytes);
      Result<Spec> parsed = text.ok() ? ParseSpec(*text, file) : Result<Spec>(text.status());
      if (!parsed.ok()) {
        out.errors.push_back(MessageOf(parsed.status()));
        continue;
      }
      auto spec = std::make_shared<const Spec>(std::move(*parsed));
      for (const Device& device : spec->devices) {
        const std::string name = spec->kind + "=" + device.name;
        auto it = out.devices.find(name);
        if (it != out.devices.end() && it->second.dir_index == i) {
          it->second.conflict = true;
          it->second.other_path = spec->path;
          continue;
        }
        out.devices[name] = Found{spec, &device, i, false, ""};
      }
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> RequestedDevices(const ::runtime::v1::ContainerConfig& config) {
  std::vector<std::string> out;
  auto add = [&](std::string name) {
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(std::move(name));
    }
  };
  for (const auto& device : config.cdi_devices()) add(device.name());
  std::vector<std::string> keys;
  for (const auto& [key, value] : config.annotations()) {
    if (key.rfind("cdi.k8s.io/", 0) == 0) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());  // a map's order is not stable
  for (const std::string& key : keys) {
    const std::string& value = config.annotations().at(key);
    std::string::size_type start = 0;
    while (start <= value.size()) {
      const std::string::size_type comma = std::min(value.find(',', start), value.size());
      add(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

Result<std::vector<ContainerEdits>> Resolve(const std::vector<std::string>& dirs,
                                            const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    CRIA_RETURN_IF_ERROR(ParseQualifiedName(name).status(), "");
  }
  const Loaded loaded = LoadDirs(dirs);
  std::vector<ContainerEdits> device_edits;
  std::vector<std::shared_ptr<const Spec>> specs;
  std::string missing;
  for (const std::string& name : names) {
    auto it = loaded.devices.find(name);
    if (it == loaded.devices.end()) {
      missing += (missing.empty() ? "" : ", ") + name;
      continue;
    }
    const Found& found = it->second;
    if (found.conflict) {
      return Status(
          StatusCode::kFailedPrecondition,
          "CDI device " + name + " is in both " + found.spec->path + " and " + found.other_path);
    }
    for (const ContainerEdits* edits : {&found.device->edits, &found.spec->edits}) {
      if (edits->has_intel_rdt || edits->has_net_devices) {
        return Status(StatusCode::kFailedPrecondition,
                      "CDI device " + name + " (" + found.spec->path + ") needs " +
                          (edits->has_intel_rdt ? "intelRdt" : "netDevices") +
                          ", which cria does not support yet");
      }
    }
    device_edits.push_back(found.device->edits);
    if (std::find(specs.begin(), specs.end(), found.spec) == specs.end()) {
      specs.push_back(found.spec);
    }
  }
  if (!missing.empty()) {
    std::string dir_list;
    for (const std::string& d : dirs) dir_list += (dir_list.empty() ? "" : ", ") + d;
    std::string message = "CDI devices not found in the specs of " + dir_list + ": " + missing;
    for (const std::string& error : loaded.errors) message += "; " + error;
    return Status(StatusCode::kFailedPrecondition, message);
  }
  for (const auto& spec : specs) device_edits.push_back(spec->edits);
  return device_edits;
}

}  // namespace cria::runtime::cdi
