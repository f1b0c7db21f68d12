// A minimal ustar writer for `nook save`: regular files and directories with
// short fixed names (blobs/sha256/<hex>, index.json ...). Sizes beyond the
// octal field use the GNU base-256 encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace nook::image {

class TarWriter {
  public:
    explicit TarWriter(int fd) : fd_(fd) {}
    Status add_dir(const std::string& name);
    Status add_file(const std::string& name, std::string_view data);
    // Copy a file from disk into the archive under name.
    Status add_file_from(const std::string& name, const std::string& path);
    // The two zero blocks that end an archive.
    Status finish();

  private:
    Status header(const std::string& name, char type, uint64_t size, uint32_t mode);
    Status pad(uint64_t size);
    int fd_;
};

}  // namespace nook::image
