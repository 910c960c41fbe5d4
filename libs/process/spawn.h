// Starting a child: fork + execve, with only async-signal-safe calls between the two.
// Internal to libs/process; RunAsync (async_run.cc) watches the returned Child.
#pragma once

#include <sys/types.h>

#include <string>

#include "libs/fd/unique_fd.h"
#include "libs/process/process.h"

namespace cria::process::internal {

// A started child (it has called execve). Every fd is CLOEXEC; the pipes are O_NONBLOCK.
struct Child {
  pid_t pid = -1;  // also its process group id
  UniqueFd pidfd;
  UniqueFd stdin_pipe;   // write end; not Valid() when the child's stdin is /dev/null
  UniqueFd stdout_pipe;  // read end
  UniqueFd stderr_pipe;  // read end
};

// Resolves argv[0], creates the pipes and starts the child in a process group of its
// own with a default signal state and no fds but 0, 1 and 2. Returns once the child has
// exec'd; a failure in the child before that (chdir, execve) is returned as its Status.
Result<Child> Spawn(const Command& cmd);

// The file to execute for `name`: `name` itself when it contains a '/', else the first
// executable regular file `dir/name` for the absolute directories in `path_env` (a
// default list when null or empty). NotFound, or PermissionDenied when only
// non-executable files were found.
Result<std::string> FindExecutable(const std::string& name, const char* path_env);

}  // namespace cria::process::internal
