// probe: a tiny static binary run inside containers by the integration tests.
// Each subcommand reports one thing the process can observe about its own
// environment, as `key=value` lines (or a single value), and exits 0 when the
// observation itself succeeded. It is C with no dependencies so it can be
// linked -static and dropped into any rootfs as /probe.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

// Prints a whole file to stdout; returns 0 or an errno.
static int cat_file(const char* path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
    int err = n < 0 ? errno : 0;
    close(fd);
    return err;
}

static int fail(const char* what) {
    fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
    return 1;
}

static int cmd_ids(void) {
    gid_t groups[256];
    int n = getgroups(256, groups);
    if (n < 0) return fail("getgroups");
    printf("uid=%u\ngid=%u\neuid=%u\negid=%u\ngroups=", getuid(), getgid(), geteuid(), getegid());
    for (int i = 0; i < n; i++) printf("%s%u", i ? "," : "", groups[i]);
    printf("\n");
    return 0;
}

// Copies the lines of /proc/self/status whose key starts with one of `keys`.
static int status_fields(const char* const* keys) {
    FILE* f = fopen("/proc/self/status", "re");
    if (!f) return fail("/proc/self/status");
    char line[512];
    while (fgets(line, sizeof line, f)) {
        for (const char* const* k = keys; *k; k++) {
            size_t len = strlen(*k);
            if (strncmp(line, *k, len) == 0 && line[len] == ':') {
                char* v = line + len + 1;
                while (*v == ' ' || *v == '\t') v++;
                printf("%s=%s", *k, v);
            }
        }
    }
    fclose(f);
    return 0;
}

static int cmd_links(void) {
    struct if_nameindex* list = if_nameindex();
    if (!list) return fail("if_nameindex");
    for (struct if_nameindex* i = list; i->if_index; i++) printf("%s\n", i->if_name);
    if_freenameindex(list);
    return 0;
}

// mountinfo fields: id parent maj:min root mountpoint options [optional...] - fstype source
// superopts
static int cmd_mounts(void) {
    FILE* f = fopen("/proc/self/mountinfo", "re");
    if (!f) return fail("/proc/self/mountinfo");
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char* fields[64];
        int n = 0;
        for (char* tok = strtok(line, " \n"); tok && n < 64; tok = strtok(NULL, " \n"))
            fields[n++] = tok;
        int sep = -1;
        for (int i = 6; i < n; i++)
            if (strcmp(fields[i], "-") == 0) {
                sep = i;
                break;
            }
        if (sep < 0 || sep + 3 >= n) continue;
        printf("%s %s %s,%s\n", fields[4], fields[sep + 1], fields[5], fields[sep + 3]);
    }
    fclose(f);
    return 0;
}

static int cmd_maps(void) {
    printf("uid_map:\n");
    int e1 = cat_file("/proc/self/uid_map");
    printf("gid_map:\n");
    int e2 = cat_file("/proc/self/gid_map");
    return (e1 || e2) ? 1 : 0;
}

// Tries one named syscall and prints "ok" or "errno=N"; the tests configure
// seccomp to deny one of these with a chosen errno.
static int cmd_syscall(const char* name) {
    char buf[4096];
    long r;
    if (strcmp(name, "getcwd") == 0) {
        r = getcwd(buf, sizeof buf) ? 0 : -1;
    } else if (strcmp(name, "uname") == 0) {
        struct utsname u;
        r = uname(&u);
    } else if (strcmp(name, "mkdir") == 0) {
        r = mkdir("/tmp/.probe-mkdir", 0700);
        if (r == 0) rmdir("/tmp/.probe-mkdir");
    } else if (strcmp(name, "personality") == 0) {
        r = personality(0xffffffff);
    } else if (strcmp(name, "chroot") == 0) {
        r = chroot("/");
    } else if (strcmp(name, "getpid") == 0) {
        r = getpid();
    } else {
        fprintf(stderr, "probe: unknown syscall %s\n", name);
        return 2;
    }
    if (r < 0)
        printf("errno=%d\n", errno);
    else
        printf("ok\n");
    return 0;
}

static int cmd_read(const char* path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        printf("errno=%d\n", errno);
        return 0;
    }
    char buf[4096];
    ssize_t n;
    long total = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0 && total < (1 << 20)) total += n;
    int err = n < 0 ? errno : 0;
    close(fd);
    if (err)
        printf("errno=%d\n", err);
    else
        printf("ok bytes=%ld\n", total);
    return 0;
}

