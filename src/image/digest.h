// sha256 content digests ("sha256:<64 hex>"): incremental hashing and
// validation, the identity of everything in the content store.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

namespace nook::image {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    void update(const void* data, size_t len);
    void update(std::string_view s) { update(s.data(), s.size()); }
    // "sha256:<hex>"; the hasher must not be used afterwards.
    std::string digest();

  private:
    EVP_MD_CTX* ctx_;
};

std::string sha256_digest(std::string_view data);
// Accepts exactly "sha256:" + 64 lowercase hex characters.
Status validate_digest(const std::string& digest);
// The hex part of a validated digest.
std::string digest_hex(const std::string& digest);
// Digest of a whole file.
Result<std::string> sha256_file(const std::string& path);

}  // namespace nook::image
