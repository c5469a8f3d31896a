/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LLVM's fatal errors (report_fatal_error: "Cannot select: ...",
 * "unimplemented calling convention", "unimplemented opcode", ...) as
 * errors of the module being worked on instead of the end of the process.
 *
 * LLVM calls the fatal error handler bc_llvm_init installs and aborts when
 * it returns, so the handler does not return: on a thread running LLVM
 * under bc_llvm_guard it jumps back to bc_llvm_guard, which returns
 * -ECANCELED with LLVM's message. This is the recovery LLVM's own
 * CrashRecoveryContext does (a jump out of the failing code); what it
 * leaves behind is made safe by never touching it again: the module, its
 * context and the target machine that were in use are leaked, not freed
 * (bc_ir_module_poison, bc_backend_poison), because LLVM's objects of that
 * run (pass managers, value handles on the dropped stack frames) were
 * never unwound. A fatal error on a thread outside any guard (none is
 * expected: every LLVM entry point of analyzer/llvm runs under one) ends
 * the process with exit code 2, "input could not be processed", after
 * printing LLVM's message, instead of an abort.
 */
#ifndef BC_LLVM_GUARD_H
#define BC_LLVM_GUARD_H

#include <stddef.h>

/* Runs FN(ARG) and returns what it returns; -ECANCELED when LLVM reported a
 * fatal error meanwhile, with LLVM's message (first line) in MSG (SIZE bytes,
 * NUL-terminated). Guards nest; each thread has its own. */
int bc_llvm_guard(int (*fn)(void *arg), void *arg, char *msg, size_t size);

/* P, an LLVM object left behind on purpose after a fatal error: in
 * sanitizer builds LeakSanitizer is told (it and what it points to are not
 * reported); otherwise nothing. */
void bc_llvm_leak(const void *p);

/* The handler bc_llvm_init installs (LLVMInstallFatalErrorHandler). */
void bc_llvm_fatal_handler(const char *reason);

#endif
