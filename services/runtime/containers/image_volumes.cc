// Image volumes (CRI Mount.image: the kubelet's ImageVolume source): the image's root
// filesystem, made read-only by cria-storage for the container and bound at the mount's
// container path (its image_sub_path, resolved inside the image, when given).
#include "libs/undo/undo_stack.h"
#include "services/runtime/containers/container_manager.h"
#include "services/runtime/containers/image_names.h"
#include "services/runtime/spec/mounts.h"
#include "services/runtime/spec/rootfs_file.h"

namespace cria::runtime::containers {

using spec::IsImageMount;

std::string ImageVolumeId(const std::string& container_id, int mount_index) {
  return container_id + kImageVolumeInfix + std::to_string(mount_index);
}

Result<::runtime::v1::ContainerConfig> ContainerManager::MountImageVolumes(
    const std::string& id, ::runtime::v1::ContainerConfig* stored, UndoStack& undo) {
  ::runtime::v1::ContainerConfig for_spec = *stored;
  for (int i = 0; i < stored->mounts_size(); ++i) {
    ::runtime::v1::Mount* mount = stored->mutable_mounts(i);
    if (!IsImageMount(*mount)) continue;
    const std::string what =
        "image volume " + mount->image().image() + " at " + mount->container_path();
    CRIA_ASSIGN_OR_RETURN(image::v1::ResolveResponse image, images_.Resolve(mount->image().image()),
                          what);
    const std::string volume = ImageVolumeId(id, i);
    CRIA_ASSIGN_OR_RETURN(
        std::string root,
        storage_.CreateAndMount(volume, image.top_layer(), /*read_only=*/true, image.id()), what);
    undo.Push("remove " + volume, [this, volume] { return storage_.Remove(volume); });
    std::string source = root;
    if (!mount->image_sub_path().empty()) {
      CRIA_ASSIGN_OR_RETURN(source, spec::ResolveInRoot(root, mount->image_sub_path()),
                            what + ": image_sub_path");
    }
    // What ContainerStatus reports for the volume, as for the container's own image.
    const ImageNames names =
        ChooseImageNames(mount->image().image(), mount->image().user_specified_image(),
                         image.repo_tags(), image.repo_digests());
    mount->mutable_image()->set_image_ref(names.digest.empty() ? image.id() : names.digest);
    ::runtime::v1::Mount* bind = for_spec.mutable_mounts(i);
    bind->clear_image();
    bind->clear_image_sub_path();
    bind->set_host_path(source);
    bind->set_readonly(true);
    bind->set_selinux_relabel(false);  // a read-only overlay cannot be relabelled
  }
  return for_spec;
}

Status ContainerManager::RemoveImageVolumes(const ContainerRecord& record) {
  for (int i = 0; i < record.config.mounts_size(); ++i) {
    if (!IsImageMount(record.config.mounts(i))) continue;
    CRIA_RETURN_IF_ERROR(storage_.Remove(ImageVolumeId(record.id, i)),
                         "remove the image volume at " + record.config.mounts(i).container_path());
  }
  return OkStatus();
}

}  // namespace cria::runtime::containers
