// cria-pause: PID 1 of a pod that shares its PID namespace (DESIGN.md section 1). It
// reaps the zombies that orphans of the pod's containers leave behind and exits 0 on
// SIGTERM or SIGINT. Built static, so its rootfs is this one file.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {

void Quit(int) { _exit(0); }

void Reap(int) {
  int saved = errno;
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  errno = saved;
}

}  // namespace

int main(int argc, char**) {
  if (argc > 1) {
    static const char kUsage[] = "usage: cria-pause (no arguments)\n";
    (void)!write(2, kUsage, sizeof kUsage - 1);
    return 2;
  }
  struct sigaction quit {};
  quit.sa_handler = Quit;
  sigaction(SIGTERM, &quit, nullptr);
  sigaction(SIGINT, &quit, nullptr);
  struct sigaction reap {};
  reap.sa_handler = Reap;
  reap.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigaction(SIGCHLD, &reap, nullptr);
  for (;;) pause();
}
