// criactl imagefsinfo: the filesystems that hold images (crictl imagefsinfo).
#include <iostream>

#include "tools/criactl/commands/verb.h"
#include "tools/criactl/output/human_size.h"
#include "tools/criactl/output/status_json.h"

namespace cria::criactl {
namespace {

// crictl's outputImageFsInfoTable.
std::string FsInfoTable(const ::runtime::v1::ImageFsInfoResponse& response) {
  std::string out;
  auto print = [&out](const std::string& label, const auto& filesystems) {
    out += label + " Filesystem \n";
    for (int i = 0; i < filesystems.size(); ++i) {
      const auto& fs = filesystems.Get(i);
      std::string n = "[" + std::to_string(i) + "]: ";
      out += "TimeStamp" + n + std::to_string(fs.timestamp()) + "\n";
      out += "Disk" + n + HumanSize(static_cast<double>(fs.used_bytes().value())) + "\n";
      out += "Inodes" + n + std::to_string(fs.inodes_used().value()) + "\n";
      out += "Mountpoint" + n + fs.fs_id().mountpoint() + "\n";
    }
  };
  print("Container", response.container_filesystems());
  print("Image", response.image_filesystems());
  return out;
}

int RunImageFsInfo(Verb& verb) {
  ::runtime::v1::ImageFsInfoResponse response;
  auto ctx = verb.client->Context();
  grpc::Status s = verb.client->image().ImageFsInfo(ctx.get(), {}, &response);
  if (!s.ok()) return ReportRpcError(verb, "image filesystem info request", s);
  if (verb.format == Format::kTable) {
    std::cout << FsInfoTable(response);
    return 0;
  }
  Result<std::string> json = StatusDataJson({StatusData{ToJson(response), {}}});
  if (!json.ok()) return ReportError(verb, MessageOf(json.status()));
  PrintStructured(verb.format, *json);
  return 0;
}

}  // namespace

void AddImageFsInfoCommand(CLI::App& app, Invocation& invocation) {
  AddVerb(app, invocation, "imagefsinfo", "Return image filesystem info", "json",
          {Format::kJson, Format::kYaml, Format::kTable}, RunImageFsInfo);
}

}  // namespace cria::criactl
