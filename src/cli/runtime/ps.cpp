// `ps ID [ps args]`: the container's processes, from its cgroup. The table
// form runs the host's ps(1) and keeps the rows of the container's pids, as runc.
#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/runtime/commands.h"
#include "runtime/container_ops.h"

namespace nook::cli {

namespace {
int print_table(const std::vector<pid_t>& pids, const std::vector<std::string>& ps_args) {
    std::string cmd = "ps";
    for (const auto& a : ps_args.empty() ? std::vector<std::string>{"-ef"} : ps_args) {
        cmd += " '";
        for (char c : a) cmd += c == '\'' ? std::string("'\\''") : std::string(1, c);
        cmd += "'";
    }
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return fail(Error::from_errno("run ps"));
    std::set<pid_t> want(pids.begin(), pids.end());
    char line[4096];
    int pid_col = -1;
    bool header = true;
    while (std::fgets(line, sizeof line, p)) {
        std::istringstream cols(line);
        std::vector<std::string> fields;
        for (std::string f; cols >> f;) fields.push_back(f);
        if (header) {
            for (size_t i = 0; i < fields.size(); ++i)
                if (fields[i] == "PID") pid_col = static_cast<int>(i);
            std::fputs(line, stdout);
            header = false;
            if (pid_col < 0) return fail(invalid_input("ps output has no PID column"));
            continue;
        }
        if (pid_col < static_cast<int>(fields.size()) &&
            want.count(std::atoi(fields[pid_col].c_str())))
            std::fputs(line, stdout);
    }
    ::pclose(p);
    return 0;
}
}  // namespace

void register_ps(CLI::App& app, GlobalOptions& g) {
    auto* sub = app.add_subcommand("ps", "list the processes of a container");
    static std::string id, format = "table";
    static std::vector<std::string> ps_args;
    sub->add_option("-f,--format", format, "table or json")
        ->check(CLI::IsMember({"table", "json"}));
    sub->add_option("id", id, "container id")->required();
    sub->add_option("ps-args", ps_args, "arguments for ps(1) (default: -ef)");
    sub->callback([&g] {
        auto pids = runtime::container_pids(g.store(), id);
        if (!pids.ok()) {
            g.exit_code = fail(pids.error());
            return;
        }
        if (format == "json") {
            std::printf("%s\n", nlohmann::json(*pids).dump().c_str());
            return;
        }
        g.exit_code = print_table(*pids, ps_args);
    });
}

}  // namespace nook::cli
