// criactl's runtime verbs end to end, the way a person at a node uses crictl: the real
// criactl binary against the real daemons (registry on 127.0.0.1, image, storage, network,
// runtime with conmon and runc): runp, pods, create (pulling the image), start, ps (its
// filters), logs (with -f and partial lines), exec, inspect (the pid and the OCI spec),
// inspectp, update (seen in the cgroups), stop, rm, stopp, rmp, run. Each test ends with a
// check that nothing was left behind: mounts, conmon and container processes, cgroups.
#include <rapidjson/document.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "libs/testing/cgroup_tree.h"
#include "services/image/registry/test_registry.h"
#include "services/image/testing/image_builder.h"
#include "services/image/testing/image_push.h"
#include "tests/support/cri_cluster.h"
#include "tests/support/stack.h"

namespace cria::testing {
namespace {

namespace fs = std::filesystem;
namespace it = image::testing;
using namespace std::chrono_literals;

std::string BridgeName() { return "crr" + std::to_string(getpid() % 100000); }
std::string Subnet() { return "10.228." + std::to_string(getpid() % 250) + ".0/24"; }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  INFO(text);
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

// The registry and every daemon; the pods the tests make (their configs name
// `cgroup_parent`) are removed at the end, and nothing they had may be left behind.
struct Node {
  image::registry::testing::TestRegistry registry;
  Stack stack;
  std::string image;  // registry/cria/busybox:1
  std::string log_dir;
  // The cgroup parent of every pod, so what they leave is found (as with CriCluster).
  const std::string cgroup_parent = "/cria-test-" + std::to_string(getpid());

  Node() {
    REQUIRE(registry.started());
    stack.WritePodNetworkConfig("criactlnet", BridgeName(), Subnet());
    stack.StartAll();
    it::ImageSpec spec;
    spec.layers = {it::BusyboxLayer()};
    spec.env = {"PATH=/bin"};
    spec.cmd = {"sh"};
    auto built = it::Build(spec);
    REQUIRE(built.ok());
    REQUIRE(it::Push(registry, "cria/busybox", "1", *built).ok());
    image = registry.address() + "/cria/busybox:1";
    log_dir = stack.root() + "/pod-logs";
  }
  ~Node() {
    CommandResult removed = Criactl({"rmp", "--all", "--force"});
    if (std::uncaught_exceptions() == 0) {
      INFO("criactl rmp --all --force: " << removed.error);
      CHECK(removed.exit_code == 0);
      CheckNoLeaks(stack, cgroup_parent);
    }
    stack.Terminate("runtime");
    stack.Terminate("network");
    RunCommand({"/usr/sbin/ip", "link", "del", BridgeName()});
    (void)RemoveCgroup(cgroup_parent);
  }

