// Test only: a tiny ustar/PAX writer, for layers GNU tar refuses to produce (names that
// climb out, absolute hardlinks, over-long names).
#pragma once

#include <string>

namespace cria::storage::layers::testing {

class TarWriter {
 public:
  void AddFile(const std::string& name, const std::string& content, int mode = 0644);
  void AddDirectory(const std::string& name, int mode = 0755);
  void AddSymlink(const std::string& name, const std::string& target);
  void AddHardlink(const std::string& name, const std::string& target);
  // The archive so far with the end-of-archive marker (two zero blocks).
  std::string Finish() const;

 private:
  void AddEntry(char type, const std::string& name, const std::string& link,
                const std::string& content, int mode);
  void AddHeader(char type, const std::string& name, const std::string& link, size_t size,
                 int mode);

  std::string out_;
};

// Writes `data` to `path`; false on failure.
bool WriteFile(const std::string& path, const std::string& data);

}  // namespace cria::storage::layers::testing
