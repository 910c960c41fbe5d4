// New pod and container ids: 64 random lowercase hex digits, as CRI-O and containerd make
// them (the kubelet and crictl show prefixes of them).
#pragma once

#include <string>

namespace cria {

std::string NewRandomId();

}  // namespace cria
