// Fixture for rootfs tests that build a real container root: a busybox rootfs
// in a temp dir, and a runner that sets it up in a forked child inside fresh
// mount+pid namespaces and reports back over a pipe. The host's mountinfo is
// checked after every test: nothing may mention the temp dir.
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include "oci/spec.h"
#include "runtime/rootfs/rootfs.h"

namespace nook::test {

// Inside the child, checks return "" on success or a description of the failure.
#define CHILD_CHECK(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return std::string(#cond) + " failed (line " + std::to_string(__LINE__) + ", errno " + \
                   std::strerror(errno) + ")";                                                     \
    } while (0)

class RootfsTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    // The default runc-like mounts: proc, /dev tmpfs, devpts, shm, mqueue, ro sysfs.
    static std::vector<oci::Mount> default_mounts();
    runtime::rootfs::Options options() const;

    // In a child (pid 1 of a new pid ns, own mount ns, plus extra_unshare
    // flags): run pre() (may be empty), prepare, switch_root, finalize, then
    // checks(). Returns "OK" or the first failure.
    std::string run_container(const std::function<std::string()>& checks,
                              const runtime::rootfs::Options& opts, int extra_unshare = 0,
                              const std::function<std::string()>& pre = {});
    std::string run_container(const std::function<std::string()>& checks) {
        return run_container(checks, options());
    }

    // Same, but the container gets its own user namespace (uid/gid 0 mapped to
    // host root, nothing else), plus new ipc and pid namespaces. privileged()
    // runs first in a private mount ns still owned by the host's user ns, so
    // mounts it makes are locked inside the container.
    std::string run_container_in_userns(const std::function<std::string()>& checks,
                                        const runtime::rootfs::Options& opts,
                                        const std::function<std::string()>& privileged);

    // Lines of the host's /proc/self/mountinfo that mention `needle`.
    static int mountinfo_lines_with(const std::string& needle);

    std::string base_;    // temp dir holding everything
    std::string bundle_;  // base_/bundle
    std::string rootfs_;  // bundle_/rootfs
    oci::Spec spec_;
};

// Run a shell command inside the container (fork + exec /bin/sh -c); exit code.
int run_shell(const std::string& cmd);

}  // namespace nook::test
