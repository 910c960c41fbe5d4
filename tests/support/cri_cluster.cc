#include "tests/support/cri_cluster.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "libs/rpc/client.h"
#include "libs/testing/cgroup_tree.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_push.h"

namespace cria::testing {
namespace {

namespace fs = std::filesystem;
namespace cri = ::runtime::v1;
namespace it = image::testing;
using namespace std::chrono_literals;

using Runtime = cri::RuntimeService::Stub;

// Deadline of a CRI call the tests make, unless it says otherwise.
constexpr std::chrono::seconds kCallTimeout(60);

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The NUL-separated command line of a process, NULs made spaces.
std::string CommandLine(const std::string& pid) {
  std::string text = FileText("/proc/" + pid + "/cmdline");
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

}  // namespace

bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string> MountPoints() {
  std::vector<std::string> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    if (fields >> id >> parent >> dev >> root >> point) out.push_back(Unescape(point));
  }
  return out;
}

namespace {
std::string& OciRuntimeSetting() {
  static std::string runtime = "runc";
  return runtime;
}
}  // namespace

const std::string& TestOciRuntime() { return OciRuntimeSetting(); }
void SetTestOciRuntime(const std::string& runtime) { OciRuntimeSetting() = runtime; }

std::string CriCluster::BridgeName() const {
  return options_.bridge_prefix + std::to_string(getpid() % 100000);
}

std::string CriCluster::LogDir(const std::string& pod_name) const {
  return stack_.root() + "/pod-logs/" + pod_name;
}

CriCluster::CriCluster(CriClusterOptions options)
    : options_(std::move(options)), cgroup_parent_("/cria-test-" + std::to_string(getpid())) {
  REQUIRE(registry_.started());
  const std::string subnet =
      options_.subnet_prefix + "." + std::to_string(getpid() % 250) + ".0/24";
  stack_.WritePodNetworkConfig(
      "ctrnet", BridgeName(), subnet,
      "  default_runtime: \"" + TestOciRuntime() + "\"\n" + options_.runtime_yaml);
  stack_.StartAll();
  Connect();
  image_ref_ = PushImage("busybox", {}, &image_digested_);
  image_tag_ = registry_.address() + "/cria/busybox:1";
}

it::ImageSpec CriCluster::TestImageSpec() const {
  it::ImageSpec spec;
  spec.layers = {it::BusyboxLayer()};
  it::LayerSpec tools;
  tools.created_by = "more busybox applet links";
  for (const char* applet : {"touch", "chown", "mknod", "ip", "mount", "umount", "head", "tr",
                             "grep", "mkdir", "rm", "stat", "wc", "dd", "sed", "yes"}) {
    tools.Symlink(std::string("bin/") + applet, "busybox");
  }
  spec.layers.push_back(std::move(tools));
  for (const it::LayerSpec& layer : options_.extra_layers) spec.layers.push_back(layer);
  spec.env = {"PATH=/bin", "FROM_IMAGE=yes"};
  spec.cmd = {"sh"};
  return spec;
}

std::string CriCluster::PushImage(const std::string& repo, const ImageEdit& edit,
                                  std::string* digested) {
  it::ImageSpec spec = TestImageSpec();
  if (edit) edit(spec);
  auto built = it::Build(spec);
  REQUIRE(built.ok());
  if (digested != nullptr) {
    *digested = registry_.address() + "/cria/" + repo + "@" + built->manifest_digest;
  }
  REQUIRE(it::Push(registry_, "cria/" + repo, "1", *built).ok());
  cri::PullImageRequest pull;
  pull.mutable_image()->set_image(registry_.address() + "/cria/" + repo + ":1");
  cri::PullImageResponse pulled;
  grpc::Status s = rpc::Call(*images_, &cri::ImageService::Stub::PullImage, pull, &pulled, 120s);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return pulled.image_ref();
}

CriCluster::~CriCluster() {
  std::vector<std::string> ids;
  for (const auto& [id, config] : pods_) ids.push_back(id);
  for (const std::string& id : ids) (void)RemovePod(id);
  stack_.Terminate("runtime");
  stack_.Terminate("network");
  RunCommand({"/usr/sbin/ip", "link", "del", BridgeName()});
  (void)RemoveCgroup(cgroup_parent_);
}

void CriCluster::Connect() {
  runtime_ = cri::RuntimeService::NewStub(TestChannel(stack_.Socket("gateway")));
  images_ = cri::ImageService::NewStub(TestChannel(stack_.Socket("gateway")));
}

grpc::Status CriCluster::RunPod(const std::string& name, const PodEdit& edit, std::string* id,
                                const std::string& runtime_handler) {
  cri::RunPodSandboxRequest run;
  run.set_runtime_handler(runtime_handler);
  cri::PodSandboxConfig* config = run.mutable_config();
  config->mutable_metadata()->set_name(name);
  config->mutable_metadata()->set_namespace_("default");
  config->mutable_metadata()->set_uid(name + "-uid");
  config->set_log_directory(LogDir(name));
  config->mutable_linux()->set_cgroup_parent(cgroup_parent_);
  config->mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(
      cri::CONTAINER);
  if (edit) edit(*config);
  cri::RunPodSandboxResponse ran;
  grpc::Status s = rpc::Call(*runtime_, &Runtime::RunPodSandbox, run, &ran, kCallTimeout);
  if (s.ok()) pods_[ran.pod_sandbox_id()] = run.config();
  if (id) *id = ran.pod_sandbox_id();
  return s;
}

std::string CriCluster::RunPod(const std::string& name, const PodEdit& edit) {
  std::string id;
  grpc::Status s = RunPod(name, edit, &id);
  INFO(s.error_message() << stack_.Log("runtime"));
  REQUIRE(s.ok());
  return id;
}

grpc::Status CriCluster::RemovePod(const std::string& pod_id) {
  cri::RemovePodSandboxRequest rm;
  rm.set_pod_sandbox_id(pod_id);
  cri::RemovePodSandboxResponse resp;
  grpc::Status s = rpc::Call(*runtime_, &Runtime::RemovePodSandbox, rm, &resp, kCallTimeout);
  if (s.ok()) pods_.erase(pod_id);
  return s;
}

const cri::PodSandboxConfig& CriCluster::PodConfig(const std::string& pod_id) const {
  return pods_.at(pod_id);
}

void CriCluster::CheckClean() {
  std::vector<std::string> ids;
  for (const auto& [id, config] : pods_) ids.push_back(id);
  for (const std::string& id : ids) {
    grpc::Status s = RemovePod(id);
    INFO("RemovePodSandbox " << id << ": " << s.error_message() << stack_.Log("runtime"));
    CHECK(s.ok());
  }
  CheckNoLeaks(stack_, cgroup_parent_);
}

grpc::Status CriCluster::Create(const std::string& pod_id, const std::string& name,
                                const std::vector<std::string>& command, std::string* id,
                                const ContainerEdit& edit) {
  cri::CreateContainerRequest req;
  req.set_pod_sandbox_id(pod_id);
  cri::ContainerConfig* c = req.mutable_config();
  c->mutable_metadata()->set_name(name);
  c->mutable_image()->set_image(image_ref_);
  for (const auto& arg : command) c->add_command(arg);
  c->set_log_path(name + "/0.log");
  auto* env = c->add_envs();
  env->set_key("FROM_CRI");
  env->set_value("yes");
  if (edit) edit(*c);
  auto pod = pods_.find(pod_id);
  if (pod != pods_.end()) *req.mutable_sandbox_config() = pod->second;
  cri::CreateContainerResponse resp;
  grpc::Status s = rpc::Call(*runtime_, &Runtime::CreateContainer, req, &resp, kCallTimeout);
  if (id) *id = resp.container_id();
  return s;
}

grpc::Status CriCluster::Start(const std::string& id) {
  cri::StartContainerRequest req;
  req.set_container_id(id);
  cri::StartContainerResponse resp;
  return rpc::Call(*runtime_, &Runtime::StartContainer, req, &resp, kCallTimeout);
}

std::string CriCluster::Run(const std::string& pod_id, const std::string& name,
                            const std::vector<std::string>& command, const ContainerEdit& edit) {
  std::string id;
  grpc::Status s = Create(pod_id, name, command, &id, edit);
  INFO("CreateContainer " << name << ": " << s.error_message());
  REQUIRE(s.ok());
  s = Start(id);
  INFO("StartContainer " << name << ": " << s.error_message());
  REQUIRE(s.ok());
  return id;
}

grpc::Status CriCluster::Stop(const std::string& id, int64_t timeout) {
  cri::StopContainerRequest req;
  req.set_container_id(id);
  req.set_timeout(timeout);
  cri::StopContainerResponse resp;
  return rpc::Call(*runtime_, &Runtime::StopContainer, req, &resp,
                   std::chrono::seconds(timeout + 60));
}

grpc::Status CriCluster::Remove(const std::string& id) {
  cri::RemoveContainerRequest req;
  req.set_container_id(id);
  cri::RemoveContainerResponse resp;
  return rpc::Call(*runtime_, &Runtime::RemoveContainer, req, &resp, kCallTimeout);
}

cri::ContainerStatus CriCluster::Status(const std::string& id, std::string* info) {
  cri::ContainerStatusRequest req;
  req.set_container_id(id);
  req.set_verbose(info != nullptr);
  cri::ContainerStatusResponse resp;
  grpc::Status s = rpc::Call(*runtime_, &Runtime::ContainerStatus, req, &resp, 30s);
  INFO(s.error_message());
  REQUIRE(s.ok());
  if (info) *info = resp.info().at("info");
  return resp.status();
}

cri::ContainerStatus CriCluster::WaitExited(const std::string& id,
                                            std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    cri::ContainerStatus st = Status(id);
    if (st.state() == cri::CONTAINER_EXITED) return st;
    std::this_thread::sleep_for(50ms);
  }
  return Status(id);
}

