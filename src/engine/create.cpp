// Engine::create: a new container record from an image and a RunRequest
// (image resolved, config merged, log file made). Nothing runs yet.
#include <fcntl.h>

#include <cstdio>

#include "engine/engine.h"
#include "engine/events/events.h"
#include "engine/spec/spec_parts.h"
#include "engine/spec/userns.h"
#include "engine/store/names.h"
#include "engine/views/times.h"
#include "image/images.h"
#include "image/pull.h"
#include "image/store.h"
#include "sys/file.h"

namespace nook::engine {

using json = nlohmann::json;

namespace {

// The image by --pull's policy: missing (pull only when not stored),
// always, never (docker's "No such image" when not stored).
Result<image::ImageRecord> image_for(image::Store& store, const RunRequest& req) {
    if (req.pull != "missing" && req.pull != "always" && req.pull != "never")
        return invalid_input("invalid pull option: '" + req.pull +
                             "': must be one of \"always\", \"missing\" or \"never\"");
    if (req.pull != "always") {
        auto rec = store.resolve(req.image);
        if (rec.ok() || req.pull == "never" || rec.error().code() != ENOENT) return rec;
        auto ref = image::parse_reference(req.image);  // docker names it with its tag
        std::fprintf(stderr, "Unable to find image '%s' locally\n",
                     ref.ok() ? ref->familiar().c_str() : req.image.c_str());
    }
    TRY_ASSIGN(auto pulled, image::pull_image(store, req.image, image::PullOptions{}));
    events::emit(Paths{store.root(), ""}, "image", "pull", req.image, {{"name", req.image}});
    return pulled.record;
}

}  // namespace

Result<ContainerRow> Engine::create(const RunRequest& req_in) {
    const std::string runtime = req_in.host_config.value("Runtime", kBuiltinRuntime);
    TRY(check_runtime_name(runtime));
    TRY_ASSIGN(auto store, image::Store::open(paths_.root));
    TRY_ASSIGN(auto rec, image_for(store, req_in));
    TRY_ASSIGN(auto img, image::image_config(store, rec));
    RunRequest req = req_in;
    // --network container:NAME joins that container's namespace: keep its
    // id, as docker does, so a rename cannot redirect it.
    std::string net = req.host_config.value("NetworkMode", "");
    if (net.rfind("container:", 0) == 0) {
        auto other = get(net.substr(10));
        if (!other.ok()) return std::move(other).error().context("--network " + net);
        req.host_config["NetworkMode"] = "container:" + other->id;
    }
    ContainerRow row;
    TRY_ASSIGN(row.id, new_container_id());
    TRY_ASSIGN(json cfg, make_config(req, img, row.id));
    // --userns auto: a range no other container has, chosen under a lock
    // held until this container's row (which records it) is stored.
    UniqueFd userns_lock;
    TRY_ASSIGN(auto userns_size, parse_userns_mode(cfg["HostConfig"].value("UsernsMode", "")));
    if (userns_size) {
        TRY_ASSIGN(userns_lock, lock_userns(paths_));
        TRY_ASSIGN(auto rows, db_.list());
        std::vector<std::string> others;
        for (const auto& r : rows) others.push_back(r.config);
        TRY(assign_userns(cfg, others));
    }
    if (!req.name.empty()) {
        TRY(validate_name(req.name));
        row.name = req.name[0] == '/' ? req.name.substr(1) : req.name;
    }
    row.image = req.image;
    row.runtime = runtime;
    row.image_id = rec.id;
    row.config = cfg.dump();
    row.created = now_rfc3339_nano();
    row.status = "created";
    // A random name may collide with an existing one: draw again.
    for (int attempt = 0;; attempt++) {
        if (req.name.empty()) {
            TRY_ASSIGN(row.name, random_name());
        }
        auto st = db_.insert(row);
        if (st.ok()) break;
        if (!req.name.empty() || st.error().code() != EEXIST || attempt > 20) return st.error();
    }
    auto made = [&]() -> Status {
        TRY(sys::mkdir_p(paths_.data_dir(row.id), 0700));
        TRY_ASSIGN(auto fd, sys::open_file(paths_.log(row.id), O_WRONLY | O_CREAT, 0640));
        // docker makes a container's volumes with it: `volume ls` shows
        // them before the first start.
        TRY_ASSIGN(auto mounts, collect_mounts(cfg, row.id));
        for (const auto& m : mounts)
            if (m.type == "volume")
                TRY(ensure_volume(paths_, m, recorded_range(cfg["HostConfig"])));
        return {};
    }();
    if (!made.ok()) {
        (void)purge(row.id);
        return std::move(made).error();
    }
    events::emit(paths_, row, "create");
    return row;
}

}  // namespace nook::engine
