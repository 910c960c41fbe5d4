#include "libs/ids/name_registry.h"

namespace cria::ids {

Status NameRegistry::Reserve(const std::string& name, const std::string& id,
                             std::string_view what) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [held, inserted] = ids_.emplace(name, id);
  if (!inserted && held->second != id) {
    return Status(StatusCode::kAlreadyExists, std::string(what) + ": the name " + name +
                                                  " is reserved by " + kind_ + " " + held->second);
  }
  return OkStatus();
}

void NameRegistry::Release(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ids_.find(name);
  if (it == ids_.end()) return;
  late_.erase(it->second);
  ids_.erase(it);
}

void NameRegistry::ReleaseId(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  late_.erase(id);
  for (auto it = ids_.begin(); it != ids_.end();) {
    it = it->second == id ? ids_.erase(it) : std::next(it);
  }
}

std::optional<std::string> NameRegistry::Holder(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void NameRegistry::MarkLate(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, holder] : ids_) {
    if (holder == id) late_.insert(id);
  }
}

std::optional<std::string> NameRegistry::TakeLate(
    const std::string& name, std::chrono::system_clock::time_point caller_deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ids_.find(name);
  if (it == ids_.end() || late_.count(it->second) == 0) return std::nullopt;
  if (!AnswerMayBeLate(caller_deadline)) late_.erase(it->second);
  return it->second;
}

bool NameRegistry::HoldsAny(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, holder] : ids_) {
    if (holder == id) return true;
  }
  return false;
}

bool AnswerMayBeLate(std::chrono::system_clock::time_point caller_deadline) {
  using Clock = std::chrono::system_clock;
  if (caller_deadline == Clock::time_point::max()) return false;
  return Clock::now() > caller_deadline - std::chrono::seconds(1);
}

std::shared_ptr<std::mutex> KeyedMutex::For(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& m = locks_[key];
  if (!m) m = std::make_shared<std::mutex>();
  return m;
}

void KeyedMutex::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  locks_.erase(key);
}

}  // namespace cria::ids
