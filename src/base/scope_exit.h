// Scope guard for rollback: runs a callable when the scope ends unless
// dismissed. Multi-step setup arms one guard per step and dismisses them all
// once the whole operation has succeeded.
#pragma once

#include <utility>

namespace nook {

template <typename F>
class ScopeExit {
  public:
    explicit ScopeExit(F f) : f_(std::move(f)) {}
    ~ScopeExit() {
        if (armed_) f_();
    }
    ScopeExit(const ScopeExit&) = delete;
    ScopeExit& operator=(const ScopeExit&) = delete;
    void dismiss() { armed_ = false; }

  private:
    F f_;
    bool armed_ = true;
};

template <typename F>
ScopeExit(F) -> ScopeExit<F>;

}  // namespace nook
