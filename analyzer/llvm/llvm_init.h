/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One-time, process-wide LLVM set-up for IR loading and the BPF backend:
 * the BPF target only, and the backend command-line options bpfcheck
 * relies on (LLVM keeps these in global state, so they are set once).
 */
#ifndef BC_IR_LLVM_INIT_H
#define BC_IR_LLVM_INIT_H

/*
 * The backend's stack limit is lifted to this so that frames above the
 * kernel's limit are still laid out and measured. It is a measuring ceiling,
 * not a kernel fact: BPF memory instructions carry a signed 16-bit offset, so
 * no deeper frame can be encoded anyway.
 */
#define BC_BACKEND_STACK_CEILING 32767

/*
 * Initialises the BPF target (TargetInfo, Target, TargetMC, AsmPrinter) and
 * passes these options to LLVMParseCommandLineOptions, once per process:
 *   -bpf-stack-size=BC_BACKEND_STACK_CEILING
 *   -pass-remarks-analysis=prologepilog   (per-function frame sizes as remarks)
 *   -disable-auto-upgrade-debug-info      (the auto-upgrade would run the
 *       verifier and abort the process on a broken module; bc_ir_parse
 *       verifies and strips debug info itself instead)
 * and installs the fatal error handler of llvm_guard.h. Thread-safe. Returns 0, or -ENOENT when LLVM has no BPF target.
 */
int bc_llvm_init(void);

#endif
