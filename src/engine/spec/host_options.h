// Parsers and checks for docker's run/create option values (sizes, CPUs,
// ulimits, capabilities, sysctls, IPs, env and label files). Pure logic, so
// the CLI's flag groups and the spec parts share one definition and unit
// tests can reach them. Errors carry only the reason ("invalid size:
// '12zz'"); the caller prefixes the flag.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"

namespace nook::engine::opts {

// docker's RAMInBytes: a number (fractions allowed) with an optional binary
// unit b, k, m, g, t, p, optionally followed by "b" or "ib", any case:
// "512", "64m", "1.5g", "1GiB". Negative values are refused.
Result<int64_t> parse_size(const std::string& s);

// --memory-swap: a size, or "-1" for unlimited.
Result<int64_t> parse_swap(const std::string& s);

// --cpus: a decimal number of CPUs to NanoCpus ("1.5" -> 1500000000).
Result<int64_t> parse_nano_cpus(const std::string& s);

// --ulimit name=soft[:hard] -> {"Name","Soft","Hard"} (hard defaults to soft).
Result<nlohmann::json> parse_ulimit(const std::string& s);
// "nofile" -> "RLIMIT_NOFILE"; empty when unknown.
std::string rlimit_type(const std::string& name);

// A cpuset list "0-2,4": fails on bad syntax; the CPU numbers it names.
Result<std::vector<int>> parse_cpuset(const std::string& s);

// --cap-add/--cap-drop names: "net_admin", "NET_ADMIN", "CAP_NET_ADMIN" ->
// "CAP_NET_ADMIN"; "all" -> "ALL". Unknown names fail.
Result<std::string> normalize_capability(const std::string& name);
// Every capability the running kernel knows, in number order.
std::vector<std::string> all_capabilities();
// docker's rule: ALL in add starts from every capability, ALL in drop from
// none; else the defaults; then add, then drop.
std::vector<std::string> merge_capabilities(const std::vector<std::string>& defaults,
                                            const std::vector<std::string>& add,
                                            const std::vector<std::string>& drop);

// --sysctl key=value: docker's allow-list (IPC keys always; net.* only with
// the container's own network namespace).
Status check_sysctl(const std::string& key, bool own_netns);

bool is_ip(const std::string& s);

// docker's env-file format: KEY=VALUE lines, a bare KEY takes our
// environment's value (dropped when unset), # comments and blank lines
// skipped; names may not contain whitespace.
Result<std::vector<std::string>> parse_env_file_text(const std::string& text,
                                                     const std::string& path);
// The same format for --label-file: KEY=VALUE or KEY (empty value).
Result<std::map<std::string, std::string>> parse_label_file_text(const std::string& text,
                                                                 const std::string& path);

}  // namespace nook::engine::opts
