#include "services/runtime/spec/user.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "services/runtime/spec/passwd.h"
#include "services/runtime/spec/rootfs_file.h"

namespace cria::runtime::spec {
namespace {

namespace cri = ::runtime::v1;

// The account files of one rootfs, read on first use.
class Accounts {
 public:
  explicit Accounts(const std::string& rootfs) : rootfs_(rootfs) {}

  Result<const std::vector<PasswdEntry>*> Users() {
    if (!users_) {
      CRIA_ASSIGN_OR_RETURN(std::string text, Read("/etc/passwd"), "");
      users_ = ParsePasswd(text);
    }
    return &*users_;
  }

  Result<const std::vector<GroupEntry>*> Groups() {
    if (!groups_) {
      CRIA_ASSIGN_OR_RETURN(std::string text, Read("/etc/group"), "");
      groups_ = ParseGroup(text);
    }
    return &*groups_;
  }

 private:
  Result<std::string> Read(const std::string& path) {
    Result<std::string> text = ReadFileInRoot(rootfs_, path, kMaxAccountFileBytes);
    if (!text.ok() && text.status().code() == StatusCode::kNotFound) return std::string();
    return text;
  }

  std::string rootfs_;
  std::optional<std::vector<PasswdEntry>> users_;
  std::optional<std::vector<GroupEntry>> groups_;
};

Status UnknownName(const char* what, const char* file, const std::string& name,
                   const std::string& image_name) {
  return Status(StatusCode::kInvalidArgument,
                std::string(what) + " \"" + name + "\" not found in " + file + " of image " +
                    (image_name.empty() ? std::string("(unnamed)") : image_name));
}

struct Identity {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string name;  // empty when the uid has no /etc/passwd entry
};

// The user part of a user string: a uid (its gid and name from /etc/passwd if listed) or a
// name that must be listed.
Result<Identity> LookUpUser(Accounts& accounts, const std::string& user,
                            const std::string& image_name) {
  CRIA_ASSIGN_OR_RETURN(const std::vector<PasswdEntry>* users, accounts.Users(),
                        "resolve user \"" + user + "\"");
  Identity id;
  if (std::optional<uint32_t> uid = ParseId(user)) {
    id.uid = *uid;
    auto it = std::find_if(users->begin(), users->end(),
                           [&](const PasswdEntry& e) { return e.uid == *uid; });
    if (it != users->end()) {
      id.gid = it->gid;
      id.name = it->name;
    }
    return id;
  }
  auto it = std::find_if(users->begin(), users->end(),
                         [&](const PasswdEntry& e) { return e.name == user; });
  if (it == users->end()) return UnknownName("user", "/etc/passwd", user, image_name);
  id.uid = it->uid;
  id.gid = it->gid;
  id.name = it->name;
  return id;
}

Result<uint32_t> LookUpGroup(Accounts& accounts, const std::string& group,
                             const std::string& image_name) {
  if (std::optional<uint32_t> gid = ParseId(group)) return *gid;
  CRIA_ASSIGN_OR_RETURN(const std::vector<GroupEntry>* groups, accounts.Groups(),
                        "resolve group \"" + group + "\"");
  auto it = std::find_if(groups->begin(), groups->end(),
                         [&](const GroupEntry& e) { return e.name == group; });
  if (it == groups->end()) return UnknownName("group", "/etc/group", group, image_name);
  return it->gid;
}

void AddUnique(std::vector<uint32_t>* gids, uint32_t gid) {
  if (std::find(gids->begin(), gids->end(), gid) == gids->end()) gids->push_back(gid);
}

}  // namespace

Result<User> ResolveUser(const cri::LinuxContainerSecurityContext& security,
                         const std::string& image_user, const std::string& rootfs,
                         const std::string& image_name) {
  const bool has_uid = security.has_run_as_user();
  const bool has_username = !security.run_as_username().empty();
  if (has_uid && has_username) {
    return Status(StatusCode::kInvalidArgument,
                  "run_as_user and run_as_username are mutually exclusive");
  }
  if (security.has_run_as_group() && !has_uid && !has_username) {
    return Status(StatusCode::kInvalidArgument,
                  "run_as_group is only valid together with run_as_user or run_as_username");
  }

  Accounts accounts(rootfs);
  Identity id;
  if (has_username) {
    CRIA_ASSIGN_OR_RETURN(id, LookUpUser(accounts, security.run_as_username(), image_name),
                          "run_as_username");
  } else if (has_uid) {
    CRIA_ASSIGN_OR_RETURN(uint32_t uid, IdFromCri(security.run_as_user().value(), "run_as_user"),
                          "");
    CRIA_ASSIGN_OR_RETURN(id, LookUpUser(accounts, std::to_string(uid), image_name), "run_as_user");
  } else if (!image_user.empty()) {
    const size_t colon = image_user.find(':');
    const std::string user = image_user.substr(0, colon);
    if (user.empty()) {
      return Status(StatusCode::kInvalidArgument,
                    "image " + image_name + " has an invalid USER \"" + image_user + "\"");
    }
    CRIA_ASSIGN_OR_RETURN(id, LookUpUser(accounts, user, image_name), "image USER");
    if (colon != std::string::npos) {
      const std::string group = image_user.substr(colon + 1);
      if (group.empty()) {
        return Status(StatusCode::kInvalidArgument,
                      "image " + image_name + " has an invalid USER \"" + image_user + "\"");
      }
      CRIA_ASSIGN_OR_RETURN(id.gid, LookUpGroup(accounts, group, image_name), "image USER");
    }
  } else {
    // No user anywhere: root, with root's name for the group memberships.
    CRIA_ASSIGN_OR_RETURN(id, LookUpUser(accounts, "0", image_name), "default user");
  }
  if (security.has_run_as_group()) {
    CRIA_ASSIGN_OR_RETURN(id.gid, IdFromCri(security.run_as_group().value(), "run_as_group"), "");
  }

  User out;
  out.uid = id.uid;
  out.gid = id.gid;
  out.additional_gids.push_back(id.gid);
  if (security.supplemental_groups_policy() == cri::SupplementalGroupsPolicy::Merge &&
      !id.name.empty()) {
    CRIA_ASSIGN_OR_RETURN(const std::vector<GroupEntry>* groups, accounts.Groups(),
                          "supplementary groups of \"" + id.name + "\"");
    for (const GroupEntry& group : *groups) {
      if (std::find(group.members.begin(), group.members.end(), id.name) != group.members.end()) {
        AddUnique(&out.additional_gids, group.gid);
      }
    }
  } else if (security.supplemental_groups_policy() != cri::SupplementalGroupsPolicy::Merge &&
             security.supplemental_groups_policy() != cri::SupplementalGroupsPolicy::Strict) {
    return Status(StatusCode::kInvalidArgument,
                  "unknown supplemental_groups_policy " +
                      std::to_string(security.supplemental_groups_policy()));
  }
  for (int64_t gid : security.supplemental_groups()) {
    CRIA_ASSIGN_OR_RETURN(uint32_t id32, IdFromCri(gid, "supplemental group"), "");
    AddUnique(&out.additional_gids, id32);
  }
  return out;
}

}  // namespace cria::runtime::spec