static int cmd_write(const char* path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        printf("errno=%d\n", errno);
        return 0;
    }
    ssize_t n = write(fd, "probe\n", 6);
    int err = n < 0 ? errno : 0;
    if (close(fd) < 0 && !err) err = errno;
    if (err)
        printf("errno=%d\n", err);
    else
        printf("ok\n");
    return 0;
}

static const struct {
    const char* name;
    int resource;
} kRlimits[] = {
    {"NOFILE", RLIMIT_NOFILE}, {"NPROC", RLIMIT_NPROC},     {"CORE", RLIMIT_CORE},
    {"STACK", RLIMIT_STACK},   {"AS", RLIMIT_AS},           {"CPU", RLIMIT_CPU},
    {"FSIZE", RLIMIT_FSIZE},   {"MEMLOCK", RLIMIT_MEMLOCK}, {"MSGQUEUE", RLIMIT_MSGQUEUE},
};

static void print_limit(const char* key, rlim_t v) {
    if (v == RLIM_INFINITY)
        printf("%s=unlimited\n", key);
    else
        printf("%s=%llu\n", key, (unsigned long long)v);
}

static int cmd_rlimit(const char* name) {
    if (strncmp(name, "RLIMIT_", 7) == 0) name += 7;
    for (size_t i = 0; i < sizeof kRlimits / sizeof kRlimits[0]; i++) {
        if (strcmp(kRlimits[i].name, name) != 0) continue;
        struct rlimit rl;
        if (getrlimit(kRlimits[i].resource, &rl) < 0) return fail("getrlimit");
        print_limit("soft", rl.rlim_cur);
        print_limit("hard", rl.rlim_max);
        return 0;
    }
    fprintf(stderr, "probe: unknown rlimit %s\n", name);
    return 2;
}

// Lists open fds, leaving out the one opendir itself uses.
static int cmd_fds(void) {
    DIR* d = opendir("/proc/self/fd");
    if (!d) return fail("/proc/self/fd");
    int self = dirfd(d);
    int fds[1024], n = 0;
    struct dirent* e;
    while ((e = readdir(d)) && n < 1024) {
        if (e->d_name[0] == '.') continue;
        int fd = atoi(e->d_name);
        if (fd != self) fds[n++] = fd;
    }
    closedir(d);
    // readdir order is not numeric; sort so tests can compare strings.
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
            int t = fds[j];
            fds[j] = fds[j - 1];
            fds[j - 1] = t;
        }
    for (int i = 0; i < n; i++) printf("%s%d", i ? "," : "", fds[i]);
    printf("\n");
    return 0;
}

static int cmd_tty(void) {
    for (int fd = 0; fd <= 2; fd++) printf("isatty%d=%d\n", fd, isatty(fd));
    struct winsize ws;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0)
        printf("rows=%u\ncols=%u\n", ws.ws_row, ws.ws_col);
    else
        printf("winsize_errno=%d\n", errno);
    return 0;
}

static volatile sig_atomic_t g_signal;
static void on_signal(int sig) {
    g_signal = sig;
}

// Sleeps, but reports and exits on any catchable signal: PID 1 of a pid
// namespace ignores signals it has no handler for, so `kill` tests need one.
static int cmd_sleep(const char* secs) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD) sigaction(s, &sa, NULL);
    printf("sleeping\n");
    fflush(stdout);
    time_t end = time(NULL) + atol(secs);
    while (!g_signal && time(NULL) < end) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (g_signal) {
        printf("signal=%d\n", (int)g_signal);
        fflush(stdout);
        return 128 + g_signal;
    }
    return 0;
}

static int cmd_sysctl(const char* key) {
    char path[512] = "/proc/sys/";
    size_t off = strlen(path);
    for (const char* k = key; *k && off + 1 < sizeof path; k++) path[off++] = *k == '.' ? '/' : *k;
    path[off] = 0;
    int err = cat_file(path);
    if (err) {
        printf("errno=%d\n", err);
        return 1;
    }
    return 0;
}

