#include "image/decompress.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

namespace nook::image {

const char* compression_name(Compression c) {
    switch (c) {
        case Compression::gzip:
            return "gzip";
        case Compression::zstd:
            return "zstd";
        default:
            return "none";
    }
}

struct DecompressReader::Impl {
    z_stream z{};
    bool z_init = false;
    ZSTD_DStream* zs = nullptr;
    ~Impl() {
        if (z_init) inflateEnd(&z);
        if (zs) ZSTD_freeDStream(zs);
    }
};

DecompressReader::DecompressReader(int fd) : fd_(fd), impl_(std::make_unique<Impl>()) {}
DecompressReader::~DecompressReader() = default;

Result<size_t> DecompressReader::fill() {
    if (in_eof_) return size_t{0};
    if (in_pos_ > 0) {
        in_.erase(0, in_pos_);
        in_pos_ = 0;
    }
    char buf[1 << 16];
    ssize_t n;
    do {
        n = ::read(fd_, buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Error::from_errno("read layer stream");
    if (n == 0) in_eof_ = true;
    in_.append(buf, static_cast<size_t>(n));
    return static_cast<size_t>(n);
}

Status DecompressReader::init() {
    inited_ = true;
    while (in_.size() < 4 && !in_eof_) TRY(fill());
    auto b = reinterpret_cast<const unsigned char*>(in_.data());
    if (in_.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        kind_ = Compression::gzip;
        if (inflateInit2(&impl_->z, 15 + 16) != Z_OK) return Error::invalid("inflateInit failed");
        impl_->z_init = true;
    } else if (in_.size() >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
        kind_ = Compression::zstd;
        impl_->zs = ZSTD_createDStream();
        if (!impl_->zs) return Error(ENOMEM, "ZSTD_createDStream");
        ZSTD_initDStream(impl_->zs);
    }
    return {};
}

Result<size_t> DecompressReader::read(char* out, size_t cap) {
    if (!inited_) TRY(init());
    for (;;) {
        size_t avail = in_.size() - in_pos_;
        if (avail == 0 && !in_eof_) {
            TRY(fill());
            continue;
        }
        if (kind_ == Compression::none) {
            size_t n = std::min(avail, cap);
            memcpy(out, in_.data() + in_pos_, n);
            in_pos_ += n;
            return n;
        }
        if (avail == 0 && in_eof_) {
            if (!stream_end_)
                return invalid_input(std::string("layer is truncated (") + compression_name(kind_) +
                                     " stream ends early)");
            return size_t{0};
        }
        if (kind_ == Compression::gzip) {
            auto& z = impl_->z;
            if (stream_end_) {  // another gzip member follows
                inflateReset(&z);
                stream_end_ = false;
            }
            z.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
            z.avail_in = static_cast<uInt>(avail);
            z.next_out = reinterpret_cast<Bytef*>(out);
            z.avail_out = static_cast<uInt>(cap);
            int rc = inflate(&z, Z_NO_FLUSH);
            in_pos_ += avail - z.avail_in;
            size_t produced = cap - z.avail_out;
            if (rc == Z_STREAM_END)
                stream_end_ = true;
            else if (rc != Z_OK && rc != Z_BUF_ERROR)
                return invalid_input(std::string("layer gzip stream is corrupt: ") +
                                     (z.msg ? z.msg : "inflate error"));
            if (produced > 0) return produced;
            continue;
        }
        ZSTD_inBuffer ib{in_.data() + in_pos_, avail, 0};
        ZSTD_outBuffer ob{out, cap, 0};
        size_t rc = ZSTD_decompressStream(impl_->zs, &ob, &ib);
        in_pos_ += ib.pos;
        if (ZSTD_isError(rc))
            return invalid_input(std::string("layer zstd stream is corrupt: ") +
                                 ZSTD_getErrorName(rc));
        stream_end_ = rc == 0;
        if (ob.pos > 0) return ob.pos;
    }
}

}  // namespace nook::image
