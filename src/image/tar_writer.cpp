#include "image/tar_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

#include "sys/file.h"

namespace nook::image {

namespace {
// len-1 octal digits, NUL-terminated; callers keep v within the field.
void octal(char* field, size_t len, uint64_t v) {
    field[len - 1] = '\0';
    for (size_t i = len - 1; i-- > 0; v >>= 3) field[i] = static_cast<char>('0' + (v & 7));
}
}  // namespace

Status TarWriter::header(const std::string& name, char type, uint64_t size, uint32_t mode) {
    if (name.size() >= 100) return invalid_input("tar name too long: " + name);
    char h[512];
    memset(h, 0, sizeof(h));
    memcpy(h, name.data(), name.size());
    octal(h + 100, 8, mode);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    if (size < 077777777777ULL) {
        octal(h + 124, 12, size);
    } else {  // base-256: high bit set, big-endian value
        h[124] = static_cast<char>(0x80);
        for (int i = 11; i >= 4; i--, size >>= 8) h[124 + i] = static_cast<char>(size & 0xff);
    }
    octal(h + 136, 12, static_cast<uint64_t>(::time(nullptr)));
    memset(h + 148, ' ', 8);
    h[156] = type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    snprintf(h + 148, 8, "%06o", sum);
    return sys::write_all(fd_, std::string_view(h, sizeof(h)));
}

Status TarWriter::pad(uint64_t size) {
    static const char zeros[512] = {};
    size_t rem = size % 512;
    if (rem == 0) return {};
    return sys::write_all(fd_, std::string_view(zeros, 512 - rem));
}

Status TarWriter::add_dir(const std::string& name) {
    return header(name + "/", '5', 0, 0755);
}

Status TarWriter::add_file(const std::string& name, std::string_view data) {
    TRY(header(name, '0', data.size(), 0644));
    TRY(sys::write_all(fd_, data));
    return pad(data.size());
}

Status TarWriter::add_file_from(const std::string& name, const std::string& path) {
    TRY_ASSIGN(auto in, sys::open_file(path, O_RDONLY | O_CLOEXEC));
    struct stat st;
    if (::fstat(in.get(), &st) != 0) return Error::from_errno("stat " + path);
    TRY(header(name, '0', static_cast<uint64_t>(st.st_size), 0644));
    char buf[1 << 16];
    uint64_t left = static_cast<uint64_t>(st.st_size);
    while (left > 0) {
        ssize_t n = ::read(in.get(), buf, std::min<uint64_t>(sizeof(buf), left));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::from_errno("read " + path);
        if (n == 0) return invalid_input(path + " shrank while being archived");
        TRY(sys::write_all(fd_, std::string_view(buf, static_cast<size_t>(n))));
        left -= static_cast<uint64_t>(n);
    }
    return pad(static_cast<uint64_t>(st.st_size));
}

Status TarWriter::finish() {
    static const char zeros[1024] = {};
    return sys::write_all(fd_, std::string_view(zeros, sizeof(zeros)));
}

}  // namespace nook::image
