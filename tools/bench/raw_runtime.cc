#include "tools/bench/raw_runtime.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "libs/process/process.h"
#include "libs/records/json_object.h"
#include "rapidjson/document.h"
#include "tools/bench/bench_stack.h"
#include "tools/bench/pull_support.h"

extern char** environ;

namespace cria::bench {
namespace {

namespace rj = rapidjson;
constexpr char kCgroupMark[] = "@CGROUP@";

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status(StatusCode::kInternal, "cannot write " + path);
  return OkStatus();
}

rj::Value Text(const std::string& text, rj::Document::AllocatorType& a) {
  return rj::Value(text.c_str(), static_cast<rj::SizeType>(text.size()), a);
}

// The /dev/shm a pod gets (cria mounts a 64 MiB tmpfs per pod).
rj::Value ShmMount(rj::Document::AllocatorType& a) {
  rj::Value m(rj::kObjectType);
  m.AddMember("destination", "/dev/shm", a);
  m.AddMember("type", "tmpfs", a);
  m.AddMember("source", "shm", a);
  rj::Value options(rj::kArrayType);
  for (const char* o : {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}) {
    options.PushBack(rj::StringRef(o), a);
  }
  m.AddMember("options", options, a);
  return m;
}

}  // namespace

RawRuntime::RawRuntime(std::string runtime, std::string dir, std::string cgroup_parent)
    : runtime_(std::move(runtime)), dir_(std::move(dir)), cgroup_parent_(std::move(cgroup_parent)) {
  ::mkdir(dir_.c_str(), 0755);
  ::mkdir((dir_ + "/bundles").c_str(), 0755);
}

RawRuntime::~RawRuntime() {
  process::Command list;
  list.argv = {runtime_, "--root", dir_ + "/state", "list", "-q"};
  list.timeout = std::chrono::seconds(30);
  auto r = process::Run(list);
  if (!r.ok() || !r->Succeeded()) return;
  std::istringstream ids(r->out);
  std::string id;
  while (std::getline(ids, id)) {
    if (!id.empty()) (void)Delete(id, true);
  }
}

Status RawRuntime::Prepare(const std::string& spec_json, const std::string& stack_root) {
  CRIA_ASSIGN_OR_RETURN(rj::Document spec, records::ParseJsonObject(spec_json), "cria's spec");
  auto& a = spec.GetAllocator();
  if (!spec.HasMember("root") || !spec["root"].HasMember("path") ||
      !spec["root"]["path"].IsString()) {
    return Status(StatusCode::kInvalidArgument, "cria's spec has no root.path");
  }
  const std::string rootfs = dir_ + "/rootfs";
  CRIA_RETURN_IF_ERROR(FreshDir(rootfs), "");
  CRIA_RETURN_IF_ERROR(
      RunTool({"cp", "-a", std::string(spec["root"]["path"].GetString()) + "/.", rootfs}),
      "copy the rootfs");
  spec["root"]["path"].SetString(rootfs.c_str(), a);

  // Files and directories of cria's pod: copies of the files, empty directories, and the
  // pod's /dev/shm a tmpfs of the container's own.
  if (spec.HasMember("mounts") && spec["mounts"].IsArray()) {
    int n = 0;
    for (auto& m : spec["mounts"].GetArray()) {
      if (!m.HasMember("source") || !m["source"].IsString()) continue;
      const std::string source = m["source"].GetString();
      const std::string destination = m["destination"].GetString();
      if (!StartsWith(source, stack_root + "/")) continue;
      if (destination == "/dev/shm") {
        m = ShmMount(a);
        continue;
      }
      struct stat st;
      if (::stat(source.c_str(), &st) != 0) return ErrnoStatus(errno, "stat " + source);
      const std::string copy = dir_ + "/mount-" + std::to_string(n++);
      if (S_ISDIR(st.st_mode)) {
        CRIA_RETURN_IF_ERROR(FreshDir(copy), "");
      } else {
        CRIA_RETURN_IF_ERROR(RunTool({"cp", "-a", source, copy}), "copy " + source);
      }
      m["source"] = Text(copy, a);
    }
  }
  // Fresh namespaces of every kind cria's container had.
  if (spec.HasMember("linux") && spec["linux"].HasMember("namespaces")) {
    for (auto& ns : spec["linux"]["namespaces"].GetArray()) ns.RemoveMember("path");
  }
  if (spec.HasMember("linux")) {
    spec["linux"].RemoveMember("cgroupsPath");
    spec["linux"].AddMember("cgroupsPath", rj::StringRef(kCgroupMark), a);
  }
  spec.RemoveMember("hooks");
  if (spec.HasMember("process")) {
    spec["process"].RemoveMember("terminal");
    spec["process"].AddMember("terminal", false, a);
  }
  CRIA_ASSIGN_OR_RETURN(template_, records::SerializeJsonObject(spec), "the raw spec");
  // For a look at what the baseline runs (tools/bench/cri --keep).
  CRIA_RETURN_IF_ERROR(WriteText(dir_ + "/config.template.json", template_), "");
  return WriteText(dir_ + "/config.cria.json", spec_json);
}

