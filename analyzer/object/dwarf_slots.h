/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stack slots of an object's functions from DWARF (libdw), for objects that
 * carry no other attribution. Internal to analyzer/object/.
 *
 * A BPF function's frame base is r10 (DW_AT_frame_base DW_OP_reg10), but
 * LLVM's BPF backend writes DW_OP_fbreg offsets from the bottom of the
 * frame (the stack pointer, r10 minus the frame size): a variable at
 * DW_OP_fbreg N lives at r10 offset N - frame, the bytes the program's
 * instructions use. Such a variable or parameter becomes a slot named
 * after the variable, with its C type, its size (dwarf_aggregate_size) and
 * its declaration line. A variable inside a DW_TAG_inlined_subroutine gets
 * the helper's name and the call site (DW_AT_call_line/column of the
 * outermost inlined subroutine, a line of the function itself).
 *
 * Which slots share bytes follows from their offsets: LLVM's stack
 * colouring places variables that are never live together at the same
 * offset. So the first variable of each distinct offset range counts
 * towards the frame (live_at_peak), the ones placed over it do not.
 * Variables in registers or without a location (optimised out) take no
 * stack and are skipped.
 */
#ifndef BC_OBJECT_DWARF_SLOTS_H
#define BC_OBJECT_DWARF_SLOTS_H

#include <libelf.h>

struct bc_facts;

/* Gives each function of FACTS[FIRST..] whose DWARF subprogram has stack
 * variables its slots (has_attribution, slot_peak_bytes,
 * unattributed_bytes). An object without DWARF is left as it is.
 * 0 or -ENOMEM. */
int bc_dwarf_slots_attach(Elf *elf, struct bc_facts *facts, size_t first);

#endif
