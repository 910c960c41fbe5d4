// How a stored image looks through the CRI (runtime.v1.Image) and in ImageStatus's
// verbose info, and the parts of its config a container needs (cria.image.v1.ImageConfig).
#pragma once

#include <map>
#include <string>

#include "cri/runtime/v1/cri_api.h"
#include "cria/image/v1/image.pb.h"
#include "services/image/manifest/config.h"
#include "services/image/store/image_record.h"

namespace cria::image::manager {

// `config` is the parsed config blob (for the user); `pinned` from image.pinned_images.
runtime::v1::Image ToCriImage(const store::ImageRecord& record, const manifest::ImageConfig& config,
                              bool pinned);

// ImageStatus verbose info: {"info": JSON with id, chain IDs, manifest digest, source and
// the image config as "imageSpec"}.
std::map<std::string, std::string> VerboseInfo(const store::ImageRecord& record,
                                               const std::string& config_json);

v1::ImageConfig ToImageConfig(const manifest::ImageConfig& config);

}  // namespace cria::image::manager
