// Blob reading and digest checks for local images.
#include "services/image/transport/blob_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "libs/digest/digest.h"
#include "libs/fd/unique_fd.h"
#include "libs/records/small_file.h"

namespace cria::image::transport {

Result<FileDigest> HashFile(const std::string& path, const std::string& algorithm_of) {
  CRIA_ASSIGN_OR_RETURN(digest::DigestHasher hasher, digest::DigestHasher::ForDigest(algorithm_of),
                        "hash " + path);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.Valid()) return ErrnoStatus(errno, "open " + path);
  struct stat st;
  if (::fstat(fd.Get(), &st) != 0) return ErrnoStatus(errno, "stat " + path);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError("read " + path + ": not a regular file");
  }
  std::vector<char> buffer(1 << 20);
  FileDigest out;
  while (true) {
    const ssize_t n = ::read(fd.Get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "read " + path);
    if (n == 0) break;
    hasher.Update(buffer.data(), static_cast<size_t>(n));
    out.size += n;
  }
  out.digest = hasher.Finish();
  return out;
}

Result<std::string> ReadCapped(const std::string& path, size_t max_bytes) {
  auto content = records::ReadSmallFile(path, max_bytes);
  if (content.status().code() == StatusCode::kOutOfRange) {
    return absl::ResourceExhaustedError(MessageOf(content.status()));
  }
  return content;
}

Result<std::string> BlobPath(const std::string& dir, const std::string& digest) {
  CRIA_RETURN_IF_ERROR(manifest::CheckDigest(digest), "blob \"" + digest + "\"");
  const size_t colon = digest.find(':');
  return dir + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

Result<std::string> ReadVerifiedBlob(const std::string& dir, const manifest::Descriptor& descriptor,
                                     size_t max_bytes) {
  CRIA_ASSIGN_OR_RETURN(std::string path, BlobPath(dir, descriptor.digest), "");
  CRIA_ASSIGN_OR_RETURN(std::string content, ReadCapped(path, max_bytes), "");
  CRIA_ASSIGN_OR_RETURN(digest::DigestHasher hasher,
                        digest::DigestHasher::ForDigest(descriptor.digest), "");
  hasher.Update(content.data(), content.size());
  const std::string actual = hasher.Finish();
  if (actual != descriptor.digest) {
    return absl::DataLossError("blob " + descriptor.digest + " (" + path + ") has digest " +
                               actual);
  }
  if (descriptor.size != static_cast<int64_t>(content.size())) {
    return absl::DataLossError("blob " + descriptor.digest + " is " +
                               std::to_string(content.size()) + " bytes, the descriptor says " +
                               std::to_string(descriptor.size));
  }
  return content;
}

Status VerifyFile(const std::string& path, const manifest::Descriptor& descriptor,
                  const std::string& what) {
  CRIA_ASSIGN_OR_RETURN(FileDigest actual, HashFile(path, descriptor.digest), what);
  if (actual.digest != descriptor.digest) {
    return absl::DataLossError(what + " (" + path + ") has digest " + actual.digest +
                               ", expected " + descriptor.digest);
  }
  if (actual.size != descriptor.size) {
    return absl::DataLossError(what + " (" + path + ") is " + std::to_string(actual.size) +
                               " bytes, the descriptor says " + std::to_string(descriptor.size));
  }
  return OkStatus();
}

}  // namespace cria::image::transport
