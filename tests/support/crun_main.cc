// main() of the crun variants of the container tests: the same test cases with crun as
// cria-runtime's default runtime. crun refuses this host's hybrid cgroup layout, so the
// whole test process (and every daemon, conmon and crun it starts) first moves into the
// mount namespace of HideCgroup2ForCrun, before any thread exists.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdio>

#include "tests/support/cgroup_view.h"
#include "tests/support/cri_cluster.h"

int main(int argc, char** argv) {
  cria::Result<bool> hidden = cria::testing::HideCgroup2ForCrun();
  if (!hidden.ok()) {
    std::fprintf(stderr, "cannot give crun a cgroup v1 view: %s\n",
                 cria::MessageOf(hidden.status()).c_str());
    return 2;
  }
  if (*hidden) std::fprintf(stderr, "hybrid cgroup host: /sys/fs/cgroup/unified hidden for crun\n");
  cria::testing::SetTestOciRuntime("crun");
  return Catch::Session().run(argc, argv);
}
