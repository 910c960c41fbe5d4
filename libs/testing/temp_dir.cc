#include "libs/testing/temp_dir.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>

namespace cria::testing {

TempDir::TempDir(std::string_view prefix, std::string_view base) {
  const char* env = ::getenv("TMPDIR");
  std::string dir(base);
  if (dir.empty()) dir = env != nullptr && *env != '\0' ? env : "/tmp";
  std::string tmpl = dir + "/" + std::string(prefix) + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror(("mkdtemp " + tmpl).c_str());
    std::abort();
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace cria::testing
