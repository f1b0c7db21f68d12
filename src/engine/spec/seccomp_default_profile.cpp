// nook's default seccomp profile, in docker's profile format (see
// seccomp_default.h). Our own allow-list; the comments inside say why each
// gated group needs its capability.
namespace nook::engine {

extern const char* const kDefaultSeccompProfile;
const char* const kDefaultSeccompProfile = R"JSON(
{
 "comment": "nook's default seccomp profile. Not listed, so denied with EPERM: keyrings (add_key, keyctl, request_key), io_uring, obsolete and kernel-debugging calls.",
 "defaultAction": "SCMP_ACT_ERRNO",
 "defaultErrnoRet": 1,
 "archMap": [
  {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
  {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
  {"architecture": "SCMP_ARCH_PPC64LE", "subArchitectures": []},
  {"architecture": "SCMP_ARCH_S390X", "subArchitectures": ["SCMP_ARCH_S390"]},
  {"architecture": "SCMP_ARCH_RISCV64", "subArchitectures": []}
 ],
 "syscalls": [
  {
   "comment": "the ordinary syscall set: files, memory, signals, sockets, time, IPC, ptrace",
   "names": [
    "_llseek", "_newselect", "accept", "accept4", "access", "alarm", "bind", "brk", "capget",
    "capset", "chdir", "chmod", "chown", "chown32", "clock_getres", "clock_getres_time64",
    "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close",
    "close_range", "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create",
    "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait",
    "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group",
    "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate", "fanotify_mark",
    "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl",
    "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
    "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
    "ftruncate64", "futex", "futex_time64", "futex_waitv", "futimesat", "get_mempolicy",
    "get_robust_list", "get_thread_area", "getcpu", "getcwd", "getdents", "getdents64",
    "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
    "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid",
    "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32",
    "getrlimit", "getrusage", "getsid", "getsockname", "getsockopt", "gettid", "gettimeofday",
    "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
    "inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents", "io_pgetevents",
    "io_pgetevents_time64", "io_setup", "io_submit", "ioctl", "ioprio_get", "ioprio_set", "ipc",
    "kill", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown",
    "lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr", "llistxattr",
    "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "mbind", "membarrier",
    "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock",
    "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
    "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
    "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
    "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "open", "openat",
    "openat2", "pause", "pidfd_getfd", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2",
    "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl",
    "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease", "process_vm_readv",
    "process_vm_writev", "pselect6", "pselect6_time64", "ptrace", "pwrite64", "pwritev",
    "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom",
    "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename",
    "renameat", "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction",
    "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
    "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_get_priority_max",
    "sched_get_priority_min", "sched_getaffinity", "sched_getattr", "sched_getparam",
    "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
    "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield",
    "seccomp", "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send",
    "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "set_mempolicy",
    "set_mempolicy_home_node", "set_robust_list", "set_thread_area", "set_tid_address",
    "setdomainname", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
    "setgroups", "setgroups32", "sethostname", "setitimer", "setpgid", "setpriority",
    "setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32",
    "setreuid", "setreuid32", "setrlimit", "setsid", "setsockopt", "setuid", "setuid32",
    "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd",
    "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat",
    "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
    "sync_file_range2", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create",
    "timer_delete", "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
    "timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
    "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
    "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat",
    "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write",
    "writev"],
   "action": "SCMP_ACT_ALLOW"
  },
  {
   "comment": "every address family but AF_VSOCK (40), which reaches the host",
   "names": ["socket"],
   "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 40, "valueTwo": 0, "op": "SCMP_CMP_NE"}]
  },
  {
   "comment": "only PER_LINUX, PER_LINUX32, UNAME26 and the query",
   "names": ["personality"],
   "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 0, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]
  },
  {
   "comment": "only PER_LINUX, PER_LINUX32, UNAME26 and the query",
   "names": ["personality"],
   "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]
  },
  {
   "comment": "only PER_LINUX, PER_LINUX32, UNAME26 and the query",
   "names": ["personality"],
   "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 131072, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]
  },
  {
   "comment": "only PER_LINUX, PER_LINUX32, UNAME26 and the query",
   "names": ["personality"],
   "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 131080, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]
  },
  {
   "comment": "only PER_LINUX, PER_LINUX32, UNAME26 and the query",
   "names": ["personality"],
   "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 4294967295, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]
  },
  {
   "comment": "x86 only",
   "names": ["arch_prctl", "modify_ldt"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"arches": ["amd64", "386"]}
  },
  {
   "comment": "arm only",
   "names": ["arm_fadvise64_64", "arm_sync_file_range", "breakpoint", "cacheflush", "set_tls"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"arches": ["arm", "arm64"]}
  },
  {
   "names": ["riscv_flush_icache"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"arches": ["riscv64"]}
  },
  {
   "names": ["s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"arches": ["s390x"]}
  },
  {
   "comment": "threads and processes, but no new namespaces without CAP_SYS_ADMIN",
   "names": ["clone"],
   "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
   "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390x"]}
  },
  {
   "comment": "s390 passes the flags second",
   "names": ["clone"],
   "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 1, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
   "includes": {"arches": ["s390x"]},
   "excludes": {"caps": ["CAP_SYS_ADMIN"]}
  },
  {
   "comment": "its flags are behind a pointer, so it cannot be filtered: ENOSYS makes libc fall back to clone",
   "names": ["clone3"],
   "action": "SCMP_ACT_ERRNO",
   "errnoRet": 38,
   "excludes": {"caps": ["CAP_SYS_ADMIN"]}
  },
  {
   "comment": "namespaces, mounts, BPF, perf and other system administration",
   "names": [
    "clone", "clone3", "unshare", "setns", "mount", "umount", "umount2", "pivot_root", "fsopen",
    "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr", "quotactl",
    "quotactl_fd", "swapon", "swapoff", "bpf", "perf_event_open", "fanotify_init",
    "lookup_dcookie", "vm86", "vm86old"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_ADMIN"]}
  },
  {
   "comment": "allowed with CAP_SYS_BOOT",
   "names": ["reboot", "kexec_load", "kexec_file_load"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_BOOT"]}
  },
  {
   "comment": "kernel modules",
   "names": ["init_module", "finit_module", "delete_module"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_MODULE"]}
  },
  {
   "comment": "setting the clock",
   "names": [
    "settimeofday", "stime", "clock_settime", "clock_settime64", "adjtimex", "clock_adjtime",
    "clock_adjtime64"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_TIME"]}
  },
  {
   "comment": "allowed with CAP_SYS_PTRACE",
   "names": ["kcmp", "userfaultfd"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_PTRACE"]}
  },
  {
   "comment": "allowed with CAP_SYS_RAWIO",
   "names": ["iopl", "ioperm"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_RAWIO"]}
  },
  {
   "comment": "allowed with CAP_SYS_PACCT",
   "names": ["acct"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_PACCT"]}
  },
  {
   "comment": "allowed with CAP_SYS_NICE",
   "names": ["move_pages", "migrate_pages"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_NICE"]}
  },
  {
   "comment": "allowed with CAP_SYS_TTY_CONFIG",
   "names": ["vhangup"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_TTY_CONFIG"]}
  },
  {
   "comment": "allowed with CAP_SYS_CHROOT",
   "names": ["chroot"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_CHROOT"]}
  },
  {
   "comment": "allowed with CAP_SYSLOG",
   "names": ["syslog"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYSLOG"]}
  },
  {
   "comment": "allowed with CAP_DAC_READ_SEARCH",
   "names": ["open_by_handle_at"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_DAC_READ_SEARCH"]}
  },
  {
   "comment": "allowed with CAP_BPF",
   "names": ["bpf"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_BPF"]}
  },
  {
   "comment": "allowed with CAP_PERFMON",
   "names": ["perf_event_open"],
   "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_PERFMON"]}
  }
 ]
}
)JSON";

}  // namespace nook::engine
