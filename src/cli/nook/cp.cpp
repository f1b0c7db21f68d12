// nook cp [-a] [-L] CONTAINER:SRC DEST|-  /  nook cp [-a] [-L] SRC|- CONTAINER:DEST
// (engine/copy.h: docker's tar-stream semantics, confined to the container's root).
#include <memory>

#include "cli/nook/container_common.h"
#include "engine/copy.h"

namespace nook::cli {

namespace {

// "name:path" -> {name, path}; a host path has no colon before its first
// slash (docker's rule, so "./a:b" is a host path).
bool split_container(const std::string& arg, std::string& ctr, std::string& path) {
    auto colon = arg.find(':');
    if (colon == std::string::npos || colon == 0) return false;
    auto slash = arg.find('/');
    if (slash != std::string::npos && slash < colon) return false;
    ctr = arg.substr(0, colon);
    path = arg.substr(colon + 1);
    return true;
}

}  // namespace

void setup_cp(CLI::App& cmd, Globals& g) {
    auto args = std::make_shared<std::pair<std::string, std::string>>();
    auto opts = std::make_shared<engine::CopyOptions>();
    cmd.add_option("src", args->first, "CONTAINER:SRC_PATH or SRC_PATH or -")->required();
    cmd.add_option("dest", args->second, "DEST_PATH or CONTAINER:DEST_PATH or -")->required();
    cmd.add_flag("-a,--archive", opts->archive, "Archive mode (copy all uid/gid information)");
    cmd.add_flag("-L,--follow-link", opts->follow_link, "Always follow symbol link in SRC_PATH");
    cmd.callback([&g, args, opts] {
        std::string c1, p1, c2, p2;
        bool from = split_container(args->first, c1, p1);
        bool to = split_container(args->second, c2, p2);
        if (from == to)
            return fail(g, invalid_input(from ? "copying between containers is not supported"
                                              : "must specify at least one container source"));
        auto eng = open_engine(g);
        if (!eng.ok()) return fail(g, eng.error());
        Status s = from ? engine::copy_from_container(*eng, c1, p1, args->second, *opts)
                        : engine::copy_to_container(*eng, c2, args->first, p2, *opts);
        if (!s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