  CommandResult Criactl(std::vector<std::string> args) const {
    std::vector<std::string> argv = {BinaryPath("criactl"), "--runtime-endpoint",
                                     stack.CriEndpoint(), "--timeout", "60"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  // Runs criactl and requires it to succeed; returns its stdout.
  std::string Ok(std::vector<std::string> args) const {
    CommandResult r = Criactl(args);
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    INFO("criactl " << cmd << "\nstdout: " << r.output << "\nstderr: " << r.error
                    << "\nruntime log: " << stack.Log("runtime"));
    REQUIRE(r.exit_code == 0);
    return r.output;
  }

  std::string Write(const std::string& name, const std::string& text) const {
    std::string path = stack.root() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  // A pod config in crictl's JSON (proto field names, an enum as a number).
  std::string PodJson(const std::string& name, const std::string& uid) const {
    return Write(name + ".json", R"({
  "metadata": {"name": ")" + name + R"(", "namespace": "default", "uid": ")" +
                                     uid +
                                     R"(", "attempt": 0},
  "log_directory": ")" + log_dir + "/" +
                                     name + R"(",
  "labels": {"app": ")" + name + R"("},
  "linux": {"cgroup_parent": ")" + cgroup_parent +
                                     R"(", "security_context": {"namespace_options": {"pid": 1}}}
}
)");
  }

  // A container config in YAML (camelCase names mixed in, as crictl accepts either).
  std::string ContainerYaml(const std::string& name, const std::string& script) const {
    return Write(name + ".yaml", "metadata:\n  name: " + name + "\nimage:\n  image: " + image +
                                     "\ncommand: [sh, -c, '" + script + "']\nlogPath: " + name +
                                     ".0.log\nlabels:\n  role: " + name + "\n");
  }

  // Polls `criactl logs` until its stdout contains `want` (at most 20 s).
  CommandResult WaitLogs(const std::string& id, const std::string& want) const {
    CommandResult r;
    for (int i = 0; i < 200; ++i) {
      r = Criactl({"logs", id});
      if (r.exit_code == 0 && r.output.find(want) != std::string::npos) break;
      std::this_thread::sleep_for(100ms);
    }
    return r;
  }
};

TEST_CASE("criactl: a pod and a container through their whole life") {
  Node node;
  // runp prints the pod id.
  std::string pod_config = node.PodJson("web", "web-uid");
  std::string pod = Trim(node.Ok({"runp", pod_config}));
  REQUIRE(pod.size() >= 13);
  CHECK(pod.find('\n') == std::string::npos);

  // pods: crictl's table, truncated id, the filters.
  std::vector<std::string> table = Lines(node.Ok({"pods"}));
  REQUIRE(table.size() == 2);
  CHECK(table[0].rfind("POD ID", 0) == 0);
  CHECK(table[0].find("CREATED") != std::string::npos);
  CHECK(table[0].find("RUNTIME") != std::string::npos);
  CHECK(table[1].rfind(pod.substr(0, 13) + " ", 0) == 0);
  CHECK(table[1].find(pod.substr(0, 14)) == std::string::npos);
  CHECK(table[1].find(" ago ") != std::string::npos);
  CHECK(table[1].find("Ready") != std::string::npos);
  CHECK(table[1].find("web") != std::string::npos);
  CHECK(table[1].find("default") != std::string::npos);
  CHECK(table[1].find("(default)") != std::string::npos);
  CHECK(Lines(node.Ok({"pods", "--no-trunc"}))[1].rfind(pod + " ", 0) == 0);
  CHECK(Trim(node.Ok({"pods", "-q"})) == pod);
  CHECK(Trim(node.Ok({"pods", "-q", "--label", "app=web", "--state", "ready"})) == pod);
  CHECK(Trim(node.Ok({"pods", "-q", "--label", "app=other"})).empty());
  CHECK(Trim(node.Ok({"pods", "-q", "--name", "^we", "--namespace", "default"})) == pod);
  CHECK(Trim(node.Ok({"pods", "-q", "--state", "notready"})).empty());
  rapidjson::Document pods = Json(node.Ok({"pods", "-o", "json"}));
  REQUIRE(pods["items"].Size() == 1);
  CHECK(std::string(pods["items"][0]["id"].GetString()) == pod);
  CHECK(std::string(pods["items"][0]["metadata"]["uid"].GetString()) == "web-uid");
  CHECK(node.Ok({"pods", "-o", "yaml"}).find("state: SANDBOX_READY") != std::string::npos);

  // inspectp: {"info": ..., "status": ...} with the runtime's verbose info.
  rapidjson::Document inspectp = Json(node.Ok({"inspectp", pod}));
  CHECK(std::string(inspectp["status"]["state"].GetString()) == "SANDBOX_READY");
  CHECK(std::string(inspectp["status"]["metadata"]["name"].GetString()) == "web");
  CHECK(inspectp["status"]["createdAt"].IsString());
  CHECK(inspectp["status"]["network"]["ip"].IsString());
  CHECK(inspectp["info"].IsObject());

  // create pulls the image the runtime does not have yet.
  const std::string script =
      "echo hello; echo oops >&2; printf abc; sleep 0.5; echo def; echo done; exec sleep 300";
  std::string config = node.ContainerYaml("writer", script);
  CommandResult created = node.Criactl({"create", pod, config, pod_config});
  INFO(created.error << node.stack.Log("runtime"));
  REQUIRE(created.exit_code == 0);
  CHECK(created.error.find("Pulling container image: " + node.image) != std::string::npos);
  std::string id = Trim(created.output);
  REQUIRE(id.size() >= 13);

  // ps: running only by default; -a shows the created container.
  CHECK(Lines(node.Ok({"ps"})).size() == 1);
  std::vector<std::string> ps = Lines(node.Ok({"ps", "-a"}));
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].rfind("CONTAINER ", 0) == 0);
  for (const char* column : {"IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD"}) {
    CHECK(ps[0].find(column) != std::string::npos);
  }
  CHECK(ps[1].rfind(id.substr(0, 13) + " ", 0) == 0);
  CHECK(ps[1].find("Created") != std::string::npos);
  CHECK(ps[1].find(node.image) != std::string::npos);
  CHECK(ps[1].find(pod.substr(0, 13)) != std::string::npos);

