#include "libs/archive/archive_error.h"

#include <archive.h>

namespace cria {

std::string ArchiveErrorText(struct archive* a) {
  const char* error = archive_error_string(a);
  return error != nullptr ? error : "unknown libarchive error";
}

}  // namespace cria
