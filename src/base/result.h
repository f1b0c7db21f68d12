// The one error contract of nook (see docs/error-contract.md).
//
// Every fallible function returns Result<T>. An Error carries the errno that
// caused it (0 when the failure is not a system error, e.g. bad JSON) and a
// human message. Callers add context on the way up with .context("..."), so
// the final message reads outer-to-inner:
//   "create: mount proc on /proc: Operation not permitted"
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace nook {

class Error {
  public:
    Error() = default;
    Error(int code, std::string message) : code_(code), message_(std::move(message)) {}

    // An error from the current errno, e.g. Error::from_errno("open " + path).
    static Error from_errno(std::string what) { return Error(errno, std::move(what)); }
    // A failure that is not a system call's: validation, parsing, protocol.
    static Error invalid(std::string what) { return Error(EINVAL, std::move(what)); }

    int code() const { return code_; }
    const std::string& message() const { return message_; }

    // Prefix with context: "outer: inner".
    Error& context(const std::string& outer) {
        message_ = outer + ": " + message_;
        return *this;
    }

    // "message: strerror(code)" when the code came from the system, else just message.
    std::string what() const {
        if (code_ != 0 && show_errno_) return message_ + ": " + std::strerror(code_);
        return message_;
    }

    // Validation errors keep EINVAL as exit reason but their text must not end
    // in "Invalid argument"; this marks such errors.
    Error& without_errno_text() {
        show_errno_ = false;
        return *this;
    }
    bool shows_errno() const { return show_errno_; }

  private:
    int code_ = 0;
    std::string message_;
    bool show_errno_ = true;
};

// Build a validation-style error whose text is only the message.
inline Error invalid_input(std::string what) {
    return Error(EINVAL, std::move(what)).without_errno_text();
}

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error e) : v_(std::move(e)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    Error& error() & { return std::get<1>(v_); }
    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

    // By value: returning a reference would dangle when called on a temporary.
    Result context(const std::string& outer) && {
        if (!ok()) error().context(outer);
        return std::move(*this);
    }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error e) : err_(std::move(e)), failed_(true) {}

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    Error& error() & { return err_; }
    const Error& error() const& { return err_; }
    Error&& error() && { return std::move(err_); }

    Result context(const std::string& outer) && {
        if (failed_) err_.context(outer);
        return std::move(*this);
    }

  private:
    Error err_;
    bool failed_ = false;
};

using Status = Result<void>;

}  // namespace nook

// Propagate an error: `TRY(do_thing());` returns the error from the enclosing
// function (whose return type must be constructible from Error).
#define NOOK_CONCAT2(a, b) a##b
#define NOOK_CONCAT(a, b) NOOK_CONCAT2(a, b)
#define TRY(expr)                                                   \
    do {                                                            \
        auto nook_try_r = (expr);                                   \
        if (!nook_try_r.ok()) return std::move(nook_try_r).error(); \
    } while (0)
// `TRY_ASSIGN(auto fd, open_file(p));` declares fd from the Result's value.
#define TRY_ASSIGN(decl, expr) TRY_ASSIGN_IMPL(NOOK_CONCAT(nook_r_, __LINE__), decl, expr)
#define TRY_ASSIGN_IMPL(tmp, decl, expr)          \
    auto tmp = (expr);                            \
    if (!tmp.ok()) return std::move(tmp).error(); \
    decl = std::move(tmp).value()
