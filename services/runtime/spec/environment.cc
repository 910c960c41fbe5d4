#include "services/runtime/spec/environment.h"

namespace cria::runtime::spec {
namespace {

std::string NameOf(const std::string& assignment) {
  return assignment.substr(0, assignment.find('='));
}

}  // namespace

void SetEnv(std::vector<std::string>* env, const std::string& assignment) {
  const std::string name = NameOf(assignment);
  for (std::string& existing : *env) {
    if (NameOf(existing) == name) {
      existing = assignment;
      return;
    }
  }
  env->push_back(assignment);
}

Result<std::vector<std::string>> BuildEnv(
    const google::protobuf::RepeatedPtrField<std::string>& image_env,
    const google::protobuf::RepeatedPtrField<::runtime::v1::KeyValue>& cri_envs,
    const std::string& hostname, bool tty, const std::vector<std::string>& defaults) {
  std::vector<std::string> env = {kDefaultPath};
  if (!hostname.empty()) SetEnv(&env, "HOSTNAME=" + hostname);
  if (tty) SetEnv(&env, "TERM=xterm");
  for (const std::string& e : defaults) SetEnv(&env, e);
  for (const std::string& e : image_env) {
    if (e.empty() || e.front() == '=') continue;  // a broken image entry names nothing
    SetEnv(&env, e.find('=') == std::string::npos ? e + "=" : e);
  }
  for (const ::runtime::v1::KeyValue& kv : cri_envs) {
    if (kv.key().empty() || kv.key().find('=') != std::string::npos) {
      return Status(StatusCode::kInvalidArgument,
                    "invalid environment variable name \"" + kv.key() + "\"");
    }
    SetEnv(&env, kv.key() + "=" + kv.value());
  }
  return env;
}

}  // namespace cria::runtime::spec
