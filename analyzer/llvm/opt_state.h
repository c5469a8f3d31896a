/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whether a module still needs the optimiser before code generation.
 *
 * bpftrace compiles what its optimiser (O3) produced; `bpftrace -dd` and
 * `--emit-llvm` print both the IR before and after it, and clang emits
 * either. Running O3 again on optimised IR is not what bpftrace does and can
 * change the frame, so bpfcheck optimises only IR that was not optimised.
 *
 * The test is semantic, not textual (no attribute or comment is trusted):
 * an optimised module has no alloca that mem2reg/SROA would promote to a
 * register. A scalar alloca used only by plain loads and stores (and
 * lifetime markers) is exactly what every O1+ pipeline removes first, and
 * unoptimised front-end IR has one for nearly every local variable.
 * Three more signs: a call of an intrinsic only the BPF target's IR passes
 * lower (llvm.preserve.static.offset, CO-RE access indexes: the backend
 * cannot select them, and no clang or bpftrace pipeline leaves one), a
 * control-flow graph SimplifyCFG, which ends every O1+ pipeline, would
 * still change (a block nothing branches to, or an unconditional branch to
 * a block with no other predecessor), and an alloca of any type that is
 * only written (stores, memset/memcpy into it), which SROA and dead store
 * elimination delete: bpftrace's IR has them even where every other
 * alloca escapes to a helper call.
 */
#ifndef BC_IR_OPT_STATE_H
#define BC_IR_OPT_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include <llvm-c/Core.h>

/* Number of promotable allocas in defined functions of M. */
size_t bc_ir_promotable_allocas(LLVMModuleRef m);

/* The name of the first intrinsic M calls that only the BPF target's IR
 * passes lower (the table in opt_state.c), or NULL. */
const char *bc_ir_pipeline_only_intrinsic(LLVMModuleRef m);
/* True when M has a promotable alloca, calls such an intrinsic, has an
 * unsimplified CFG or a write-only alloca (it was not optimised). */
bool bc_ir_needs_optimization(LLVMModuleRef m);

#endif
