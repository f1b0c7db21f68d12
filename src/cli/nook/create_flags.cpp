// Common flags of `run` and `create` (see create_flags.h for the groups).
#include "cli/nook/create_flags.h"

namespace nook::cli {

void add_create_flags(CLI::App& cmd, RunFlags& f) {
    cmd.add_option("image", f.req.image, "Image to create the container from")->required();
    cmd.add_option("command", f.req.cmd, "Command and arguments");
    cmd.add_option("--name", f.req.name, "Assign a name to the container");
    // One value per use (-e A=1 -e B=2): a vector option would otherwise
    // swallow IMAGE and the command after it.
    cmd.add_option("-e,--env", f.req.env, "Set environment variables (KEY=VALUE or KEY)")
        ->allow_extra_args(false);
    cmd.add_option("-w,--workdir", f.req.workdir, "Working directory inside the container");
    cmd.add_option("-u,--user", f.req.user, "Username or UID (format: <name|uid>[:<group|gid>])");
    cmd.add_option("--entrypoint", f.entrypoint, "Overwrite the default ENTRYPOINT of the image")
        ->each([&f](const std::string&) { f.entrypoint_set = true; });
    // docker's -h is --hostname here; help is --help alone.
    cmd.set_help_flag("--help", "Print usage");
    cmd.add_option("-h,--hostname", f.req.hostname, "Container host name");
    cmd.add_flag("--rm", f.req.auto_remove, "Automatically remove the container when it exits");
    cmd.add_flag("-t,--tty", f.req.tty, "Allocate a pseudo-TTY");
    cmd.add_flag("-i,--interactive", f.req.interactive,
                 "Keep STDIN open (passed to the container)");
    f.groups.push_back(add_storage_flags(cmd));
    f.groups.push_back(add_limits_flags(cmd));
    f.groups.push_back(add_monitor_flags(cmd));
    // Everything after IMAGE belongs to the container's command.
    cmd.positionals_at_end();
    cmd.prefix_command();
}

Result<engine::ContainerRow> create_from(engine::Engine& eng, RunFlags& f) {
    if (f.entrypoint_set) f.req.entrypoint = f.entrypoint;
    for (auto& g : f.groups) TRY(g->apply(f.req));
    return eng.create(f.req);
}

}  // namespace nook::cli