cri::ExecSyncResponse CriCluster::Exec(const std::string& id, const std::vector<std::string>& cmd,
                                       int64_t timeout, grpc::Status* status) {
  cri::ExecSyncRequest req;
  req.set_container_id(id);
  for (const auto& c : cmd) req.add_cmd(c);
  req.set_timeout(timeout);
  cri::ExecSyncResponse resp;
  *status =
      rpc::Call(*runtime_, &Runtime::ExecSync, req, &resp, std::chrono::seconds(timeout + 60));
  return resp;
}

grpc::Status CriCluster::Update(const std::string& id,
                                const cri::LinuxContainerResources& resources) {
  cri::UpdateContainerResourcesRequest req;
  req.set_container_id(id);
  *req.mutable_linux() = resources;
  cri::UpdateContainerResourcesResponse resp;
  return rpc::Call(*runtime_, &Runtime::UpdateContainerResources, req, &resp, kCallTimeout);
}

grpc::Status CriCluster::ReopenLog(const std::string& id) {
  cri::ReopenContainerLogRequest req;
  req.set_container_id(id);
  cri::ReopenContainerLogResponse resp;
  return rpc::Call(*runtime_, &Runtime::ReopenContainerLog, req, &resp, 30s);
}

std::vector<cri::Container> CriCluster::List() { return List(cri::ContainerFilter()); }

