// Shared by run, start -a and attach: run an attach session against a
// container's monitor and set our exit code from it.
#pragma once

#include <string>

#include "cli/nook/container_common.h"
#include "engine/attach/attach_client.h"

namespace nook::cli {

// Start the container with a socketpair handed to its monitor, then attach.
void start_attached(Globals& g, engine::Engine& eng, const std::string& id,
                    const engine::AttachOptions& o);
// Attach over a connected socket; exit code: the container's, 0 when
// detached, or the recorded one when the monitor went away.
void attach_and_exit(Globals& g, engine::Engine& eng, const std::string& id, int sock,
                     const engine::AttachOptions& o);
// Config.Tty / Config.OpenStdin of a stored container.
bool config_flag(const engine::ContainerRow& row, const char* key);

}  // namespace nook::cli
