// Durable updates of small files: a crash leaves the old content or the new, never a mix
// (DESIGN.md section 3). The writer is the only one that renames into place, so readers
// never see a partly written file.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "libs/status/status.h"

namespace cria::records {

// How long a written file must last.
enum class Durability {
  // Survives a power loss: the file and its directory are fsynced (state_dir records).
  kDurable,
  // Lives until the next boot: files under run_dir, which is a tmpfs (/run) on a real host
  // and so is gone after a power loss anyway. Still atomic against a crash of the writer
  // (the rename), without the two fsyncs (~0.5 ms each on a disk), as CRI-O and
  // containerd write their bundles and a pod's hosts/resolv.conf.
  kUntilReboot,
};

// Writes `data` to `path` atomically: creates a temp file ".<base>.tmp-<random>" in the same
// directory (O_CREAT|O_EXCL|O_CLOEXEC), sets `mode` on it (independent of the umask), writes
// all of `data`, fsyncs it (kDurable), renames it over `path` and fsyncs the directory
// (kDurable). On any failure before the rename the temp file is removed and the old file
// (if any) is untouched; a failure of the final directory fsync leaves the new file in place
// but maybe not durable.
[[nodiscard]] Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data,
                                     mode_t mode = 0600,
                                     Durability durability = Durability::kDurable);

// Removes `path` and fsyncs its directory. A missing file is OK.
[[nodiscard]] Status RemoveFile(const std::filesystem::path& path);

// Fsyncs the directory `dir`, so entries created, renamed or removed in it survive a crash.
[[nodiscard]] Status SyncDir(const std::filesystem::path& dir);

// Whether `file_name` (no directory) has the shape of a temp file that WriteFileAtomic
// leaves behind when interrupted: ".<base>.tmp-<random>".
bool IsAtomicTempName(std::string_view file_name);

}  // namespace cria::records
