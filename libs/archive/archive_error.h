// libarchive's message for the last error of a reader or writer. libarchive leaves it
// unset for some failures (archive_error_string returns NULL), which a std::string must not
// be built from: a crafted layer made cria-storage crash that way.
#pragma once

#include <string>

struct archive;

namespace cria {

// The message, or "unknown libarchive error" when libarchive gave none.
std::string ArchiveErrorText(struct archive* a);

}  // namespace cria
