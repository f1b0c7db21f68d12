// nook export [-o FILE] CONTAINER: the container's whole root filesystem
// (image and changes merged) as a tar stream. A stopped container's overlay
// is mounted for the export and unmounted after. With -o the archive is
// written to a temp file beside FILE and renamed: a failed export leaves
// nothing.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "base/scope_exit.h"
#include "cli/nook/container_common.h"
#include "image/layer_diff.h"
#include "image/snapshot.h"
#include "sys/file.h"
#include "sys/fs_extra.h"

namespace nook::cli {

namespace {

struct Opts {
    std::string container, output;
};

Status do_export(Globals& g, const Opts& o) {
    if (o.output.empty() && stdout_is_terminal())
        return invalid_input(
            "cowardly refusing to save to a terminal. Use the -o flag or redirect");
    TRY_ASSIGN(auto eng, open_engine(g));
    TRY_ASSIGN(auto locked, eng.lock(o.container));
    const auto& row = locked.row;
    TRY_ASSIGN(auto store, open_store(g));
    const std::string rootfs = eng.paths().rootfs(row.id);
    bool mounted_here = false;
    ScopeExit unmount([&] {
        if (mounted_here) (void)image::unmount_rootfs(store, row.id, rootfs);
    });
    if (row.status != "running" || !sys::is_mount_point(rootfs)) {
        TRY(sys::mkdir_p(eng.paths().bundle(row.id), 0700));
        TRY(image::mount_rootfs(store, row.image_id, row.id, rootfs)
                .context("mount rootfs of " + row.name));
        mounted_here = true;
    }
    if (o.output.empty()) return image::write_tree_tar(rootfs, 1, image::TreeTar::plain);
    std::string tmp = o.output + ".nook-export-" + std::to_string(::getpid());
    TRY_ASSIGN(auto fd, sys::open_file(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)
                            .context("export to " + o.output));
    ScopeExit drop([&] { ::unlink(tmp.c_str()); });
    TRY(image::write_tree_tar(rootfs, fd.get(), image::TreeTar::plain)
            .context("export " + row.name));
    if (::fsync(fd.get()) != 0) return Error::from_errno("fsync " + tmp);
    fd.reset();
    if (::rename(tmp.c_str(), o.output.c_str()) != 0)
        return Error::from_errno("rename into " + o.output);
    drop.dismiss();
    return {};
}

}  // namespace

void setup_export(CLI::App& cmd, Globals& g) {
    auto o = std::make_shared<Opts>();
    cmd.add_option("container", o->container, "Container")->required();
    cmd.add_option("-o,--output", o->output, "Write to a file, instead of STDOUT");
    cmd.callback([&g, o] {
        if (auto s = do_export(g, *o); !s.ok()) fail(g, s.error());
    });
}

}  // namespace nook::cli
