// The `nook` command table. Each verb lives in its own file and exposes one
// setup function that declares its flags on a CLI11 subcommand and installs a
// callback. Engine verbs (run, ps, ...) are added to kVerbs in verbs.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "base/result.h"
#include "image/store.h"

namespace nook::cli {

struct Globals {
    std::string root = "/var/lib/nook";
    std::string runroot = "/run/nook";
    std::string log_level = "warn";
    int exit_code = 0;
};

using VerbSetup = void (*)(CLI::App& cmd, Globals& g);

struct Verb {
    const char* name;
    const char* help;
    VerbSetup setup;
    bool image_subcommand;    // also reachable as `nook image <name>`
    const char* image_alias;  // name under `nook image` when different ("ls", "rm")
};

// All top-level verbs, in help order.
extern const Verb kVerbs[];
extern const size_t kVerbCount;

// Helpers shared by verb files.
Result<image::Store> open_store(const Globals& g);
// Print "nook: <error>" to stderr and set the exit code (125 like docker).
void fail(Globals& g, const Error& e);
bool stdout_is_terminal();

// Verb setups (one file each).
void setup_pull(CLI::App&, Globals&);
void setup_push(CLI::App&, Globals&);
void setup_images(CLI::App&, Globals&);
void setup_rmi(CLI::App&, Globals&);
void setup_tag(CLI::App&, Globals&);
void setup_inspect(CLI::App&, Globals&);
void setup_update(CLI::App&, Globals&);
void setup_events(CLI::App&, Globals&);
void setup_history(CLI::App&, Globals&);
void setup_login(CLI::App&, Globals&);
void setup_logout(CLI::App&, Globals&);
void setup_load(CLI::App&, Globals&);
void setup_save(CLI::App&, Globals&);
void setup_import(CLI::App&, Globals&);
void setup_prune(CLI::App&, Globals&);
void setup_mount(CLI::App&, Globals&);
void setup_unmount(CLI::App&, Globals&);
// Container verbs (the engine).
void setup_run(CLI::App&, Globals&);
void setup_create(CLI::App&, Globals&);
void setup_start(CLI::App&, Globals&);
void setup_ps(CLI::App&, Globals&);
void setup_logs(CLI::App&, Globals&);
void setup_stop(CLI::App&, Globals&);
void setup_kill(CLI::App&, Globals&);
void setup_rm(CLI::App&, Globals&);
void setup_exec(CLI::App&, Globals&);
void setup_wait(CLI::App&, Globals&);
void setup_attach(CLI::App&, Globals&);
void setup_restart(CLI::App&, Globals&);
void setup_volume(CLI::App&, Globals&);  // volume.cpp: create, ls, inspect, rm, prune
// Engine verbs and state (verbs helper).
void setup_pause(CLI::App&, Globals&);
void setup_unpause(CLI::App&, Globals&);
void setup_top(CLI::App&, Globals&);
void setup_stats(CLI::App&, Globals&);
void setup_port(CLI::App&, Globals&);
void setup_rename(CLI::App&, Globals&);
void setup_cp(CLI::App&, Globals&);
// Container filesystem changes (images helper): commit, diff, export.
void setup_commit(CLI::App&, Globals&);
void setup_diff(CLI::App&, Globals&);
void setup_export(CLI::App&, Globals&);
void setup_container(CLI::App&, Globals&);  // `nook container <verb>`
void setup_system(CLI::App&, Globals&);     // system info|df|prune
void setup_info(CLI::App&, Globals&);
void setup_version(CLI::App&, Globals&);
void setup_completion(CLI::App&, Globals&);  // completion.cpp: bash|zsh|fish

}  // namespace nook::cli
