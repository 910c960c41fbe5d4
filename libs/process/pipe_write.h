// Writing to a pipe whose reader may be gone, without raising SIGPIPE in the process.
// Internal to libs/process.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace cria::process::internal {

// write(2) with SIGPIPE blocked in the calling thread: a reader that is gone gives
// EPIPE, and the SIGPIPE that write raised is consumed so it is never delivered later.
// Returns like write(2), with errno set on -1.
ssize_t WriteWithoutSigpipe(int fd, const void* data, std::size_t size);

}  // namespace cria::process::internal
