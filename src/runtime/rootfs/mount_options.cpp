#include "runtime/rootfs/mount_options.h"

#include <sys/mount.h>

#include <algorithm>
#include <string_view>

namespace nook::runtime::rootfs {

namespace {

// An option either sets or clears MS_* bits.
struct FlagOpt {
    std::string_view name;
    bool clear;
    unsigned long flag;
};

constexpr FlagOpt kFlagOpts[] = {
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},
    {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"atime", true, MS_NOATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"diratime", true, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},
    {"nolazytime", true, MS_LAZYTIME},
    {"iversion", false, MS_I_VERSION},
    {"noiversion", true, MS_I_VERSION},
    {"silent", false, MS_SILENT},
    {"loud", true, MS_SILENT},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"symfollow", true, MS_NOSYMFOLLOW},
};

struct PropOpt {
    std::string_view name;
    unsigned long flags;
};

constexpr PropOpt kPropOpts[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

// Recursive attributes (mount_setattr with AT_RECURSIVE). The atime ones must
// clear the whole MOUNT_ATTR__ATIME field, as the kernel demands.
struct AttrOpt {
    std::string_view name;
    uint64_t set;
    uint64_t clr;
};

constexpr AttrOpt kAttrOpts[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},
    {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},
    {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
    {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnorelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
};

bool apply_flag(std::string_view o, MountOptions& out) {
    for (const auto& f : kFlagOpts) {
        if (f.name != o) continue;
        if (f.clear)
            out.flags &= ~f.flag;
        else
            out.flags |= f.flag;
        return true;
    }
    return false;
}

bool apply_attr(std::string_view o, MountOptions& out) {
    for (const auto& a : kAttrOpts) {
        if (a.name != o) continue;
        // A later option overrides an earlier one on the same bits.
        out.rec_attr_set &= ~(a.set | a.clr);
        out.rec_attr_clr &= ~(a.set | a.clr);
        out.rec_attr_set |= a.set;
        out.rec_attr_clr |= a.clr;
        return true;
    }
    return false;
}

}  // namespace

Result<unsigned long> parse_propagation(const std::string& name) {
    for (const auto& p : kPropOpts)
        if (p.name == name) return p.flags;
    return invalid_input("unknown mount propagation \"" + name + "\"");
}

std::vector<std::string> supported_mount_options() {
    std::vector<std::string> names = {"bind", "rbind", "tmpcopyup", "defaults"};
    for (const auto& f : kFlagOpts) names.emplace_back(f.name);
    for (const auto& p : kPropOpts) names.emplace_back(p.name);
    for (const auto& a : kAttrOpts) names.emplace_back(a.name);
    std::sort(names.begin(), names.end());
    return names;
}

MountOptions parse_mount_options(const std::vector<std::string>& options) {
    MountOptions out;
    for (const auto& o : options) {
        if (o == "bind") {
            out.bind = true;
        } else if (o == "rbind") {
            out.bind = out.recursive = true;
        } else if (o == "tmpcopyup") {
            out.tmpcopyup = true;
        } else if (o == "defaults") {
            // fstab's placeholder: no flags, and never filesystem data.
        } else if (apply_flag(o, out) || apply_attr(o, out)) {
        } else if (auto p = parse_propagation(o); p.ok()) {
            out.propagation.push_back(*p);
        } else if (!o.empty()) {
            if (!out.data.empty()) out.data += ',';
            out.data += o;
        }
    }
    return out;
}

}  // namespace nook::runtime::rootfs
