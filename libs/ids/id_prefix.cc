#include "libs/ids/id_prefix.h"

namespace cria::ids {

Result<std::string> PrefixOutcome(const std::string& given, std::vector<std::string> matches,
                                  std::string_view kind) {
  if (matches.empty()) return given;
  if (matches.size() == 1) return std::move(matches.front());
  // The short form `ps` prints, a few of them: enough to see which digits tell them apart.
  constexpr size_t kNamed = 3, kShort = 13;
  std::string named;
  for (size_t i = 0; i < matches.size() && i < kNamed; ++i) {
    named += (i == 0 ? "" : ", ") + matches[i].substr(0, kShort);
  }
  if (matches.size() > kNamed) named += ", ...";
  return Status(StatusCode::kInvalidArgument, std::string(kind) + " id prefix " + given +
                                                  " matches " + std::to_string(matches.size()) +
                                                  " " + std::string(kind) + "s (" + named +
                                                  "); give more characters");
}

}  // namespace cria::ids
