// The gtest fixture every integration test uses: one bundle and one private
// runtime root per test, both torn down (containers force-deleted) at the end.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace itest {

class RuntimeTest : public ::testing::Test {
  protected:
    Bundle bundle;
    Runtime rt;

    // `run` a fresh container whose process is `args`; returns the runtime's result.
    CmdResult run(const std::vector<std::string>& args, CmdOptions opts = {},
                  const std::vector<std::string>& flags = {}) {
        bundle.set_args(args);
        bundle.write_config();
        std::vector<std::string> v = {"run", "--bundle", bundle.dir()};
        v.insert(v.end(), flags.begin(), flags.end());
        v.push_back(rt.new_id());
        return rt(v, opts);
    }

    // `run` expecting success; returns the container's stdout.
    std::string run_ok(const std::vector<std::string>& args) {
        CmdResult r = run(args);
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return r.out;
    }

    // Where the stdout of containers started by create() goes (they outlive
    // the runtime process, so a pipe would never see EOF).
    std::string out_file() const { return bundle.dir() + "/container.out"; }

    // `create` with the current config; returns the id, or "" after recording a failure.
    std::string create(const std::vector<std::string>& args,
                       const std::vector<std::string>& flags = {}) {
        bundle.set_args(args);
        bundle.write_config();
        std::string id = rt.new_id();
        std::vector<std::string> v = {"create", "--bundle", bundle.dir()};
        v.insert(v.end(), flags.begin(), flags.end());
        v.push_back(id);
        CmdOptions o;
        o.stdout_file = out_file();
        CmdResult r = rt(v, o);
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        if (r.exit_code != 0) return "";
        // A created container has a state and a live, waiting process.
        Json s = rt.state(id);
        EXPECT_EQ(s.is_object() ? s.value("status", "") : "<no state>", "created");
        EXPECT_GT(s.is_object() ? s.value("pid", 0) : 0, 0) << "no pid in state";
        return s.is_object() && s.value("pid", 0) > 0 ? id : "";
    }

    // create + start a long-running probe that reports signals; returns the id.
    std::string start_sleeper(const std::vector<std::string>& flags = {}) {
        std::string id = create({"/probe", "sleep", "60"}, flags);
        if (id.empty()) return id;
        CmdResult r = rt({"start", id});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        std::string status = rt.wait_status(id, "running");
        EXPECT_EQ(status, "running");
        return status == "running" ? id : "";
    }

    int state_pid(const std::string& id) {
        Json s = rt.state(id);
        return s.is_object() && s.contains("pid") ? s["pid"].get<int>() : 0;
    }

    // Asserts nothing of the container is left: state, mounts, processes, cgroups.
    void expect_clean(const std::string& id) {
        EXPECT_TRUE(rt.state_entries().empty())
            << "state root " << rt.root() << " still holds " << rt.state_entries().front();
        EXPECT_EQ(leftover_mounts(bundle.dir()), "");
        EXPECT_TRUE(wait_until([&] { return leftover_processes(bundle.rootfs()).empty(); }, 3s))
            << leftover_processes(bundle.rootfs());
        if (!id.empty()) {
            EXPECT_EQ(leftover_cgroups(id), "");
        }
    }
};

}  // namespace itest
