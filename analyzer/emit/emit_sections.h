/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where each bpftrace probe goes in an emitted object: the section libbpf
 * derives the program type and the attach target from (libbpf's
 * section_defs; docs/emit.md has the table):
 *
 *   kprobe:f[+off]          kprobe/f[+off]      (wildcards: kprobe.multi/PATTERN)
 *   kretprobe:f             kretprobe/f         (wildcards: kretprobe.multi/PATTERN)
 *   uprobe:PATH:f           uprobe/PATH:f       (uretprobe likewise; wildcards: .multi)
 *   tracepoint:cat:name     tracepoint/cat/name
 *   rawtracepoint:name      raw_tp/name
 *   kfunc:f / kretfunc:f    fentry/f / fexit/f
 *   profile, interval, software, hardware, watchpoint: perf_event
 *   iter:name               iter/name
 *   BEGIN / END             uprobe//proc/self/exe:BEGIN_trigger (END_trigger):
 *                           bpftrace 0.17 attaches them as uprobes on functions
 *                           of its own executable and calls those to run them;
 *                           a loader does the same with functions of its own.
 */
#ifndef BC_EMIT_SECTIONS_H
#define BC_EMIT_SECTIONS_H

/*
 * The section for bpftrace's function NAME (one attach point, as bpftrace
 * names it: "kprobe:vfs_read", "tracepoint:syscalls:sys_enter_openat") in
 * bpftrace VERSION. Heap string; NULL + errno: ENOMEM, or EOPNOTSUPP when
 * libbpf has no section for it (*WHY says why).
 */
char *bc_emit_section(const char *name, int version, const char **why);

#endif
