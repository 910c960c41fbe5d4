// Running a child process on a Boost.Asio io_context (see libs/process/process.h for
// Command, Outcome and the meaning of a non-OK result).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>

#include "libs/process/process.h"

namespace cria::process {

// Starts `cmd` from a handler on `io` and calls `done` exactly once, from a handler on
// `io` (never from inside RunAsync): after the child has exited and its stdout and stderr
// have reached EOF (or kOutputGracePeriod has passed since the exit), or with the error
// that kept it from starting. Starting blocks that handler for the fork and exec only.
//
// `io` may be run by several threads: each run's handlers are serialized on a strand.
// If `io` is destroyed before `done` is called, a still-running child is SIGKILLed with
// its process group and reaped, and `done` is never called.
void RunAsync(boost::asio::io_context& io, Command cmd, std::function<void(Result<Outcome>)> done);

}  // namespace cria::process
