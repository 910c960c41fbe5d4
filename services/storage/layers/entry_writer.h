// Writes the tar entries of one layer into its root: every parent is resolved inside the
// root (resolve.h), every final component is created relative to that parent's fd.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "libs/status/status.h"
#include "services/storage/layers/apply.h"
#include "services/storage/layers/entry_path.h"
#include "services/storage/layers/metadata.h"

struct archive;
struct archive_entry;

namespace cria::storage::layers {

class EntryWriter {
 public:
  // `root_fd` must stay open while the writer is used.
  EntryWriter(int root_fd, const ApplyOptions& options);

  // Writes `entry` (its data read from `reader`). Errors name the entry.
  Status Write(struct archive* reader, struct archive_entry* entry);

  // Sets directory times, once every entry is written.
  Status Finish();

 private:
  Status WriteEntry(struct archive* reader, struct archive_entry* entry, const EntryPath& path);
  Status WriteRoot(struct archive_entry* entry);
  Status WriteWhiteout(const EntryPath& path);
  Status WriteDirectory(int parent_fd, const EntryPath& path, const EntryMetadata& metadata);
  Status WriteRegular(struct archive* reader, struct archive_entry* entry, int parent_fd,
                      const std::string& base, const EntryMetadata& metadata);
  Status WriteHardlink(const char* target, int parent_fd, const std::string& base);
  // Removes whatever is at `base` in `parent_fd`, directories recursively.
  Status Clear(int parent_fd, const std::string& base);
  // kDelete only: remembers that this layer wrote `name` in the directory `parent_fd`.
  void NoteCreated(int parent_fd, const std::string& name);
  bool CreatedHere(int dir_fd, const std::string& name) const;

  struct DirTimes {
    std::string path;
    struct timespec atime;
    struct timespec mtime;
  };

  int root_fd_;
  ApplyOptions options_;
  std::vector<DirTimes> dir_times_;
  // (device, directory inode, name) of every entry this layer wrote; kDelete only.
  std::set<std::tuple<dev_t, ino_t, std::string>> created_;
};

}  // namespace cria::storage::layers