  // start prints the id; ps then shows it running.
  CHECK(Trim(node.Ok({"start", id})) == id);
  ps = Lines(node.Ok({"ps"}));
  REQUIRE(ps.size() == 2);
  CHECK(ps[1].find("Running") != std::string::npos);
  CHECK(ps[1].find("writer") != std::string::npos);
  CHECK(Trim(node.Ok({"ps", "-q", "--pod", pod, "--name", "writer", "--label", "role=writer"})) ==
        id);
  CHECK(Trim(node.Ok({"ps", "-q", "--image", node.image})) == id);
  CHECK(Trim(node.Ok({"ps", "-q", "--state", "exited"})).empty());
  rapidjson::Document listed = Json(node.Ok({"ps", "-o", "json"}));
  REQUIRE(listed["containers"].Size() == 1);
  CHECK(std::string(listed["containers"][0]["id"].GetString()) == id);

  // --id and --pod select, with a second pod and container there to be left out.
  std::string other_config = node.PodJson("other", "other-uid");
  std::string other = Trim(node.Ok({"runp", other_config}));
  std::string idle =
      Trim(node.Ok({"create", other, node.ContainerYaml("idle", "exec sleep 300"), other_config}));
  CHECK(Trim(node.Ok({"start", idle})) == idle);
  CHECK(Lines(node.Ok({"ps", "-q"})).size() == 2);
  CHECK(Trim(node.Ok({"ps", "-q", "--id", id})) == id);
  CHECK(Trim(node.Ok({"ps", "-q", "--id", idle.substr(0, 13)})) == idle);
  CHECK(Trim(node.Ok({"ps", "-q", "-a", "--id", std::string(64, 'f')})).empty());
  CHECK(Trim(node.Ok({"ps", "-q", "--pod", pod})) == id);
  CHECK(Trim(node.Ok({"ps", "-q", "-p", other.substr(0, 13)})) == idle);
  CHECK(Trim(node.Ok({"ps", "-q", "--pod", other, "--id", id})).empty());
  CHECK(Lines(node.Ok({"rmp", "-f", other})) ==
        std::vector<std::string>{"Stopped sandbox " + other, "Removed sandbox " + other});
  CHECK(Trim(node.Ok({"ps", "-q", "-a"})) == id);

  // logs: stdout to stdout, stderr to stderr, the partial "abc" joined with "def".
  CommandResult logs = node.WaitLogs(id, "done");
  CHECK(logs.output == "hello\nabcdef\ndone\n");
  CHECK(logs.error == "oops\n");
  CHECK(node.Ok({"logs", "--tail", "1", id}) == "done\n");
  std::vector<std::string> stamped = Lines(node.Ok({"logs", "-t", id}));
  REQUIRE(stamped.size() == 3);
  CHECK(stamped[0].size() > 26);
  CHECK(stamped[0][4] == '-');
  CHECK(stamped[0][10] == 'T');
  CHECK(stamped[0].substr(stamped[0].size() - 6) == " hello");
  CommandResult only_err = node.Criactl({"logs", "--stream", "stderr", id});
  CHECK(only_err.output.empty());
  CHECK(only_err.error == "oops\n");
  CHECK(node.Criactl({"logs", "--since", "1h", id}).output == "hello\nabcdef\ndone\n");

