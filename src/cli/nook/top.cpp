// nook top CONTAINER [ps OPTIONS]: the container's processes as the host's
// ps shows them (default -ef: UID PID PPID C STIME TTY TIME CMD), keeping
// the header and the rows whose PID column is one of the container's pids.
#include <cstdio>
#include <memory>
#include <set>
#include <sstream>

#include "cli/nook/container_common.h"
#include "engine/pause.h"
#include "sys/spawn.h"

namespace nook::cli {

namespace {

Status top(Globals& g, const std::string& name, std::vector<std::string> ps_args) {
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto row, eng.get(name));
    TRY_ASSIGN(auto pids, engine::container_processes(eng, row));
    if (ps_args.empty()) ps_args = {"-ef"};
    std::vector<std::string> argv = {"ps"};
    argv.insert(argv.end(), ps_args.begin(), ps_args.end());
    TRY_ASSIGN(auto out, sys::run_capture(argv).context("top: ps"));
    std::istringstream in(out);
    std::string header;
    std::getline(in, header);
    // The PID column: its index among the header's words.
    std::istringstream hw(header);
    int pid_col = -1, i = 0;
    for (std::string w; hw >> w; i++)
        if (w == "PID") pid_col = i;
    if (pid_col < 0) return invalid_input("Couldn't find PID field in ps output");
    std::set<std::string> want;
    for (pid_t p : pids) want.insert(std::to_string(p));
    std::printf("%s\n", header.c_str());
    for (std::string line; std::getline(in, line);) {
        std::istringstream lw(line);
        std::string w;
        for (int k = 0; k <= pid_col && lw >> w; k++) {
        }
        if (want.count(w)) std::printf("%s\n", line.c_str());
    }
    return {};
}

}  // namespace

void setup_top(CLI::App& cmd, Globals& g) {
    auto name = std::make_shared<std::string>();
    cmd.add_option("container", *name, "Container")->required();
    // Everything after CONTAINER goes to ps, flags included ([ps OPTIONS]).
    cmd.prefix_command();
    cmd.callback([&g, &cmd, name] {
        auto s = top(g, *name, cmd.remaining());
        if (!s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
