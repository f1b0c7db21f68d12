// OCI linux.seccomp -> classic BPF, compiled in the parent with libseccomp so
// the child only makes one seccomp(2) call.
#pragma once

#include "base/result.h"
#include "oci/spec.h"
#include "runtime/security/process_security.h"

namespace nook::runtime::security {

// Semantics follow runc: unknown syscall names are skipped (debug log); rules
// whose action equals the default action are skipped; several conditions on
// the same argument become separate (ORed) rules, otherwise one rule's
// conditions are ANDed; SCMP_ACT_ERRNO/TRACE without errnoRet return EPERM.
Result<SeccompProgram> compile_seccomp(const oci::Seccomp& spec);

}  // namespace nook::runtime::security
