// Stop signal names: every value of the CRI's Signal enum, and the forms images use.
#include "services/runtime/containers/signals.h"

#include <signal.h>

#include <catch2/catch.hpp>

#include "cri/runtime/v1/cri_api.h"

namespace cria::runtime::containers {
namespace {

TEST_CASE("every CRI stop signal names a signal") {
  const auto* values = ::runtime::v1::Signal_descriptor();
  REQUIRE(values->value_count() > 60);
  for (int i = 0; i < values->value_count(); ++i) {
    const std::string name = values->value(i)->name();
    if (name == "RUNTIME_DEFAULT") continue;
    INFO(name);
    Result<int> signal = ParseSignal(name);
    REQUIRE(signal.ok());
    CHECK(*signal >= 1);
    CHECK(*signal <= SIGRTMAX);
  }
  CHECK(*ParseSignal("SIGCLD") == SIGCHLD);
  CHECK(*ParseSignal("SIGRTMINPLUS1") == SIGRTMIN + 1);
  CHECK(*ParseSignal("SIGRTMINPLUS15") == SIGRTMIN + 15);
  CHECK(*ParseSignal("SIGRTMAXMINUS1") == SIGRTMAX - 1);
  CHECK(*ParseSignal("SIGRTMAXMINUS14") == SIGRTMAX - 14);
  CHECK(*ParseSignal("SIGRTMAX") == SIGRTMAX);
}

TEST_CASE("image stop signals: names with and without SIG, numbers, real-time offsets") {
  CHECK(*ParseSignal("SIGTERM") == SIGTERM);
  CHECK(*ParseSignal("QUIT") == SIGQUIT);
  CHECK(*ParseSignal("9") == SIGKILL);
  CHECK(*ParseSignal("SIGRTMIN+3") == SIGRTMIN + 3);
  CHECK(*ParseSignal("RTMAX-2") == SIGRTMAX - 2);
  CHECK(*ParseSignal("sigterm") == SIGTERM);  // as Docker reads STOPSIGNAL
  CHECK(*ParseSignal("Usr1") == SIGUSR1);
  for (const char* bad :
       {"", "SIG", "TERMINATE", "0", "65", "-1", "RTMIN+99", "SIGRTMINPLUS", "SIGRTMAXMINUS99"}) {
    INFO(bad);
    Result<int> signal = ParseSignal(bad);
    CHECK(signal.status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace cria::runtime::containers
