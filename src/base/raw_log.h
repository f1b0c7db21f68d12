// A logger for code that runs after clone(): it neither allocates nor takes a
// lock. It formats into a stack buffer and issues one write(2). Supports only
// the few conversions such code needs.
#pragma once

namespace nook::rawlog {

// Where raw messages go (default: stderr). Set once before cloning.
void set_fd(int fd);
int fd();

// Append helpers into a caller-owned fixed buffer; always NUL-terminated.
struct Buf {
    char data[512];
    unsigned len = 0;
    Buf& str(const char* s);
    Buf& num(long long v);
    Buf& err(int errnum);  // ": strerror(errnum)" using strerrordesc_np (no locale, no alloc)
};

// Write "nook: <msg>\n" to the raw log fd.
void write_line(const Buf& b);

}  // namespace nook::rawlog
