#include "base/raw_log.h"

#include <string.h>
#include <unistd.h>

#include <cerrno>

namespace nook::rawlog {

namespace {
int g_fd = 2;
}

void set_fd(int fd) {
    g_fd = fd;
}
int fd() {
    return g_fd;
}

Buf& Buf::str(const char* s) {
    while (s && *s && len + 1 < sizeof(data)) data[len++] = *s++;
    data[len] = '\0';
    return *this;
}

Buf& Buf::num(long long v) {
    char tmp[24];
    int n = 0;
    bool neg = v < 0;
    unsigned long long u = neg ? 0ULL - static_cast<unsigned long long>(v) : v;
    do {
        tmp[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u && n < 23);
    if (neg && len + 1 < sizeof(data)) data[len++] = '-';
    while (n > 0 && len + 1 < sizeof(data)) data[len++] = tmp[--n];
    data[len] = '\0';
    return *this;
}

Buf& Buf::err(int errnum) {
    str(": ");
    const char* d = strerrordesc_np(errnum);
    return d ? str(d) : str("errno ").num(errnum);
}

void write_line(const Buf& b) {
    char line[sizeof(b.data) + 8];
    unsigned n = 0;
    for (const char* p = "nook: "; *p;) line[n++] = *p++;
    for (unsigned i = 0; i < b.len; ++i) line[n++] = b.data[i];
    line[n++] = '\n';
    int saved = errno;
    while (::write(g_fd, line, n) < 0 && errno == EINTR) {
    }
    errno = saved;
}

}  // namespace nook::rawlog
