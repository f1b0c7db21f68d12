// process.terminal with --console-socket: the runtime sends the pty master
// over a unix socket (SCM_RIGHTS) and the container's stdio is the pty.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "fixture.h"

namespace itest {
namespace {

class Console : public RuntimeTest {
  protected:
    void SetUp() override {
        sock_path = bundle.dir() + "/console.sock";
        listen_fd = listen_unix(sock_path);
        ASSERT_GE(listen_fd, 0) << sock_path;
    }
    void TearDown() override {
        if (master >= 0) close(master);
        if (listen_fd >= 0) close(listen_fd);
    }

    // Accepts the runtime's connection and takes the fd it sends; -1 on failure.
    int receive_master() {
        pollfd p{listen_fd, POLLIN, 0};
        if (poll(&p, 1, 5000) != 1) return -1;
        int conn = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (conn < 0) return -1;
        char data[256];
        iovec iov{data, sizeof data};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        int fd = -1;
        if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) >= 0) {
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
        }
        close(conn);
        return fd;
    }

    // Reads the pty until the slave side is gone (EIO) or the timeout passes.
    static std::string read_pty(int fd, std::chrono::milliseconds timeout) {
        std::string out;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            char buf[1024];
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<size_t>(n));
        }
        return out;
    }

    std::string sock_path;
    int listen_fd = -1;
    int master = -1;
};

TEST_F(Console, PtyMasterArrivesAndIsTheContainersStdio) {
    bundle.config()["process"]["terminal"] = true;
    bundle.config()["process"]["consoleSize"] = {{"height", 33}, {"width", 111}};
    std::string id = create({"/probe", "tty"}, {"--console-socket", sock_path});
    ASSERT_FALSE(id.empty());
    master = receive_master();
    ASSERT_GE(master, 0) << "no fd received on the console socket";
    EXPECT_TRUE(isatty(master)) << "received fd is not a terminal";
    ASSERT_EQ(rt({"start", id}).exit_code, 0);
    std::string out = read_pty(master, 5s);
    EXPECT_EQ(kv(out, "isatty0"), "1") << out;
    EXPECT_EQ(kv(out, "isatty1"), "1") << out;
    EXPECT_EQ(kv(out, "isatty2"), "1") << out;
    EXPECT_EQ(kv(out, "rows"), "33") << out;
    EXPECT_EQ(kv(out, "cols"), "111") << out;
}

// As runc: the init's pty is bind-mounted onto /dev/console (#11).
TEST_F(Console, DevConsoleIsThePty) {
    bundle.config()["process"]["terminal"] = true;
    std::string id = create({"/bin/sh", "-c",
                             "/probe stat /dev/console; echo ---; "
                             "/probe stat $(readlink /proc/self/fd/0)"},
                            {"--console-socket", sock_path});
    ASSERT_FALSE(id.empty());
    master = receive_master();
    ASSERT_GE(master, 0) << "no fd received on the console socket";
    ASSERT_EQ(rt({"start", id}).exit_code, 0);
    std::string out = read_pty(master, 5s);
    auto sep = out.find("---");
    ASSERT_NE(sep, std::string::npos) << out;
    std::string console = out.substr(0, sep), stdin_pty = out.substr(sep);
    EXPECT_EQ(kv(console, "type"), "char") << out;
    EXPECT_TRUE(kv(console, "rdev").starts_with("136:")) << out;
    EXPECT_EQ(kv(console, "rdev"), kv(stdin_pty, "rdev")) << out;
}

TEST_F(Console, ExecWithTerminal) {
    bundle.config()["process"]["terminal"] = false;
    std::string id = start_sleeper();
    ASSERT_FALSE(id.empty());
    CmdOptions o;
    o.stdout_file = bundle.dir() + "/exec.out";
    CmdResult r = rt({"exec", "-t", "-d", "--console-socket", sock_path, id, "/probe", "tty"}, o);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    master = receive_master();
    ASSERT_GE(master, 0) << "no fd received on the console socket";
    std::string out = read_pty(master, 5s);
    EXPECT_EQ(kv(out, "isatty0"), "1") << out;
    EXPECT_EQ(kv(out, "isatty1"), "1") << out;
}

TEST_F(Console, NoTerminalMeansNoTty) {
    EXPECT_EQ(kv(run_ok({"/probe", "tty"}), "isatty1"), "0");
}

}  // namespace
}  // namespace itest
