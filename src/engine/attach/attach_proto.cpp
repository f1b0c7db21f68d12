// Frames of the monitor's attach protocol (attach_proto.h).
#include "engine/attach/attach_proto.h"

#include <cstdint>

namespace nook::engine {

namespace {
constexpr size_t kHeader = 5;
}

std::string encode_frame(char type, std::string_view payload) {
    std::string out;
    out.reserve(kHeader + payload.size());
    auto n = static_cast<uint32_t>(payload.size());
    out.push_back(type);
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((n >> shift) & 0xff));
    out.append(payload);
    return out;
}

std::optional<Frame> FrameReader::next() {
    if (buf_.size() < kHeader) return std::nullopt;
    uint32_t n = 0;
    for (size_t i = 1; i < kHeader; i++) n = (n << 8) | static_cast<unsigned char>(buf_[i]);
    if (buf_.size() < kHeader + n) return std::nullopt;
    Frame f{buf_[0], buf_.substr(kHeader, n)};
    buf_.erase(0, kHeader + n);
    return f;
}

}  // namespace nook::engine
