// Ids people type are mostly the 13 characters `criactl ps` and `crictl ps` print: as
// containerd (its truncindex) and CRI-O do, a call given a unique prefix of a pod's or a
// container's id acts on that one. The kubelet gives whole ids, which only name themselves.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "libs/status/status.h"

namespace cria::ids {

// The shortest prefix taken, as cria-image takes image id prefixes: one or two characters
// would name an object by accident.
inline constexpr size_t kMinIdPrefix = 3;

// The answer for `given` once the ids it is a prefix of are known (ResolveIdPrefix).
Result<std::string> PrefixOutcome(const std::string& given, std::vector<std::string> matches,
                                  std::string_view kind);

// The id `given` names among the keys of `ids`: `given` itself when it is one, else the
// one id it is a prefix of (kMinIdPrefix characters or more). `given` unchanged when it
// names none, for each call to answer an unknown id its own way (RemoveContainer: OK).
// InvalidArgument naming the matches when it is a prefix of several `kind`s ("container").
template <typename Value>
Result<std::string> ResolveIdPrefix(const std::map<std::string, Value>& ids,
                                    const std::string& given, std::string_view kind) {
  if (given.size() < kMinIdPrefix || ids.count(given) != 0) return given;
  std::vector<std::string> matches;
  for (auto it = ids.lower_bound(given);
       it != ids.end() && it->first.compare(0, given.size(), given) == 0; ++it) {
    matches.push_back(it->first);
  }
  return PrefixOutcome(given, std::move(matches), kind);
}

}  // namespace cria::ids
