// seccomp user notification (linux.seccomp.listenerPath): the runtime sends
// the filter's notify fd with the containerProcessState to the listener
// socket (SCM_RIGHTS); the listener then answers the container's syscalls.
// The listener here is a thread of the test: it takes the fd and the state,
// and fails every notified mkdir with EXDEV so the probe can see who answered.
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "fixture.h"

namespace itest {
namespace {

class SeccompNotify : public RuntimeTest {
  protected:
    void SetUp() override {
        sock_path = bundle.dir() + "/seccomp.sock";
        listen_fd = listen_unix(sock_path);
        ASSERT_GE(listen_fd, 0) << sock_path;
    }
    void TearDown() override {
        stop = true;
        if (agent.joinable()) agent.join();
        if (listen_fd >= 0) close(listen_fd);
    }

    // The agent: accept one connection, take the fd and the state, then
    // answer notifications until told to stop or every filter user is gone.
    void start_agent() {
        agent = std::thread([this] {
            pollfd p{listen_fd, POLLIN, 0};
            for (int i = 0; i < 200 && !stop; ++i)
                if (poll(&p, 1, 50) == 1) break;
            if (!(p.revents & POLLIN)) return;
            int conn = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (conn < 0) return;
            char data[8192] = {};
            iovec iov{data, sizeof data - 1};
            alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            int fd = -1;
            pollfd pc{conn, POLLIN, 0};
            for (int i = 0; i < 200 && !stop; ++i)
                if (poll(&pc, 1, 50) == 1) break;
            ssize_t n = (pc.revents & POLLIN) ? recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) : -1;
            if (n > 0) {
                state_text.assign(data, static_cast<size_t>(n));
                cmsghdr* c = CMSG_FIRSTHDR(&msg);
                if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                    fd_count = static_cast<int>((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
                }
            }
            close(conn);
            if (fd < 0) return;
            got_fd = true;
            serve(fd);
            close(fd);
        });
    }

    void serve(int fd) {
        seccomp_notif_sizes sizes{};
        if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) return;
        std::vector<char> req_buf(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
        std::vector<char> resp_buf(
            std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
        while (!stop) {
            pollfd p{fd, POLLIN, 0};
            int r = poll(&p, 1, 50);
            if (r < 0 || (p.revents & (POLLHUP | POLLERR))) return;
            if (r == 0) continue;
            std::fill(req_buf.begin(), req_buf.end(), 0);
            auto* req = reinterpret_cast<seccomp_notif*>(req_buf.data());
            if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) continue;
            std::fill(resp_buf.begin(), resp_buf.end(), 0);
            auto* resp = reinterpret_cast<seccomp_notif_resp*>(resp_buf.data());
            resp->id = req->id;
            resp->error = -EXDEV;
            if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) == 0) ++answered;
        }
    }

    std::string sock_path;
    int listen_fd = -1;
    std::thread agent;
    std::atomic<bool> stop{false};
    std::atomic<bool> got_fd{false};
    std::atomic<int> answered{0};
    int fd_count = 0;
    std::string state_text;  // written by the agent before got_fd
};

TEST_F(SeccompNotify, ListenerGetsFdAndStateAndAnswersSyscalls) {
    bundle.config()["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"listenerPath", sock_path},
        {"listenerMetadata", "agent-metadata-1"},
        {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
    bundle.config()["annotations"] = {{"org.example.key", "value"}};
    start_agent();
    CmdResult r = run({"/probe", "syscall", "mkdir"});
    stop = true;
    agent.join();
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    ASSERT_TRUE(got_fd) << "the listener received no fd; state: " << state_text;
    EXPECT_EQ(fd_count, 1);
    // The agent answered the probe's mkdir.
    EXPECT_EQ(trim(r.out), "errno=" + std::to_string(EXDEV)) << r.describe();
    EXPECT_GE(answered.load(), 1);

    Json st = Json::parse(state_text, nullptr, false);
    ASSERT_TRUE(st.is_object()) << "not JSON: " << state_text;
    EXPECT_FALSE(st.value("ociVersion", "").empty()) << state_text;
    EXPECT_EQ(st["fds"], Json::array({"seccompFd"})) << state_text;
    EXPECT_GT(st.value("pid", 0), 0) << state_text;
    EXPECT_EQ(st.value("metadata", ""), "agent-metadata-1") << state_text;
    ASSERT_TRUE(st["state"].is_object()) << state_text;
    EXPECT_FALSE(st["state"].value("id", "").empty()) << state_text;
    EXPECT_EQ(st["state"].value("bundle", ""), bundle.dir()) << state_text;
    EXPECT_EQ(st["state"].value("pid", 0), st.value("pid", -1)) << state_text;
    EXPECT_EQ(st["state"]["annotations"].value("org.example.key", ""), "value") << state_text;
}

TEST_F(SeccompNotify, NotifyWithoutListenerPathIsRefused) {
    bundle.config()["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", {{{"names", {"mkdir"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
    CmdResult r = run({"/probe", "syscall", "mkdir"});
    EXPECT_NE(r.exit_code, 0) << r.describe();
    if (is_nook()) {
        EXPECT_NE(r.err.find("listenerPath"), std::string::npos) << r.err;
    }
}

TEST_F(SeccompNotify, FeaturesListNotify) {
    CmdResult r = rt({"features"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    Json f = Json::parse(r.out, nullptr, false);
    ASSERT_TRUE(f.is_object()) << r.out;
    const Json& actions = f["linux"]["seccomp"]["actions"];
    EXPECT_NE(std::find(actions.begin(), actions.end(), "SCMP_ACT_NOTIFY"), actions.end())
        << actions.dump();
}

}  // namespace
}  // namespace itest
