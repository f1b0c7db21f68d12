// EINTR retry for raw system calls. Every blocking call in src/sys goes
// through this so no caller ever sees a spurious EINTR.
#pragma once

#include <cerrno>

namespace nook::sys {

template <typename F>
auto retry_eintr(F f) -> decltype(f()) {
    decltype(f()) r;
    do {
        r = f();
    } while (r == -1 && errno == EINTR);
    return r;
}

}  // namespace nook::sys
