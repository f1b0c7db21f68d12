#include "runtime/cgroups/device_filter.h"

#include <fcntl.h>

#include "sys/bpf.h"
#include "sys/file.h"

namespace nook::runtime::cgroups {
namespace {

// Registers after the prologue: r2 device type, r3 access, r4 major, r5 minor.
bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}
bpf_insn ldx_w(uint8_t dst, uint8_t src, int16_t off) {
    return insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
}
bpf_insn alu_k(uint8_t op, uint8_t dst, int32_t imm) {
    return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn mov_x(uint8_t dst, uint8_t src) {
    return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn jne_k(uint8_t dst, int32_t imm) {
    return insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, imm);
}
bpf_insn exit_insn() {
    return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

struct Parsed {
    int type = 0;    // 0 any, else BPF_DEVCG_DEV_*
    int access = 0;  // BPF_DEVCG_ACC_* bits
    std::optional<int64_t> major, minor;
};

Result<Parsed> parse(const oci::DeviceCgroupRule& r) {
    Parsed p;
    if (r.type == "c")
        p.type = BPF_DEVCG_DEV_CHAR;
    else if (r.type == "b")
        p.type = BPF_DEVCG_DEV_BLOCK;
    else if (!r.type.empty() && r.type != "a")
        return invalid_input("linux.resources.devices: type \"" + r.type + "\" is not a, b or c");
    std::string acc = r.access.empty() ? "rwm" : r.access;
    for (char c : acc) {
        if (c == 'r')
            p.access |= BPF_DEVCG_ACC_READ;
        else if (c == 'w')
            p.access |= BPF_DEVCG_ACC_WRITE;
        else if (c == 'm')
            p.access |= BPF_DEVCG_ACC_MKNOD;
        else
            return invalid_input("linux.resources.devices: access \"" + r.access +
                                 "\" is not a subset of rwm");
    }
    for (auto v : {r.major, r.minor})
        if (v && (*v < 0 || *v > 0x7fffffff))
            return invalid_input("linux.resources.devices: device number " + std::to_string(*v) +
                                 " out of range");
    p.major = r.major;
    p.minor = r.minor;
    // "a" with numbers means any type with those numbers, as runc reads it.
    return p;
}

}  // namespace

Result<std::vector<bpf_insn>> build_device_filter(const std::vector<oci::DeviceCgroupRule>& rules) {
    std::vector<bpf_insn> prog = {
        ldx_w(2, 1, 0), alu_k(BPF_AND, 2, 0xffff),  // type = access_type & 0xffff
        ldx_w(3, 1, 0), alu_k(BPF_RSH, 3, 16),      // access = access_type >> 16
        ldx_w(4, 1, 4),                             // major
        ldx_w(5, 1, 8),                             // minor
    };
    const int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
    bool terminated = false;
    for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
        TRY_ASSIGN(Parsed p, parse(*it));
        std::vector<bpf_insn> block;
        std::vector<size_t> jumps;  // indices whose offset skips to the next block
        if (p.type) {
            jumps.push_back(block.size());
            block.push_back(jne_k(2, p.type));
        }
        if ((p.access & all) != all) {
            // Match only when every requested bit is granted by the rule.
            block.push_back(mov_x(1, 3));
            block.push_back(alu_k(BPF_AND, 1, ~p.access));
            jumps.push_back(block.size());
            block.push_back(jne_k(1, 0));
        }
        if (p.major) {
            jumps.push_back(block.size());
            block.push_back(jne_k(4, static_cast<int32_t>(*p.major)));
        }
        if (p.minor) {
            jumps.push_back(block.size());
            block.push_back(jne_k(5, static_cast<int32_t>(*p.minor)));
        }
        block.push_back(alu_k(BPF_MOV, 0, it->allow ? 1 : 0));
        block.push_back(exit_insn());
        for (size_t j : jumps) block[j].off = static_cast<int16_t>(block.size() - j - 1);
        prog.insert(prog.end(), block.begin(), block.end());
        if (jumps.empty()) {
            // Matches everything: earlier rules are unreachable, and the
            // verifier rejects unreachable code, so stop here.
            terminated = true;
            break;
        }
    }
    if (!terminated) {
        prog.push_back(alu_k(BPF_MOV, 0, 0));
        prog.push_back(exit_insn());
    }
    return prog;
}

Result<std::string> v1_device_rule(const oci::DeviceCgroupRule& r) {
    TRY(parse(r));  // same validation as v2
    std::string type = r.type.empty() ? "a" : r.type;
    auto num = [](const std::optional<int64_t>& v) {
        return v ? std::to_string(*v) : std::string("*");
    };
    return type + " " + num(r.major) + ":" + num(r.minor) + " " +
           (r.access.empty() ? "rwm" : r.access);
}

Status install_device_filter(const std::string& cgroup_dir,
                             const std::vector<oci::DeviceCgroupRule>& rules) {
    TRY_ASSIGN(auto prog, build_device_filter(rules));
    TRY_ASSIGN(UniqueFd dir, sys::open_file(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    TRY_ASSIGN(auto old_ids, sys::bpf_query_cgroup_device(dir.get()));
    TRY_ASSIGN(UniqueFd fd, sys::bpf_load_cgroup_device_prog(prog, "Apache"));
    TRY(sys::bpf_attach_cgroup_device(dir.get(), fd.get(), BPF_F_ALLOW_MULTI)
            .context("attach device filter to " + cgroup_dir));
    // Only now drop the old programs, so there is no window without a filter.
    for (uint32_t id : old_ids) {
        TRY_ASSIGN(UniqueFd old, sys::bpf_prog_fd_by_id(id));
        TRY(sys::bpf_detach_cgroup_device(dir.get(), old.get())
                .context("replace device filter on " + cgroup_dir));
    }
    return {};
}

}  // namespace nook::runtime::cgroups
