// A pull-style reader that yields the uncompressed bytes of a layer from an
// fd, detecting gzip, zstd or plain tar by magic number. The unpacker hashes
// what it returns, so the diff_id is checked while the layer streams in.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"

namespace nook::image {

enum class Compression { none, gzip, zstd };
const char* compression_name(Compression c);

class DecompressReader {
  public:
    explicit DecompressReader(int fd);
    ~DecompressReader();
    DecompressReader(const DecompressReader&) = delete;
    DecompressReader& operator=(const DecompressReader&) = delete;
    // Up to cap uncompressed bytes; 0 means end of stream.
    Result<size_t> read(char* out, size_t cap);
    Compression compression() const { return kind_; }

  private:
    Result<size_t> fill();  // read more compressed input; 0 at EOF
    Status init();

    int fd_;
    bool inited_ = false;
    bool in_eof_ = false;
    bool stream_end_ = false;
    Compression kind_ = Compression::none;
    std::string in_;
    size_t in_pos_ = 0;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nook::image
