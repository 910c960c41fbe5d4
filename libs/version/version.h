// cria's identity. The minor version follows the Kubernetes minor whose CRI cria speaks
// (as CRI-O does): 1.36.x speaks the CRI of Kubernetes 1.36.
#pragma once

namespace cria {

inline constexpr char kRuntimeName[] = "cria";
inline constexpr char kVersion[] = "1.36.0";
// The CRI API version served on the CRI socket.
inline constexpr char kCriApiVersion[] = "v1";

}  // namespace cria
