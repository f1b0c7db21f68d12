#include "runtime/state_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sys/file.h"

namespace nook::runtime {

using nlohmann::json;

Status validate_container_id(const std::string& id) {
    if (id.empty()) return invalid_input("container id cannot be empty");
    if (id == "." || id == ".." || id.size() > 1024)
        return invalid_input("invalid container id: " + id);
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '+' || c == '-' || c == '.';
        if (!ok) return invalid_input("invalid container id: " + id);
    }
    return {};
}

namespace {
Result<ContainerLock> lock_dir(const std::string& path, const std::string& id) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return Error(ENOENT, "container " + id + " does not exist").without_errno_text();
        return Error::from_errno("open " + path);
    }
    while (::flock(fd.get(), LOCK_EX) < 0) {
        if (errno != EINTR) return Error::from_errno("lock " + path);
    }
    return ContainerLock(std::move(fd));
}
}  // namespace

Result<ContainerLock> StateStore::create(const std::string& id) const {
    TRY(validate_container_id(id));
    TRY(sys::mkdir_p(root_, 0711));
    if (::mkdir(dir(id).c_str(), 0711) < 0) {
        if (errno == EEXIST)
            return Error(EEXIST, "container with id " + id + " already exists")
                .without_errno_text();
        return Error::from_errno("mkdir " + dir(id));
    }
    return lock_dir(dir(id), id);
}

Result<ContainerLock> StateStore::lock(const std::string& id) const {
    TRY(validate_container_id(id));
    return lock_dir(dir(id), id);
}

bool StateStore::exists(const std::string& id) const {
    return validate_container_id(id).ok() && sys::path_exists(dir(id) + "/state.json");
}

Status StateStore::save(const ContainerRecord& r) const {
    json j = {{"id", r.id},
              {"pid", r.pid},
              {"start_time", r.start_time},
              {"bundle", r.bundle},
              {"rootfs", r.rootfs},
              {"created", r.created},
              {"owner", r.owner},
              {"annotations", r.annotations},
              {"cgroups_path", r.cgroups_path},
              {"systemd_cgroup", r.systemd_cgroup}};
    return sys::write_file_atomic(dir(r.id) + "/state.json", j.dump(), 0600);
}

Result<ContainerRecord> StateStore::load(const std::string& id) const {
    TRY(validate_container_id(id));
    auto text = sys::read_file(dir(id) + "/state.json");
    if (!text.ok()) {
        if (text.error().code() == ENOENT)
            return Error(ENOENT, "container " + id + " does not exist").without_errno_text();
        return std::move(text).error();
    }
    try {
        json j = json::parse(*text);
        ContainerRecord r;
        r.id = j.at("id").get<std::string>();
        r.pid = j.at("pid").get<pid_t>();
        r.start_time = j.at("start_time").get<uint64_t>();
        r.bundle = j.at("bundle").get<std::string>();
        r.rootfs = j.value("rootfs", "");
        r.created = j.value("created", "");
        r.owner = j.value("owner", "");
        r.annotations = j.value("annotations", std::map<std::string, std::string>{});
        r.cgroups_path = j.value("cgroups_path", "");
        r.systemd_cgroup = j.value("systemd_cgroup", false);
        return r;
    } catch (const std::exception& e) {
        return invalid_input(dir(id) + "/state.json: corrupt state: " + e.what());
    }
}

Result<std::vector<std::string>> StateStore::list_ids() const {
    std::vector<std::string> ids;
    DIR* d = ::opendir(root_.c_str());
    if (!d) {
        if (errno == ENOENT) return ids;
        return Error::from_errno("open " + root_);
    }
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        if (sys::path_exists(root_ + "/" + n + "/state.json")) ids.push_back(n);
    }
    ::closedir(d);
    std::sort(ids.begin(), ids.end());
    return ids;
}

Status StateStore::remove(const std::string& id) const {
    TRY(validate_container_id(id));
    return sys::remove_tree(dir(id));
}

}  // namespace nook::runtime
