// nook logs [-f] [--tail N] [-t] CONTAINER: print the json-file log; -f
// keeps following it until the container stops.
#include <fcntl.h>

#include <cstdio>
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/json_log.h"
#include "sys/daemon.h"
#include "sys/file.h"

namespace nook::cli {

namespace {

struct LogsFlags {
    std::string container;
    bool follow = false;
    bool timestamps = false;
    std::string tail = "all";
};

void print(const std::vector<engine::LogEntry>& es, bool timestamps) {
    for (const auto& e : es) {
        FILE* to = e.stream == "stderr" ? stderr : stdout;
        if (timestamps) std::fprintf(to, "%s ", e.time.c_str());
        std::fwrite(e.log.data(), 1, e.log.size(), to);
        std::fflush(to);
    }
}

Status show_logs(Globals& g, const LogsFlags& f) {
    long tail = -1;
    if (f.tail != "all") {
        char* end = nullptr;
        tail = std::strtol(f.tail.c_str(), &end, 10);
        if (f.tail.empty() || *end || tail < 0)
            return invalid_input("invalid --tail value \"" + f.tail + "\"");
    }
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto row, eng.get(f.container));
    TRY_ASSIGN(auto fd, sys::open_file(eng.paths().log(row.id), O_RDONLY));
    engine::LogReader reader(fd.get());
    TRY_ASSIGN(auto entries, reader.read_new());
    if (tail >= 0 && entries.size() > static_cast<size_t>(tail))
        entries.erase(entries.begin(), entries.end() - tail);
    print(entries, f.timestamps);
    if (!f.follow) return {};
    for (;;) {
        // Read the status before the log so the last lines are never lost.
        auto now = eng.get(row.id);
        bool running = now.ok() && now->status == "running";
        TRY_ASSIGN(auto more, reader.read_new());
        print(more, f.timestamps);
        if (!running) return {};
        sys::sleep_ms(50);
    }
}

}  // namespace

void setup_logs(CLI::App& cmd, Globals& g) {
    auto f = std::make_shared<LogsFlags>();
    cmd.add_option("container", f->container, "Container")->required();
    cmd.add_flag("-f,--follow", f->follow, "Follow log output");
    cmd.add_flag("-t,--timestamps", f->timestamps, "Show timestamps");
    cmd.add_option("-n,--tail", f->tail, "Number of lines to show from the end of the logs")
        ->capture_default_str();
    cmd.callback([&g, f] {
        auto s = show_logs(g, *f);
        if (!s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
