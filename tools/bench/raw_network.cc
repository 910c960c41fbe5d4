#include "tools/bench/raw_network.h"

#include <unistd.h>

#include "libs/process/process.h"
#include "tools/bench/pull_support.h"

namespace cria::bench {

RawNetwork::RawNetwork(std::string dir, std::string bridge, std::string subnet)
    : dir_(std::move(dir)), bridge_(std::move(bridge)), subnet_(std::move(subnet)) {}

RawNetwork::~RawNetwork() {
  for (const std::string& id : std::set<std::string>(added_)) (void)Del(id);
  (void)RunTool({"/usr/sbin/ip", "link", "del", bridge_});
}

std::string RawNetwork::NetnsName(const std::string& id) const {
  return "cria-bench-raw-" + std::to_string(::getpid()) + "-" + id;
}

Status RawNetwork::RunPlugin(const std::string& type, const std::string& command,
                             const std::string& id, const std::string& config) {
  process::Command cmd;
  cmd.argv = {"/usr/lib/cni/" + type};
  cmd.env = std::vector<std::string>{
      "CNI_COMMAND=" + command, "CNI_CONTAINERID=" + id, "CNI_NETNS=/run/netns/" + NetnsName(id),
      "CNI_IFNAME=eth0",        "CNI_PATH=/usr/lib/cni", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  cmd.stdin_data = config;
  cmd.timeout = std::chrono::seconds(30);
  CRIA_ASSIGN_OR_RETURN(process::Outcome out, process::Run(cmd), "CNI " + type);
  if (!out.Succeeded()) {
    return Status(StatusCode::kInternal, "CNI " + type + " " + command + ": " + out.out + out.err);
  }
  return OkStatus();
}

Result<std::string> RawNetwork::Add(const std::string& id) {
  const std::string ns = NetnsName(id);
  CRIA_RETURN_IF_ERROR(RunTool({"/usr/sbin/ip", "netns", "add", ns}), "");
  added_.insert(id);
  const std::string head = R"({"cniVersion":"1.0.0","name":"benchraw",)";
  const std::string bridge = head + R"("type":"bridge","bridge":")" + bridge_ +
                             R"(","ipam":{"type":"host-local","dataDir":")" + dir_ +
                             R"(/ipam","ranges":[[{"subnet":")" + subnet_ + R"("}]]})";
  // `ip netns add` leaves `lo` down; cria-network brings it up as it makes the netns.
  CRIA_RETURN_IF_ERROR(RunTool({"/usr/sbin/ip", "-n", ns, "link", "set", "lo", "up"}), "");
  CRIA_RETURN_IF_ERROR(RunPlugin("bridge", "ADD", id, bridge + "}"), "");
  return "/run/netns/" + ns;
}

Status RawNetwork::Del(const std::string& id) {
  const std::string head = R"({"cniVersion":"1.0.0","name":"benchraw",)";
  Status bridge = RunPlugin("bridge", "DEL", id,
                            head + R"("type":"bridge","bridge":")" + bridge_ +
                                R"(","ipam":{"type":"host-local","dataDir":")" + dir_ +
                                R"(/ipam","ranges":[[{"subnet":")" + subnet_ + R"("}]]}})");
  Status netns = RunTool({"/usr/sbin/ip", "netns", "del", NetnsName(id)});
  added_.erase(id);
  return bridge.ok() ? netns : bridge;
}

}  // namespace cria::bench
