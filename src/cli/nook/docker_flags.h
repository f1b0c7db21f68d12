// docker's flags per verb (docker_flags.cpp is generated from docker's own
// --help by tests/engine-cli/gen-docker-flags.sh): the parse layer refuses a
// docker flag nook lacks by name ("--gpus is not supported yet") instead of
// calling it unknown.
#pragma once

#include <cstddef>
#include <string>

namespace nook::cli {

struct DockerFlags {
    const char* path;   // "run", "container ls", "volume create"
    const char* flags;  // "-a,--attach= --rm ...": "=" marks a flag with a value
};
extern const DockerFlags kDockerFlags[];
extern const size_t kDockerFlagsCount;

// docker's spelling of flag (as "-p" or "--publish") for the command path,
// "-p, --publish" when it has both names; empty when docker has no such flag.
// container/image verbs fall back to the top-level verb ("container run" -> "run").
std::string docker_flag(const std::string& path, const std::string& flag);

}  // namespace nook::cli
