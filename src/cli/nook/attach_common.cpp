#include "cli/nook/attach_common.h"

#include "sys/stream_io.h"

namespace nook::cli {

void attach_and_exit(Globals& g, engine::Engine& eng, const std::string& id, int sock,
                     const engine::AttachOptions& o) {
    auto res = engine::attach_session(sock, o);
    if (!res.ok()) return fail(g, res.error());
    if (res->detached) return;
    if (res->exit) {
        g.exit_code = *res->exit;
        return;
    }
    // The monitor went away without an exit: what it recorded, if anything.
    auto now = eng.get(id);
    g.exit_code = now.ok() && now->status == "exited" ? now->exit_code : engine::kExitEngineError;
}

void start_attached(Globals& g, engine::Engine& eng, const std::string& id,
                    const engine::AttachOptions& o) {
    auto pair = sys::stream_pair();
    if (!pair.ok()) return fail(g, pair.error());
    auto started = eng.start(id, std::move(pair->second));
    if (!started.ok())
        return fail_with(g, started.error(), engine::exit_code_for_start_error(started.error()));
    attach_and_exit(g, eng, id, pair->first.get(), o);
}

bool config_flag(const engine::ContainerRow& row, const char* key) {
    auto cfg = nlohmann::json::parse(row.config, nullptr, false);
    if (cfg.is_discarded() || !cfg.contains("Config")) return false;
    return cfg["Config"].value(key, false);
}

}  // namespace nook::cli
