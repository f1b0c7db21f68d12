// Hand-made tar streams for the unpacker tests: every header field is under
// the test's control, so malformed and malicious archives can be expressed.
#pragma once

#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace nook::test {

class TarBuilder {
  public:
    TarBuilder& file(const std::string& name, const std::string& data, int mode = 0644) {
        entry(name, '0', data, "", mode);
        return *this;
    }
    TarBuilder& dir(const std::string& name) {
        entry(name, '5', "", "", 0755);
        return *this;
    }
    TarBuilder& symlink(const std::string& name, const std::string& target) {
        entry(name, '2', "", target, 0777);
        return *this;
    }
    TarBuilder& hardlink(const std::string& name, const std::string& target) {
        entry(name, '1', "", target, 0644);
        return *this;
    }
    TarBuilder& chardev(const std::string& name, int major, int minor) {
        entry(name, '3', "", "", 0600, major, minor);
        return *this;
    }
    // A PAX extended header carrying `records` (already "key=value" strings).
    TarBuilder& pax(const std::string& key, const std::string& value) {
        return pax({{key, value}});
    }
    // One PAX header with several records (e.g. SCHILY.xattr.* for one file).
    TarBuilder& pax(const std::vector<std::pair<std::string, std::string>>& kvs) {
        std::string all;
        for (auto& [key, value] : kvs) {
            std::string rec = " " + key + "=" + value + "\n";
            size_t len = rec.size();
            size_t digits = std::to_string(len).size();
            while (std::to_string(len + digits).size() != digits) digits++;
            all += std::to_string(len + digits) + rec;
        }
        entry("PaxHeader", 'x', all, "", 0644);
        return *this;
    }
    // A regular-file header claiming `size` bytes (base-256) with no data.
    TarBuilder& huge_size_header(const std::string& name, unsigned long long size) {
        char h[512];
        header(h, name, '0', 0, "", 0644, 0, 0);
        h[124] = static_cast<char>(0x80);
        for (int i = 11; i >= 1; i--, size >>= 8) h[124 + i] = static_cast<char>(size & 0xff);
        checksum(h);
        out_.append(h, 512);
        return *this;
    }
    std::string finish() const { return out_ + std::string(1024, '\0'); }

  private:
    static void header(char* h, const std::string& name, char type, size_t size,
                       const std::string& link, int mode, int major, int minor) {
        memset(h, 0, 512);
        memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
        snprintf(h + 100, 8, "%07o", mode);
        snprintf(h + 108, 8, "%07o", 0);
        snprintf(h + 116, 8, "%07o", 0);
        snprintf(h + 124, 12, "%011zo", size);
        snprintf(h + 136, 12, "%011o", 1700000000);
        h[156] = type;
        memcpy(h + 157, link.data(), std::min<size_t>(link.size(), 100));
        memcpy(h + 257, "ustar", 6);
        memcpy(h + 263, "00", 2);
        snprintf(h + 329, 8, "%07o", major);
        snprintf(h + 337, 8, "%07o", minor);
    }
    static void checksum(char* h) {
        memset(h + 148, ' ', 8);
        unsigned sum = 0;
        for (int i = 0; i < 512; i++) sum += static_cast<unsigned char>(h[i]);
        snprintf(h + 148, 8, "%06o", sum);
    }
    void entry(const std::string& name, char type, const std::string& data, const std::string& link,
               int mode, int major = 0, int minor = 0) {
        char h[512];
        header(h, name, type, data.size(), link, mode, major, minor);
        checksum(h);
        out_.append(h, 512);
        out_ += data;
        if (data.size() % 512) out_.append(512 - data.size() % 512, '\0');
    }
    std::string out_;
};

}  // namespace nook::test
