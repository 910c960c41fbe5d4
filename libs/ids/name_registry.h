// Names reserved for ids, as CRI-O's registrar keeps them: the kubelet's pod and container
// names (k8s_POD_<name>_<namespace>_<uid>_<attempt>, ...) must be unique among the live
// objects, and a second request for a held name is refused naming the holder, unless the
// holder was made after its own caller had given up: then it is the retry's (CRI-O's
// resource store does the same). Also the per-id locks that make calls on one object run
// one at a time. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "libs/status/status.h"

namespace cria::ids {

class NameRegistry {
 public:
  // `kind` names the holders in messages ("pod", "container").
  explicit NameRegistry(std::string kind) : kind_(std::move(kind)) {}

  // Reserves `name` for `id`. AlreadyExists "<what>: the name <name> is reserved by
  // <kind> <holder>" when another id holds it; reserving it again for its holder is OK.
  Status Reserve(const std::string& name, const std::string& id, std::string_view what);
  void Release(const std::string& name);
  // Releases whatever name `id` holds.
  void ReleaseId(const std::string& id);
  bool HoldsAny(const std::string& id) const;
  // The id holding `name`; nullopt when it is free.
  std::optional<std::string> Holder(const std::string& name) const;

  // `id` was made after its caller's deadline had passed: nobody got its id, and the
  // caller will ask for the same name again.
  void MarkLate(const std::string& id);
  // The holder of `name` if it was marked late, for the retry calling; nullopt otherwise.
  // It is unmarked (one retry gets it) unless this retry's answer may be late as well
  // (AnswerMayBeLate of `caller_deadline`): then the next retry gets it too.
  std::optional<std::string> TakeLate(const std::string& name,
                                      std::chrono::system_clock::time_point caller_deadline =
                                          std::chrono::system_clock::time_point::max());

 private:
  const std::string kind_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> ids_;  // name → id
  std::set<std::string> late_;              // ids marked late, each holding a name
};

// Whether the caller of a call that finishes now may not get its answer, so that what the
// call made should be kept for its retry (NameRegistry::MarkLate): `caller_deadline` has
// passed or is less than a second away, as the answer still has hops to go (the gateway,
// on a loaded node) and a caller that gave up asks again. Never without a deadline.
bool AnswerMayBeLate(std::chrono::system_clock::time_point caller_deadline);

// One mutex per key, made on first use; Forget drops it once the object is gone (a holder
// still using it keeps its own reference).
class KeyedMutex {
 public:
  std::shared_ptr<std::mutex> For(const std::string& key);
  void Forget(const std::string& key);

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::mutex>> locks_;
};

}  // namespace cria::ids
