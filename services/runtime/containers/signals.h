// Stop signals as images and the CRI name them: "SIGTERM", "TERM", "15", "SIGRTMIN+3",
// and the CRI enum's names ("SIGCLD", "SIGRTMINPLUS3", "SIGRTMAXMINUS2").
#pragma once

#include <string_view>

#include "libs/status/status.h"

namespace cria::runtime::containers {

// The signal number; InvalidArgument naming the text when it is none.
Result<int> ParseSignal(std::string_view text);

}  // namespace cria::runtime::containers
