// Namespaces: type names <-> CLONE_* flags, joining, id maps, time offsets.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace nook::sys {

// "pid" -> CLONE_NEWPID, ...; nullopt for an unknown type.
std::optional<int> namespace_flag(std::string_view oci_type);
// CLONE_NEWPID -> "pid" (the /proc/PID/ns/<name> file name, e.g. "net" for network).
const char* namespace_proc_name(int flag);

Status set_namespace(int fd, int nstype, const std::string& what);
Status unshare(int flags);

// Write /proc/PID/{uid,gid}_map ("c h n\n" lines already formatted).
Status write_id_map(pid_t pid, const char* which, const std::string& lines);
// Write /proc/PID/timens_offsets ("monotonic s ns\nboottime s ns\n").
Status write_time_offsets(pid_t pid, const std::string& lines);

Status set_hostname(const std::string& name);
Status set_domainname(const std::string& name);

}  // namespace nook::sys
