// Writing the spec structs (oci_spec.h) as OCI config.json text.
#pragma once

#include <string>

#include "libs/status/status.h"
#include "services/runtime/spec/oci_spec.h"

namespace cria::runtime::spec {

// config.json for `spec`: indented JSON, fields in the OCI spec's names, absent fields left
// out. InvalidArgument if spec.linux.seccomp_json is not a JSON object.
Result<std::string> SpecToJson(const Spec& spec);

// The linux.resources object alone (compact), as `runc update --resources` and
// `crun update --resources` read it.
std::string ResourcesToJson(const Resources& resources);

}  // namespace cria::runtime::spec
