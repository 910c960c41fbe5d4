// cria-image: images, the registry client and the CRI ImageService (DESIGN.md section 1).
#include "libs/daemon/daemon.h"
#include "services/image/server/image_service.h"

int main(int argc, char** argv) {
  cria::daemon::Daemon daemon(cria::config::Daemon::kImage, "cria.image.v1");
  if (auto exit_code = daemon.Init(argc, argv)) return *exit_code;
  cria::image::ImageService image(daemon.identity());
  daemon.server().AddService(&image);
  return daemon.Serve();
}