std::vector<cri::Container> CriCluster::List(const cri::ContainerFilter& filter) {
  cri::ListContainersRequest req;
  *req.mutable_filter() = filter;
  cri::ListContainersResponse resp;
  grpc::Status s = rpc::Call(*runtime_, &Runtime::ListContainers, req, &resp, 30s);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return {resp.containers().begin(), resp.containers().end()};
}

std::string CriCluster::CgroupDir(const std::string& controller,
                                  const std::string& container_id) const {
  return "/sys/fs/cgroup/" + controller + cgroup_parent_ + "/cria-" + container_id;
}

std::vector<std::string> CriCluster::ContainerProcesses(const std::string& container_id) const {
  std::vector<std::string> out;
  for (int pid : ProcsInCgroup(cgroup_parent_ + "/cria-" + container_id)) {
    out.push_back(CommandLine(std::to_string(pid)));
  }
  return out;
}

std::vector<std::string> CriCluster::Leaks() const { return StackLeaks(stack_, cgroup_parent_); }

std::vector<std::string> StackLeaks(const Stack& stack, const std::string& cgroup_parent) {
  std::vector<std::string> leaks;
  for (const std::string& point : MountPoints()) {
    if (StartsWith(point, stack.root() + "/")) leaks.push_back("mount " + point);
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string cmdline = CommandLine(pid);
    if (StartsWith(fs::path(cmdline.substr(0, cmdline.find(' '))).filename(), "conmon") &&
        cmdline.find(stack.root() + "/") != std::string::npos) {
      leaks.push_back("conmon process " + pid + ": " + cmdline);
      continue;
    }
    std::istringstream cgroups(FileText("/proc/" + pid + "/cgroup"));
    std::string line;
    while (std::getline(cgroups, line)) {
      const std::string path = line.substr(line.rfind(':') + 1);
      if (path == cgroup_parent || StartsWith(path, cgroup_parent + "/")) {
        leaks.push_back("process " + pid + " in cgroup " + path + ": " + cmdline);
        break;
      }
    }
  }
  for (const std::string& parent : CgroupDirs(cgroup_parent)) {
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
      if (entry.is_directory(ec)) leaks.push_back("cgroup " + entry.path().string());
    }
  }
  // What cria-runtime and cria-network keep per pod or container in the run dir (entries
  // of any kind, dangling links too).
  for (const char* dir : {"/runtime/pods", "/runtime/containers", "/runtime/exits",
                          "/runtime/attach", "/ns/ipc", "/ns/uts", "/ns/pid", "/netns"}) {
    for (const auto& entry : fs::directory_iterator(stack.run_dir() + dir, ec)) {
      leaks.push_back("run dir entry " + entry.path().string());
    }
  }
  return leaks;
}

void CheckNoLeaks(const Stack& stack, const std::string& cgroup_parent) {
  for (const std::string& leak : StackLeaks(stack, cgroup_parent)) FAIL_CHECK("leaked: " << leak);
  for (const std::string& parent : CgroupDirs(cgroup_parent)) {
    std::error_code ec;
    if (!fs::exists(parent, ec)) continue;
    INFO("rmdir " << parent);
    CHECK(::rmdir(parent.c_str()) == 0);
  }
}

}  // namespace cria::testing
