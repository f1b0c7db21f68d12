// Shared fixture for cgroup tests: a test-unique cgroup on every hierarchy,
// children that wait for "go" until they have been moved into it, and
// cleanup that leaves nothing behind.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "base/owned_pid.h"
#include "runtime/cgroups/manager.h"
#include "sys/file.h"

namespace nook::runtime::cgroups::testing {

inline std::string test_name() {
    auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->test_suite_name()) + "-" + info->name();
}

// A forked child that blocks until release(), then runs fn and _exits with its result.
class Child {
  public:
    explicit Child(std::function<int()> fn) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) return;
        pid_t pid = ::fork();
        if (pid == 0) {
            ::close(p[1]);
            char c;
            if (::read(p[0], &c, 1) != 1) ::_exit(120);
            ::_exit(fn());
        }
        ::close(p[0]);
        go_ = p[1];
        pid_ = OwnedPid(pid);
    }
    ~Child() {
        if (go_ >= 0) ::close(go_);
    }
    pid_t pid() const { return pid_.get(); }
    void release() {
        char c = 'g';
        ASSERT_EQ(::write(go_, &c, 1), 1);
        ::close(go_);
        go_ = -1;
    }
    int wait() { return pid_.wait(); }

  private:
    OwnedPid pid_;
    int go_ = -1;
};

class CgroupTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
        auto layout = detect_layout();
        ASSERT_TRUE(layout.ok()) << layout.error().what();
        layout_ = *layout;
        parent_ = "/nook-test-" + std::to_string(::getpid());
        auto m = make_manager(parent_ + "/" + test_name(), "unused");
        ASSERT_TRUE(m.ok()) << m.error().what();
        mgr_ = std::move(*m);
        auto st = mgr_->create();
        ASSERT_TRUE(st.ok()) << st.error().what();
    }
    void TearDown() override {
        if (!mgr_) return;
        auto k = mgr_->kill_all(SIGKILL);
        EXPECT_TRUE(k.ok()) << k.error().what();
        auto st = mgr_->destroy();
        EXPECT_TRUE(st.ok()) << st.error().what();
        for (auto& [ctrl, dir] : mgr_->paths()) EXPECT_FALSE(sys::path_exists(dir)) << dir;
        // The per-process parent dir, on every hierarchy.
        auto parent = make_manager(parent_, "unused");
        ASSERT_TRUE(parent.ok());
        auto pst = (*parent)->destroy();
        EXPECT_TRUE(pst.ok()) << pst.error().what();
        for (auto& [ctrl, dir] : (*parent)->paths()) EXPECT_FALSE(sys::path_exists(dir)) << dir;
    }
    bool v2() const { return layout_ == Layout::v2; }
    // The dir holding a controller's files on this layout.
    std::string dir(const std::string& v1_ctrl) const {
        auto p = mgr_->paths();
        return v2() ? p.at("unified") : p.at(v1_ctrl);
    }
    std::string knob(const std::string& v1_ctrl, const std::string& v1_file,
                     const std::string& v2_file) const {
        auto s = sys::read_file(dir(v1_ctrl) + "/" + (v2() ? v2_file : v1_file));
        if (!s.ok()) return "<" + s.error().what() + ">";
        std::string v = *s;
        while (!v.empty() && v.back() == '\n') v.pop_back();
        return v;
    }
    void join(Child& c) {
        auto st = mgr_->add_process(c.pid());
        ASSERT_TRUE(st.ok()) << st.error().what();
        c.release();
    }
    void apply(const oci::Resources& r) {
        auto st = mgr_->apply(r);
        ASSERT_TRUE(st.ok()) << st.error().what();
    }

    Layout layout_ = Layout::v1;
    std::string parent_;
    std::unique_ptr<Manager> mgr_;
};

}  // namespace nook::runtime::cgroups::testing
