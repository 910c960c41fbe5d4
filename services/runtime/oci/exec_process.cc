#include "services/runtime/oci/exec_process.h"

#include "libs/records/json_object.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cria::runtime::oci {

Result<std::string> ExecProcessJson(std::string_view config_json,
                                    const std::vector<std::string>& argv) {
  CRIA_ASSIGN_OR_RETURN(rapidjson::Document config, records::ParseJsonObject(config_json),
                        "the container's config.json");
  auto process = config.FindMember("process");
  if (process == config.MemberEnd() || !process->value.IsObject()) {
    return Status(StatusCode::kInvalidArgument, "the container's config.json has no process");
  }
  rapidjson::Document out;
  out.CopyFrom(process->value, out.GetAllocator());
  auto& alloc = out.GetAllocator();
  rapidjson::Value args(rapidjson::kArrayType);
  for (const std::string& arg : argv) {
    args.PushBack(rapidjson::Value(arg.data(), static_cast<rapidjson::SizeType>(arg.size()), alloc),
                  alloc);
  }
  out.RemoveMember("args");
  out.RemoveMember("commandLine");
  out.RemoveMember("consoleSize");
  out.RemoveMember("terminal");
  out.AddMember("args", args, alloc);
  out.AddMember("terminal", false, alloc);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  out.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace cria::runtime::oci
