#!/usr/bin/env python3
"""Drive `nook` through a real pseudo-terminal for the -t tests.

Usage: ptyrun.py SCENARIO NOOK ROOT RUNROOT [ARGS...]; exits 0 when the
scenario's checks pass, else prints what it saw and exits 1."""
import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios
import time


class Session:
    def __init__(self, argv, rows=24, cols=80):
        pid, fd = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        self.pid, self.fd, self.buf = pid, fd, b""

    def resize(self, rows, cols):
        # The kernel sends SIGWINCH to the terminal's foreground group.
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def send(self, s):
        os.write(self.fd, s.encode() if isinstance(s, str) else s)

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return True
        try:
            d = os.read(self.fd, 4096)
        except OSError:
            d = b""
        self.buf += d
        return bool(d)

    def expect(self, pat, timeout=15):
        end = time.time() + timeout
        while True:
            m = re.search(pat.encode(), self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = end - time.time()
            if left <= 0 or not self._read(left):
                sys.exit(f"FAIL: waiting for {pat!r}; saw {self.buf[-400:]!r}")

    def wait(self, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            p, st = os.waitpid(self.pid, os.WNOHANG)
            if p:
                return os.waitstatus_to_exitcode(st)
            self._read(0.05)
        sys.exit(f"FAIL: no exit; saw {self.buf[-400:]!r}")


def check(cond, what, s=None):
    if not cond:
        sys.exit(f"FAIL: {what}" + (f"; saw {s.buf[-400:]!r}" if s else ""))


PROMPT = r"# $|# \x1b|/ # "


def scenario_it(nook):
    s = Session(nook + ["run", "-it", "--rm", "bb:1", "sh"])
    s.expect(PROMPT)
    s.send("tty; stty size\r")
    s.expect(r"/dev/pts/\d+")
    s.expect(r"24 80")
    s.resize(30, 100)
    time.sleep(0.3)
    s.send("stty size\r")
    s.expect(r"30 100")
    s.send("echo typed-$((40+2))\r")
    s.expect(r"typed-42")
    s.send("exit 5\r")
    check(s.wait() == 5, "run -it: exit code is not 5", s)


def scenario_detach(nook, name):
    s = Session(nook + ["run", "-it", "--name", name, "bb:1", "sh"])
    s.expect(PROMPT)
    s.send("echo before-detach\r")
    s.expect("before-detach")
    s.send(b"\x10\x11")
    s.expect("read escape sequence")
    check(s.wait() == 0, "detach: run did not exit 0", s)


def scenario_attach(nook, name):
    s = Session(nook + ["attach", name])
    time.sleep(0.3)
    s.send("echo again-$((2+2))\r")
    s.expect("again-4")
    s.send("exit 3\r")
    check(s.wait() == 3, "attach: exit code is not 3", s)


def scenario_start_ai(nook, name):
    s = Session(nook + ["start", "-ai", name])
    time.sleep(0.3)
    s.send("tty && echo started-$((3+4))\r")
    s.expect(r"/dev/pts/\d+")
    s.expect("started-7")
    s.send("exit 4\r")
    check(s.wait() == 4, "start -ai: exit code is not 4", s)


def scenario_exec_it(nook, name):
    s = Session(nook + ["exec", "-it", name, "sh"])
    s.expect(PROMPT)
    s.send("tty; stty size; echo exec-$((5+5))\r")
    s.expect(r"/dev/pts/\d+")
    s.expect(r"24 80")
    s.expect("exec-10")
    s.send("exit 6\r")
    check(s.wait() == 6, "exec -it: exit code is not 6", s)


if __name__ == "__main__":
    scen, binary, root, runroot = sys.argv[1:5]
    nook = [binary, "--root", root, "--runroot", runroot]
    globals()["scenario_" + scen](nook, *sys.argv[5:])
