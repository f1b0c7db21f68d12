// Signal state the container process starts with, whatever its launcher had.
#include <signal.h>

#include "fixture.h"

namespace itest {
namespace {

using Signals = RuntimeTest;

// Ignored dispositions survive execve: a runtime started with SIGPIPE and
// SIGHUP ignored must still give the container default dispositions.
TEST_F(Signals, ContainerStartsWithDefaultDispositions) {
    struct sigaction ign {
    }, old_pipe{}, old_hup{};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);
    sigaction(SIGHUP, &ign, &old_hup);
    std::string out = run_ok({"/bin/cat", "/proc/self/status"});
    sigaction(SIGPIPE, &old_pipe, nullptr);
    sigaction(SIGHUP, &old_hup, nullptr);
    std::string ignored, blocked;
    for (const auto& l : lines(out)) {
        if (l.rfind("SigIgn:", 0) == 0) ignored = trim(l.substr(7));
        if (l.rfind("SigBlk:", 0) == 0) blocked = trim(l.substr(7));
    }
    EXPECT_EQ(ignored, "0000000000000000") << "ignored signals leaked into the container";
    EXPECT_EQ(blocked, "0000000000000000") << "blocked signals leaked into the container";
}

}  // namespace
}  // namespace itest
