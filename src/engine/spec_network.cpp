// HostConfig networking -> the network namespace and the /etc files docker
// provides: hostname, hosts and resolv.conf, bind-mounted from the bundle.
#include "engine/spec_parts.h"

#include "sys/file.h"

namespace nook::engine {

Status apply_network(const SpecInput& in, oci::Spec& s) {
    for (const char* f : {"hostname", "hosts", "resolv.conf"}) {
        oci::Mount m;
        m.destination = std::string("/etc/") + f;
        m.type = "bind";
        m.source = in.bundle() + "/" + f;
        m.options = {"rbind", "rprivate"};
        s.mounts.push_back(m);
    }
    return {};
}

Status write_etc_files(const SpecInput& in, const oci::Spec& spec) {
    const std::string bundle = in.bundle();
    const std::string hostname = spec.hostname;
    TRY(sys::write_file_atomic(bundle + "/hostname", hostname + "\n"));
    TRY(sys::write_file_atomic(bundle + "/hosts",
                               "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                               "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\t"
                               "ip6-allnodes\nff02::2\tip6-allrouters\n"));
    // docker copies the host's resolv.conf (the container cannot reach a
    // loopback resolver, but with --network none nothing resolves anyway).
    auto resolv = sys::read_file("/etc/resolv.conf");
    TRY(sys::write_file_atomic(bundle + "/resolv.conf", resolv.ok() ? *resolv : ""));
    return {};
}

}  // namespace nook::engine
