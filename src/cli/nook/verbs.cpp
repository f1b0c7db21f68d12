#include "cli/nook/verbs.h"

#include <unistd.h>

#include <cstdio>

namespace nook::cli {

// The verb table. Add engine verbs (run, create, start, ps, exec, logs, ...)
// here: {name, help, setup, false, nullptr}.
const Verb kVerbs[] = {
    {"run", "Create and run a new container from an image", setup_run, false, nullptr},
    {"create", "Create a new container", setup_create, false, nullptr},
    {"start", "Start one or more stopped containers", setup_start, false, nullptr},
    {"ps", "List containers", setup_ps, false, nullptr},
    {"logs", "Fetch the logs of a container", setup_logs, false, nullptr},
    {"stop", "Stop one or more running containers", setup_stop, false, nullptr},
    {"kill", "Kill one or more running containers", setup_kill, false, nullptr},
    {"rm", "Remove one or more containers", setup_rm, false, nullptr},
    {"exec", "Execute a command in a running container", setup_exec, false, nullptr},
    {"wait", "Block until containers stop, then print their exit codes", setup_wait, false,
     nullptr},
    {"attach", "Attach local standard input, output, and error streams to a running container",
     setup_attach, false, nullptr},
    {"restart", "Restart one or more containers", setup_restart, false, nullptr},
    {"volume", "Manage volumes", setup_volume, false, nullptr},
    {"pause", "Pause all processes within one or more containers", setup_pause, false, nullptr},
    {"unpause", "Unpause all processes within one or more containers", setup_unpause, false,
     nullptr},
    {"top", "Display the running processes of a container", setup_top, false, nullptr},
    {"stats", "Display a live stream of container(s) resource usage statistics", setup_stats, false,
     nullptr},
    {"port", "List port mappings or a specific mapping for the container", setup_port, false,
     nullptr},
    {"rename", "Rename a container", setup_rename, false, nullptr},
    {"update", "Update configuration of one or more containers", setup_update, false, nullptr},
    {"events", "Get real time events from the server", setup_events, false, nullptr},
    {"cp", "Copy files/folders between a container and the local filesystem", setup_cp, false,
     nullptr},
    {"commit", "Create a new image from a container's changes", setup_commit, false, nullptr},
    {"diff", "Inspect changes to files or directories on a container's filesystem", setup_diff,
     false, nullptr},
    {"export", "Export a container's filesystem as a tar archive", setup_export, false, nullptr},
    {"container", "Manage containers", setup_container, false, nullptr},
    {"system", "Manage nook", setup_system, false, nullptr},
    {"info", "Display system-wide information", setup_info, false, nullptr},
    {"version", "Show the nook version information", setup_version, false, nullptr},
    {"completion", "Generate the shell completion script (bash, zsh or fish)", setup_completion,
     false, nullptr},
    {"pull", "Download an image from a registry", setup_pull, true, nullptr},
    {"push", "Upload an image to a registry", setup_push, true, nullptr},
    {"images", "List images", setup_images, true, "ls"},
    {"rmi", "Remove one or more images", setup_rmi, true, "rm"},
    {"tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", setup_tag, true, nullptr},
    {"inspect", "Display detailed information on containers or images", setup_inspect, true,
     nullptr},
    {"history", "Show the history of an image", setup_history, true, nullptr},
    {"login", "Log in to a registry", setup_login, false, nullptr},
    {"logout", "Log out from a registry", setup_logout, false, nullptr},
    {"load", "Load images from a tar archive or OCI layout", setup_load, true, nullptr},
    {"save", "Save images to a tar archive or OCI layout", setup_save, true, nullptr},
    {"import", "Create an image from a rootfs tarball", setup_import, true, nullptr},
    // Only under `nook image`: prune, mount, unmount.
    {"prune", "Remove unused images and data", setup_prune, true, nullptr},
    {"mount", "Mount an image's root filesystem (for a container id)", setup_mount, true, nullptr},
    {"unmount", "Unmount and remove a container rootfs made by mount", setup_unmount, true,
     nullptr},
};
const size_t kVerbCount = sizeof(kVerbs) / sizeof(kVerbs[0]);

Result<image::Store> open_store(const Globals& g) {
    return image::Store::open(g.root);
}

void fail(Globals& g, const Error& e) {
    std::fprintf(stderr, "nook: %s\n", e.what().c_str());
    g.exit_code = 125;
}

bool stdout_is_terminal() {
    return ::isatty(1) == 1;
}

}  // namespace nook::cli
