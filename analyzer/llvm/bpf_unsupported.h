/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What LLVM 19's BPF backend ends the process on rather than reporting
 * (report_fatal_error), found in the module before it runs so that the
 * error can name the function. The backend's own checks stay the last
 * word: whatever this misses is still caught (llvm_guard.h), only without
 * a location.
 *
 *  - a call to an intrinsic the backend cannot lower (the table in
 *    bpf_unsupported.c: llvm.returnaddress, llvm.read_register, ...);
 *  - a calling convention other than C and fast on a function or a call
 *    (BPFISelLowering: "unimplemented calling convention");
 *  - a thread_local global (no TLS on BPF: "Cannot select:
 *    GlobalTLSAddress");
 *  - an indirectbr (no indirect jump before cpu v4: "Cannot select: brind").
 */
#ifndef BC_LLVM_BPF_UNSUPPORTED_H
#define BC_LLVM_BPF_UNSUPPORTED_H

#include <llvm-c/Core.h>

/* 0 when M has none of the above; else 1 with *AT the defined function it
 * is in, or the global, and *WHY a message (malloc). -ENOMEM. */
int bc_ir_bpf_unsupported(LLVMModuleRef m, LLVMValueRef *at, char **why);

#endif
