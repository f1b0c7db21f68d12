// nook-monitor: the per-container monitor (engine/monitor/monitor.cpp), as its own
// small static binary. spawn_monitor (engine/lifecycle.cpp) executes it
// instead of re-executing the whole nook CLI, whose shared libraries
// (libcurl, OpenSSL, SQLite, libstdc++) would cost megabytes per container.
#include "engine/engine.h"

int main() {
    return nook::engine::monitor_main();
}
