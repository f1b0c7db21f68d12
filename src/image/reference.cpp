#include "image/reference.h"

#include "image/digest.h"

namespace nook::image {

namespace {

bool lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// A path component: [a-z0-9]+ joined by ".", "_", "__" or runs of "-".
bool valid_component(const std::string& c) {
    if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
    for (size_t i = 0; i < c.size(); i++) {
        char ch = c[i];
        if (lower_alnum(ch)) continue;
        if (ch == '-') continue;
        if (ch == '.' || ch == '_') {
            // Separators other than "-" may not repeat, except "__".
            size_t j = i;
            while (j + 1 < c.size() && !lower_alnum(c[j + 1]) && c[j + 1] != '-') j++;
            std::string sep = c.substr(i, j - i + 1);
            if (sep != "." && sep != "_" && sep != "__") return false;
            i = j;
            continue;
        }
        return false;
    }
    return true;
}

bool valid_domain(const std::string& d) {
    if (d.empty()) return false;
    for (char c : d)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
              c == '[' || c == ']'))
            return false;
    return true;
}

Result<Reference> parse(const std::string& text, bool default_tag) {
    if (text.empty()) return invalid_input("invalid reference: empty");
    if (text.size() > 255 + 128 + 72)
        return invalid_input("invalid reference " + text + ": too long");
    Reference r;
    std::string rest = text;
    if (auto at = rest.find('@'); at != std::string::npos) {
        r.digest = rest.substr(at + 1);
        rest = rest.substr(0, at);
        auto st = validate_digest(r.digest);
        if (!st.ok()) return std::move(st).error().context("invalid reference " + text);
    }
    auto slash = rest.rfind('/');
    auto colon = rest.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        r.tag = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        if (!is_valid_tag(r.tag)) return invalid_input("invalid reference " + text + ": bad tag");
    }
    auto first = rest.find('/');
    std::string head = first == std::string::npos ? "" : rest.substr(0, first);
    if (!head.empty() && (head.find('.') != std::string::npos ||
                          head.find(':') != std::string::npos || head == "localhost")) {
        r.domain = head;
        r.path = rest.substr(first + 1);
    } else {
        r.domain = "docker.io";
        r.path = rest;
    }
    if (r.domain == "index.docker.io" || r.domain == "registry-1.docker.io") r.domain = "docker.io";
    if (!valid_domain(r.domain))
        return invalid_input("invalid reference " + text + ": bad registry " + r.domain);
    if (r.domain == "docker.io" && r.path.find('/') == std::string::npos)
        r.path = "library/" + r.path;
    size_t start = 0;
    while (true) {
        auto end = r.path.find('/', start);
        std::string comp = r.path.substr(start, end == std::string::npos ? end : end - start);
        if (!valid_component(comp))
            return invalid_input("invalid reference " + text +
                                 ": repository name must be lowercase [a-z0-9._-] (got \"" + comp +
                                 "\")");
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (r.name().size() > 255)
        return invalid_input("invalid reference " + text + ": name too long");
    if (default_tag && r.tag.empty() && r.digest.empty()) r.tag = "latest";
    return r;
}

}  // namespace

bool is_valid_tag(const std::string& tag) {
    if (tag.empty() || tag.size() > 128) return false;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    if (!word(tag[0])) return false;
    for (char c : tag)
        if (!word(c) && c != '.' && c != '-') return false;
    return true;
}

std::string Reference::str() const {
    std::string s = name();
    if (!tag.empty()) s += ":" + tag;
    if (!digest.empty()) s += "@" + digest;
    return s;
}

std::string Reference::familiar_name() const {
    if (domain != "docker.io") return name();
    if (path.rfind("library/", 0) == 0 && path.find('/', 8) == std::string::npos)
        return path.substr(8);
    return path;
}

std::string Reference::familiar() const {
    std::string s = familiar_name();
    if (!tag.empty()) s += ":" + tag;
    if (!digest.empty()) s += "@" + digest;
    return s;
}

std::string Reference::registry_host() const {
    return domain == "docker.io" ? "registry-1.docker.io" : domain;
}

Result<Reference> parse_reference(const std::string& text) {
    return parse(text, true);
}
Result<Reference> parse_reference_no_default(const std::string& text) {
    return parse(text, false);
}

}  // namespace nook::image