static int cmd_stat(const char* path) {
    struct stat st;
    if (lstat(path, &st) < 0) {
        printf("errno=%d\n", errno);
        return 1;
    }
    const char* type = S_ISREG(st.st_mode)    ? "file"
                       : S_ISDIR(st.st_mode)  ? "dir"
                       : S_ISCHR(st.st_mode)  ? "char"
                       : S_ISBLK(st.st_mode)  ? "block"
                       : S_ISLNK(st.st_mode)  ? "symlink"
                       : S_ISFIFO(st.st_mode) ? "fifo"
                       : S_ISSOCK(st.st_mode) ? "socket"
                                              : "unknown";
    printf("type=%s\nmode=%04o\nuid=%u\ngid=%u\nrdev=%u:%u\n", type, st.st_mode & 07777, st.st_uid,
           st.st_gid, major(st.st_rdev), minor(st.st_rdev));
    return 0;
}

static int usage(void) {
    fprintf(stderr,
            "usage: probe pid|hostname|domainname|ids|caps|links|mounts|maps|nnp|umask|cwd|env|fds|"
            "tty|seccomp|oom|cgroup | syscall NAME | read PATH | write PATH | rlimit NAME | exit N "
            "| sleep SECS | sysctl KEY | stat PATH\n");
    return 2;
}

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const char* cmd = argv[1];
    const char* arg = argc > 2 ? argv[2] : NULL;
    int rc = 0;
    if (strcmp(cmd, "pid") == 0) {
        printf("%d\n", getpid());
    } else if (strcmp(cmd, "hostname") == 0 || strcmp(cmd, "domainname") == 0) {
        struct utsname u;
        if (uname(&u) < 0) return fail("uname");
        printf("%s\n", cmd[0] == 'h' ? u.nodename : u.domainname);
    } else if (strcmp(cmd, "ids") == 0) {
        rc = cmd_ids();
    } else if (strcmp(cmd, "caps") == 0) {
        static const char* const keys[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", NULL};
        rc = status_fields(keys);
    } else if (strcmp(cmd, "seccomp") == 0) {
        static const char* const keys[] = {"Seccomp", NULL};
        rc = status_fields(keys);
    } else if (strcmp(cmd, "links") == 0) {
        rc = cmd_links();
    } else if (strcmp(cmd, "mounts") == 0) {
        rc = cmd_mounts();
    } else if (strcmp(cmd, "maps") == 0) {
        rc = cmd_maps();
    } else if (strcmp(cmd, "nnp") == 0) {
        printf("%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    } else if (strcmp(cmd, "umask") == 0) {
        mode_t m = umask(0);
        umask(m);
        printf("%04o\n", m);
    } else if (strcmp(cmd, "cwd") == 0) {
        char buf[4096];
        if (!getcwd(buf, sizeof buf)) return fail("getcwd");
        printf("%s\n", buf);
    } else if (strcmp(cmd, "env") == 0) {
        for (char** e = environ; *e; e++) printf("%s\n", *e);
    } else if (strcmp(cmd, "fds") == 0) {
        rc = cmd_fds();
    } else if (strcmp(cmd, "tty") == 0) {
        rc = cmd_tty();
    } else if (strcmp(cmd, "oom") == 0) {
        rc = cat_file("/proc/self/oom_score_adj") ? 1 : 0;
    } else if (strcmp(cmd, "cgroup") == 0) {
        rc = cat_file("/proc/self/cgroup") ? 1 : 0;
    } else if (!arg) {
        return usage();
    } else if (strcmp(cmd, "syscall") == 0) {
        rc = cmd_syscall(arg);
    } else if (strcmp(cmd, "read") == 0) {
        rc = cmd_read(arg);
    } else if (strcmp(cmd, "write") == 0) {
        rc = cmd_write(arg);
    } else if (strcmp(cmd, "rlimit") == 0) {
        rc = cmd_rlimit(arg);
    } else if (strcmp(cmd, "exit") == 0) {
        return atoi(arg);
    } else if (strcmp(cmd, "sleep") == 0) {
        rc = cmd_sleep(arg);
    } else if (strcmp(cmd, "sysctl") == 0) {
        rc = cmd_sysctl(arg);
    } else if (strcmp(cmd, "stat") == 0) {
        rc = cmd_stat(arg);
    } else {
        return usage();
    }
    fflush(stdout);
    return rc;
}
