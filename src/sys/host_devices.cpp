#include "sys/host_devices.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <memory>

namespace nook::sys {

namespace {

Status walk(const std::string& dir, bool top, std::vector<HostDevice>& out) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return Error::from_errno("open directory " + dir);
    while (struct dirent* e = ::readdir(d.get())) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        std::string path = dir + "/" + name;
        struct stat st;
        if (::lstat(path.c_str(), &st) != 0) continue;  // gone meanwhile
        if (S_ISDIR(st.st_mode)) {
            if (top && (name == "pts" || name == "shm" || name == "mqueue" || name == "fd"))
                continue;
            (void)walk(path, false, out);  // an unreadable subdirectory is skipped
            continue;
        }
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) continue;
        if (path == "/dev/console") continue;
        HostDevice hd;
        hd.path = path;
        hd.type = S_ISCHR(st.st_mode) ? 'c' : 'b';
        hd.major = major(st.st_rdev);
        hd.minor = minor(st.st_rdev);
        hd.mode = st.st_mode & 07777;
        hd.uid = st.st_uid;
        hd.gid = st.st_gid;
        out.push_back(hd);
    }
    return {};
}

}  // namespace

Result<std::vector<HostDevice>> list_host_devices(const std::string& dir) {
    std::vector<HostDevice> out;
    TRY(walk(dir, true, out));
    return out;
}

}  // namespace nook::sys
