// OpenLocalImage: unpack (archives) and dispatch to the OCI layout or docker-archive reader.
#include "services/image/transport/local_source.h"

#include <stdlib.h>

#include <cerrno>
#include <filesystem>

#include "services/image/transport/docker_archive.h"
#include "services/image/transport/oci_layout.h"

namespace cria::image::transport {
namespace {

Result<ScratchDir> MakeScratch(const std::string& work_dir) {
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) return ErrnoStatus(ec.value(), "create " + work_dir);
  std::string tmpl = std::filesystem::absolute(work_dir).lexically_normal().string();
  if (tmpl.size() > 1 && tmpl.back() == '/') tmpl.pop_back();
  tmpl += "/local-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return ErrnoStatus(errno, "mkdtemp " + tmpl);
  return ScratchDir(tmpl);
}

}  // namespace

Result<LocalImage> OpenLocalImage(const TransportRef& ref, const std::string& work_dir,
                                  const LocalImageOptions& options) {
  const std::string what = "open " + ref.String();
  LocalImage image;
  std::string root = ref.path;
  if (ref.kind != TransportKind::kOciLayout) {
    CRIA_ASSIGN_OR_RETURN(image.scratch, MakeScratch(work_dir), what);
    CRIA_RETURN_IF_ERROR(ExtractArchive(ref.path, image.scratch.path(), options.extract), what);
    root = image.scratch.path();
  }
  if (ref.kind == TransportKind::kDockerArchive) {
    CRIA_RETURN_IF_ERROR(ReadDockerArchive(root, ref.ref, ref.index, image), what);
  } else {
    CRIA_RETURN_IF_ERROR(ReadOciLayout(root, ref.ref, image), what);
  }
  return image;
}

}  // namespace cria::image::transport
