// run/create flags, limits group, meta part (flags_limits_parts.h):
// --label/-l, --label-file -> Config.Labels; --env-file -> the request's
// env (before -e, which wins); --pull -> RunRequest::pull.
#include "cli/nook/flags_limits_parts.h"
#include "engine/spec/host_options.h"
#include "sys/file.h"

namespace nook::cli {

namespace {

using json = nlohmann::json;

class MetaFlags : public FlagGroup {
  public:
    explicit MetaFlags(CLI::App& cmd) {
        cmd.add_option("-l,--label", labels_, "Set meta data on a container (key=value)")
            ->allow_extra_args(false);
        cmd.add_option("--label-file", label_files_, "Read in a line delimited file of labels")
            ->allow_extra_args(false);
        cmd.add_option("--env-file", env_files_, "Read in a file of environment variables")
            ->allow_extra_args(false);
        cmd.add_option("--pull", pull_,
                       "Pull image before running: missing (default), always, never");
    }

    Status apply(engine::RunRequest& req) override {
        // docker: files first, then --label; later entries win.
        json labels = json::object();
        for (const auto& f : label_files_) {
            auto text = sys::read_file(f);
            if (!text.ok())
                return bad_flag("--label-file", f, Error(text.error().code(), text.error().what()));
            auto m = engine::opts::parse_label_file_text(*text, f);
            if (!m.ok()) return bad_flag("--label-file", f, m.error());
            for (auto& [k, v] : *m) labels[k] = v;
        }
        for (const auto& l : labels_) {
            auto eq = l.find('=');
            if (eq == 0) return bad_flag("-l, --label", l, invalid_input("empty label name"));
            labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
        }
        if (!labels.empty()) req.config_extra["Labels"] = labels;
        std::vector<std::string> env;
        for (const auto& f : env_files_) {
            auto text = sys::read_file(f);
            if (!text.ok())
                return bad_flag("--env-file", f, Error(text.error().code(), text.error().what()));
            auto e = engine::opts::parse_env_file_text(*text, f);
            if (!e.ok()) return bad_flag("--env-file", f, e.error());
            env.insert(env.end(), e->begin(), e->end());
        }
        req.env.insert(req.env.begin(), env.begin(), env.end());
        if (!pull_.empty()) {
            if (pull_ != "missing" && pull_ != "always" && pull_ != "never")
                return bad_flag(
                    "--pull", pull_,
                    invalid_input("must be one of \"always\", \"missing\" or \"never\""));
            req.pull = pull_;
        }
        return {};
    }

  private:
    std::vector<std::string> labels_, label_files_, env_files_;
    std::string pull_;
};

}  // namespace

std::unique_ptr<FlagGroup> add_meta_part(CLI::App& cmd) {
    return std::make_unique<MetaFlags>(cmd);
}

}  // namespace nook::cli
