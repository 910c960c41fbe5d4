// A test's scratch directory: "<base>/<prefix>XXXXXX" (base: $TMPDIR, else /tmp), made fresh
// and removed with everything in it at the end of the scope.
#pragma once

#include <string>
#include <string_view>

namespace cria::testing {

class TempDir {
 public:
  // Aborts the test binary when the directory cannot be made: nothing can run without it.
  explicit TempDir(std::string_view prefix = "cria-test-", std::string_view base = "");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace cria::testing
