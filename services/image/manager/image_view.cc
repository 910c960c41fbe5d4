#include "services/image/manager/image_view.h"

#include <algorithm>
#include <cstdlib>

#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cria::image::manager {
namespace {

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

runtime::v1::Image ToCriImage(const store::ImageRecord& record, const manifest::ImageConfig& config,
                              bool pinned) {
  runtime::v1::Image image;
  image.set_id(record.id);
  for (const std::string& tag : record.repo_tags) image.add_repo_tags(tag);
  for (const std::string& digest : record.repo_digests) image.add_repo_digests(digest);
  // The CRI wants a size > 0 even for an image without layers.
  image.set_size(std::max<uint64_t>(record.size, 1));
  // "uid", "uid:gid", "name" or "name:group": the kubelet checks runAsNonRoot with it.
  std::string user = config.user.substr(0, config.user.find(':'));
  if (AllDigits(user)) {
    image.mutable_uid()->set_value(std::strtoll(user.c_str(), nullptr, 10));
  } else {
    image.set_username(user);
  }
  image.mutable_spec()->set_image(record.id);
  image.set_pinned(pinned);
  return image;
}

std::map<std::string, std::string> VerboseInfo(const store::ImageRecord& record,
                                               const std::string& config_json) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  auto str = [&](const std::string& s) { return rapidjson::Value(s.c_str(), s.size(), a); };
  doc.AddMember("id", str(record.id), a);
  doc.AddMember("manifestDigest", str(record.manifest_digest), a);
  rapidjson::Value chains(rapidjson::kArrayType);
  for (const std::string& c : record.chain_ids) chains.PushBack(str(c), a);
  doc.AddMember("chainIDs", chains, a);
  doc.AddMember("source", str(record.source), a);
  rapidjson::Document spec;
  spec.Parse(config_json.data(), config_json.size());
  if (!spec.HasParseError()) {
    rapidjson::Value copy(spec, a);
    doc.AddMember("imageSpec", copy, a);
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return {{"info", buffer.GetString()}};
}

v1::ImageConfig ToImageConfig(const manifest::ImageConfig& config) {
  v1::ImageConfig out;
  out.set_user(config.user);
  for (const auto& e : config.env) out.add_env(e);
  for (const auto& e : config.entrypoint) out.add_entrypoint(e);
  for (const auto& c : config.cmd) out.add_cmd(c);
  out.set_working_dir(config.working_dir);
  out.set_stop_signal(config.stop_signal);
  for (const auto& [k, v] : config.labels) (*out.mutable_labels())[k] = v;
  for (const auto& v : config.volumes) out.add_volumes(v);
  for (const auto& p : config.exposed_ports) out.add_exposed_ports(p);
  return out;
}

}  // namespace cria::image::manager