Status RawRuntime::MakeBundle(const std::string& id, const std::string& netns) {
  return WriteBundle(id, netns, /*host_network=*/false);
}

Status RawRuntime::MakeHostNetworkBundle(const std::string& id) {
  return WriteBundle(id, "", /*host_network=*/true);
}

Status RawRuntime::WriteBundle(const std::string& id, const std::string& netns, bool host_network) {
  if (template_.empty()) return Status(StatusCode::kFailedPrecondition, "no bundle template");
  const std::string bundle = dir_ + "/bundles/" + id;
  CRIA_RETURN_IF_ERROR(FreshDir(bundle), "");
  std::string spec = template_;
  spec.replace(spec.find(kCgroupMark), sizeof(kCgroupMark) - 1, cgroup_parent_ + "/raw-" + id);
  if (!netns.empty() || host_network) {
    CRIA_ASSIGN_OR_RETURN(rj::Document doc, records::ParseJsonObject(spec), "the raw spec");
    rj::Value& namespaces = doc["linux"]["namespaces"];
    for (auto ns = namespaces.Begin(); ns != namespaces.End();) {
      const std::string_view type = (*ns)["type"].GetString();
      if (host_network && (type == "network" || type == "uts")) {
        ns = namespaces.Erase(ns);  // a hostNetwork pod has the host's UTS namespace too
        continue;
      }
      if (type == "network") {
        ns->AddMember("path", rj::Value(netns.c_str(), doc.GetAllocator()), doc.GetAllocator());
      }
      ++ns;
    }
    if (host_network) doc.RemoveMember("hostname");  // only a UTS namespace of its own has one
    CRIA_ASSIGN_OR_RETURN(spec, records::SerializeJsonObject(doc), "the raw spec");
  }
  return WriteText(bundle + "/config.json", spec);
}

Status RawRuntime::Run(const std::string& id) {
  return Invoke({"run", "-d", "--bundle", dir_ + "/bundles/" + id, id});
}

Status RawRuntime::Create(const std::string& id) {
  return Invoke({"create", "--bundle", dir_ + "/bundles/" + id, id});
}

Status RawRuntime::Start(const std::string& id) { return Invoke({"start", id}); }

Status RawRuntime::Exec(const std::string& id, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"exec", id};
  argv.insert(argv.end(), args.begin(), args.end());
  return Invoke(argv);
}

Status RawRuntime::Kill(const std::string& id) { return Invoke({"kill", id, "KILL"}); }

Status RawRuntime::Delete(const std::string& id, bool force) {
  std::vector<std::string> argv = {"delete"};
  if (force) argv.push_back("-f");
  argv.push_back(id);
  Status s = Invoke(argv);
  RemoveTree(dir_ + "/bundles/" + id);
  return s;
}

Status RawRuntime::Invoke(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {runtime_, "--root", dir_ + "/state"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);
  // One error file per thread's call, for the concurrent runs.
  char err_path[] = "/tmp/cria-bench-raw-err-XXXXXX";
  int err_fd = ::mkstemp(err_path);
  if (err_fd < 0) return ErrnoStatus(errno, "mkstemp");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  pid_t pid = -1;
  int err = ::posix_spawnp(&pid, runtime_.c_str(), &actions, nullptr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(err_fd);
  std::string what = runtime_ + " " + args[0] + " " + (args.size() > 1 ? args[1] : "");
  if (err != 0) {
    ::unlink(err_path);
    return ErrnoStatus(err, "spawn " + what);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string message = ReadText(err_path);
  ::unlink(err_path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return OkStatus();
  return Status(StatusCode::kInternal,
                what + ": wait status " + std::to_string(status) + ": " + message);
}

}  // namespace cria::bench