  // exec: the command's output and exit code.
  CommandResult exec =
      node.Criactl({"exec", "-s", id, "sh", "-c", "echo in; echo err >&2; exit 4"});
  CHECK(exec.exit_code == 4);
  CHECK(exec.output == "in\n");
  CHECK(exec.error == "err\n");
  CommandResult plain = node.Criactl({"exec", id, "echo", "-n", "hi"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.output == "hi");
  CHECK(plain.error.find("streaming exec is not supported yet") != std::string::npos);
  CHECK(node.Criactl({"exec", "-it", id, "sh"}).exit_code == 1);
  CHECK(node.Criactl({"exec", "-s", "--timeout", "1", id, "sleep", "30"}).exit_code != 0);

  // inspect: the status with the times as text and the runtime's info.
  rapidjson::Document inspect = Json(node.Ok({"inspect", id}));
  CHECK(std::string(inspect["status"]["state"].GetString()) == "CONTAINER_RUNNING");
  CHECK(std::string(inspect["status"]["id"].GetString()) == id);
  CHECK(std::string(inspect["status"]["finishedAt"].GetString()) == "0001-01-01T00:00:00Z");
  CHECK(std::string(inspect["status"]["startedAt"].GetString()).find('T') == 10);
  CHECK(std::string(inspect["status"]["logPath"].GetString()) ==
        node.log_dir + "/web/writer.0.log");
  CHECK(inspect["info"]["pid"].GetInt() > 0);
  {  // ... the pid of the container's process, and the OCI spec it was created from.
    const std::string pid = std::to_string(inspect["info"]["pid"].GetInt());
    std::string cmdline = FileText("/proc/" + pid + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    CHECK(cmdline == "sleep 300 ");  // where the script ends: exec sleep 300
    REQUIRE(inspect["info"].HasMember("runtimeSpec"));
    const rapidjson::Value& spec = inspect["info"]["runtimeSpec"];
    REQUIRE(spec.IsObject());
    REQUIRE(spec["process"]["args"].IsArray());
    std::vector<std::string> args;
    for (const auto& arg : spec["process"]["args"].GetArray()) args.push_back(arg.GetString());
    CHECK(args == std::vector<std::string>{"sh", "-c", script});
    CHECK(std::string(inspect["info"]["sandboxID"].GetString()) == pod);
  }
  CHECK(node.Ok({"inspect", "-o", "yaml", id}).find("state: CONTAINER_RUNNING") !=
        std::string::npos);
  CHECK(node.Ok({"inspect", "-o", "table", id}).find("State: CONTAINER_RUNNING") !=
        std::string::npos);

  // update changes the running container's resources: its cgroups (v1 here) show them.
  const std::string cgroup = node.cgroup_parent + "/cria-" + id;
  const std::string memory_limit = "/sys/fs/cgroup/memory" + cgroup + "/memory.limit_in_bytes";
  const std::string cpu_shares = "/sys/fs/cgroup/cpu" + cgroup + "/cpu.shares";
  REQUIRE(fs::exists(memory_limit));
  REQUIRE(fs::exists(cpu_shares));
  CHECK(Trim(FileText(memory_limit)) != "134217728");
  CHECK(Trim(FileText(cpu_shares)) != "512");
  CHECK(Trim(node.Ok({"update", "--memory", "134217728", "--cpu-share", "512", id})) == id);
  CHECK(Trim(FileText(memory_limit)) == "134217728");
  CHECK(Trim(FileText(cpu_shares)) == "512");

  // rm refuses a running container; stop, then rm, which removes the log file too.
  CommandResult refused = node.Criactl({"rm", id});
  CHECK(refused.exit_code == 1);
  CHECK(refused.error.find("is running, please stop it first") != std::string::npos);
  CHECK(Trim(node.Ok({"stop", "-t", "2", id})) == id);
  CHECK(Trim(node.Ok({"ps", "-q", "--state", "exited"})) == id);
  rapidjson::Document exited = Json(node.Ok({"inspect", id}));
  CHECK(std::string(exited["status"]["state"].GetString()) == "CONTAINER_EXITED");
  CHECK(std::string(exited["status"]["finishedAt"].GetString()) != "0001-01-01T00:00:00Z");
  CHECK(fs::exists(node.log_dir + "/web/writer.0.log"));
  CHECK(Trim(node.Ok({"rm", id})) == id);
  CHECK_FALSE(fs::exists(node.log_dir + "/web/writer.0.log"));
  CHECK(Trim(node.Ok({"ps", "-a", "-q"})).empty());

  // stopp, then rmp.
  CHECK(Trim(node.Ok({"stopp", pod})) == "Stopped sandbox " + pod);
  CHECK(Trim(node.Ok({"pods", "-q", "--state", "notready"})) == pod);
  CHECK(Lines(node.Ok({"pods"}))[1].find("NotReady") != std::string::npos);
  CHECK(Trim(node.Ok({"rmp", pod})) == "Removed sandbox " + pod);
  CHECK(Trim(node.Ok({"pods", "-q"})).empty());
  CHECK(node.Criactl({"inspectp", pod}).exit_code == 1);
}

TEST_CASE("criactl: logs -f until the container exits; forced removal") {
  Node node;
  std::string pod_config = node.PodJson("logger", "logger-uid");
  std::string pod = Trim(node.Ok({"runp", pod_config}));
  std::string config = node.ContainerYaml(
      "counter", "for i in 1 2 3 4 5; do echo line $i; echo warn $i >&2; sleep 0.3; done");
  std::string id = Trim(node.Ok({"create", pod, config, pod_config}));
  CHECK(Trim(node.Ok({"start", id})) == id);
  // -f returns by itself once the container has exited and its log is read.
  auto started = std::chrono::steady_clock::now();
  CommandResult follow = node.Criactl({"logs", "-f", id});
  CHECK(std::chrono::steady_clock::now() - started < 20s);
  CHECK(follow.exit_code == 0);
  CHECK(follow.output == "line 1\nline 2\nline 3\nline 4\nline 5\n");
  CHECK(follow.error == "warn 1\nwarn 2\nwarn 3\nwarn 4\nwarn 5\n");
  rapidjson::Document status = Json(node.Ok({"inspect", "-q", id}));
  CHECK(std::string(status["status"]["state"].GetString()) == "CONTAINER_EXITED");
  // The last two records are "line 5" and "warn 5", in the order conmon read them.
  CommandResult tail = node.Criactl({"logs", "--tail", "2", id});
  CHECK(tail.output == "line 5\n");
  CHECK(tail.error == "warn 5\n");

  // Rotation while following: the kubelet renames the file and asks for a new one
  // (ReopenContainerLog, here logs --reopen); -f reads the old file to its end and goes on
  // in the new one, losing and repeating no line.
  std::string ticker_config =
      node.ContainerYaml("ticker", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done");
  std::string ticker = Trim(node.Ok({"create", pod, ticker_config, pod_config}));
  node.Ok({"start", ticker});
  std::string followed = node.stack.root() + "/followed.txt";
  ChildProcess follower;
  follower.Start(
      {BinaryPath("criactl"), "--runtime-endpoint", node.stack.CriEndpoint(), "logs", "-f", ticker},
      followed);
  auto ticks = [&] {
    std::ifstream in(followed);
    std::stringstream text;
    text << in.rdbuf();
    return Lines(text.str());
  };
  auto wait_ticks = [&](size_t n) {
    for (int i = 0; i < 200 && ticks().size() < n; ++i) std::this_thread::sleep_for(50ms);
    return ticks().size();
  };
  REQUIRE(wait_ticks(5) >= 5);
  std::string log_path = node.log_dir + "/logger/ticker.0.log";
  fs::rename(log_path, log_path + ".1");
  std::this_thread::sleep_for(300ms);  // lines go to the renamed file meanwhile
  node.Ok({"logs", "--reopen", "--tail", "0", ticker});
  CHECK(fs::exists(log_path));
  size_t before = ticks().size();
  REQUIRE(wait_ticks(before + 10) >= before + 10);
  node.Ok({"stop", "-t", "1", ticker});
  CHECK(WIFEXITED(follower.Wait(20000ms)));
  std::vector<std::string> got = ticks();
  REQUIRE(got.size() > 15);
  for (size_t i = 0; i < got.size(); ++i) {
    INFO(i);
    CHECK(got[i] == "tick " + std::to_string(i + 1));
  }
  node.Ok({"rm", ticker});
  CHECK_FALSE(fs::exists(log_path + ".1"));  // rm takes the rotations too

  // A running container and a ready pod go with --force.
  std::string sleeper_config = node.ContainerYaml("sleeper", "exec sleep 300");
  std::string sleeper = Trim(node.Ok({"create", "--no-pull", pod, sleeper_config, pod_config}));
  node.Ok({"start", sleeper});
  std::vector<std::string> forced = Lines(node.Ok({"rm", "-f", sleeper}));
  CHECK(forced == std::vector<std::string>{sleeper, sleeper});  // stopped, then removed
  CommandResult refused = node.Criactl({"rmp", pod});
  CHECK(refused.exit_code == 1);
  CHECK(refused.error.find("is running, please stop it first") != std::string::npos);
  CHECK(Lines(node.Ok({"rmp", "-f", pod})) ==
        std::vector<std::string>{"Stopped sandbox " + pod, "Removed sandbox " + pod});
  CHECK(Trim(node.Ok({"pods", "-q"})).empty());
}

TEST_CASE("criactl: the short ids ps prints name their pod and container") {
  Node node;
  std::string pod_config = node.PodJson("short", "short-uid");
  const std::string pod = Trim(node.Ok({"runp", pod_config}));
  const std::string short_pod = pod.substr(0, 13);
  // CreateContainer in the pod a prefix names.
  const std::string id =
      Trim(node.Ok({"create", short_pod, node.ContainerYaml("app", "exec sleep 300"), pod_config}));
  REQUIRE(id.size() == 64);
  const std::string short_id = id.substr(0, 13);
  CHECK(Trim(node.Ok({"ps", "-q", "-a", "--pod", pod})) == id);
  CHECK(Trim(node.Ok({"start", short_id})) == short_id);  // crictl echoes what it was given
  // The status names the whole ids.
  rapidjson::Document inspect = Json(node.Ok({"inspect", short_id}));
  CHECK(std::string(inspect["status"]["id"].GetString()) == id);
  CHECK(std::string(inspect["status"]["state"].GetString()) == "CONTAINER_RUNNING");
  CHECK(std::string(inspect["info"]["sandboxID"].GetString()) == pod);
  CHECK(std::string(Json(node.Ok({"inspectp", short_pod}))["status"]["id"].GetString()) == pod);
  CommandResult exec = node.Criactl({"exec", "-s", id.substr(0, 5), "sh", "-c", "echo in"});
  CHECK(exec.exit_code == 0);
  CHECK(exec.output == "in\n");
  const std::string memory_limit =
      "/sys/fs/cgroup/memory" + node.cgroup_parent + "/cria-" + id + "/memory.limit_in_bytes";
  node.Ok({"update", "--memory", "134217728", short_id});
  CHECK(Trim(FileText(memory_limit)) == "134217728");
  node.Ok({"logs", "--reopen", short_id});
  // Two characters are too few to name anything, even when only one id starts with them.
  CommandResult two = node.Criactl({"inspect", id.substr(0, 2)});
  CHECK(two.exit_code == 1);
  CHECK(two.error.find("NotFound") != std::string::npos);
  CHECK(two.error.find("container " + id.substr(0, 2) + " not found") != std::string::npos);
  CHECK(node.Criactl({"inspectp", pod.substr(0, 2)}).exit_code == 1);
  // A prefix of no id is an unknown id, as before.
  const std::string none = std::string(13, id[0] == 'f' ? 'e' : 'f');
  CommandResult unknown = node.Criactl({"inspect", none});
  CHECK(unknown.error.find("container " + none + " not found") != std::string::npos);

  CHECK(Trim(node.Ok({"stop", "-t", "1", short_id})) == short_id);
  CHECK(Trim(node.Ok({"ps", "-q", "--state", "exited"})) == id);
  CHECK(Trim(node.Ok({"rm", short_id})) == short_id);
  CHECK(Trim(node.Ok({"ps", "-q", "-a"})).empty());
  CHECK(Trim(node.Ok({"stopp", short_pod})) == "Stopped sandbox " + short_pod);
  CHECK(Trim(node.Ok({"pods", "-q", "--state", "notready"})) == pod);
  CHECK(Trim(node.Ok({"rmp", short_pod})) == "Removed sandbox " + short_pod);
  CHECK(Trim(node.Ok({"pods", "-q"})).empty());
}

TEST_CASE("criactl run: a pod and a started container from two files") {
  Node node;
  // The pod config in YAML this time, the container config in JSON.
  std::string pod_config = node.Write("run-pod.yaml",
                                      "metadata:\n  name: runner\n"
                                      "  namespace: test\nlog_directory: " +
                                          node.log_dir +
                                          "/runner\n"
                                          "linux:\n"
                                          "  cgroup_parent: " +
                                          node.cgroup_parent +
                                          "\n"
                                          "  security_context:\n"
                                          "    namespace_options:\n"
                                          "      pid: CONTAINER\n");
  std::string config = node.Write("run-ctr.json", R"({
  "metadata": {"name": "greeter"},
  "image": {"image": ")" + node.image + R"("},
  "command": ["sh", "-c", "echo $GREETING; exec sleep 300"],
  "envs": [{"key": "GREETING", "value": "hello from run"}],
  "log_path": "greeter.0.log"
})");
  CommandResult run = node.Criactl({"run", config, pod_config});
  INFO(run.error << node.stack.Log("runtime"));
  REQUIRE(run.exit_code == 0);
  std::string id = Trim(run.output);
  REQUIRE(id.find('\n') == std::string::npos);
  CHECK(Trim(node.Ok({"ps", "-q"})) == id);
  CHECK(node.WaitLogs(id, "hello").output == "hello from run\n");
  std::vector<std::string> pods = Lines(node.Ok({"pods", "--namespace", "^test$"}));
  REQUIRE(pods.size() == 2);
  CHECK(pods[1].find("runner") != std::string::npos);
  CHECK(pods[1].find("Ready") != std::string::npos);
  // The uid crictl makes up for a config without one.
  rapidjson::Document inspectp = Json(node.Ok({"inspectp", "-q", "--name", "runner"}));
  CHECK(std::string(inspectp["status"]["metadata"]["uid"].GetString()).size() == 36);

  // Bad files are refused before anything is made.
  std::string bad = node.Write("bad.yaml", "metadata:\n  name: nameless-namespace\n");
  CommandResult refused = node.Criactl({"runp", bad});
  CHECK(refused.exit_code == 1);
  CHECK(refused.error.find("name or namespace is not in metadata") != std::string::npos);
  CHECK(Lines(node.Ok({"pods", "-q"})).size() == 1);
}

}  // namespace
}  // namespace cria::testing
