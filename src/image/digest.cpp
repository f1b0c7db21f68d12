#include "image/digest.h"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "sys/file.h"

namespace nook::image {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
}
Sha256::~Sha256() {
    if (ctx_) EVP_MD_CTX_free(ctx_);
}
Sha256::Sha256(Sha256&& o) noexcept : ctx_(std::exchange(o.ctx_, nullptr)) {}
Sha256& Sha256::operator=(Sha256&& o) noexcept {
    std::swap(ctx_, o.ctx_);
    return *this;
}

void Sha256::update(const void* data, size_t len) {
    EVP_DigestUpdate(ctx_, data, len);
}

std::string Sha256::digest() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, md, &n);
    static const char hex[] = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned i = 0; i < n; i++) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string sha256_digest(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.digest();
}

Status validate_digest(const std::string& digest) {
    if (digest.rfind("sha256:", 0) != 0)
        return invalid_input("digest " + digest + ": only sha256 digests are supported");
    if (digest.size() != 7 + 64) return invalid_input("digest " + digest + ": wrong length");
    for (size_t i = 7; i < digest.size(); i++) {
        char c = digest[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return invalid_input("digest " + digest + ": not lowercase hex");
    }
    return {};
}

std::string digest_hex(const std::string& digest) {
    auto pos = digest.find(':');
    return pos == std::string::npos ? digest : digest.substr(pos + 1);
}

Result<std::string> sha256_file(const std::string& path) {
    TRY_ASSIGN(auto fd, sys::open_file(path, O_RDONLY));
    Sha256 h;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error::from_errno("read " + path);
        }
        if (n == 0) break;
        h.update(buf, static_cast<size_t>(n));
    }
    return h.digest();
}

}  // namespace nook::image
