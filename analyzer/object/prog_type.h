/* SPDX-License-Identifier: Apache-2.0 */
/* Program types from section names (libbpf conventions and bpftrace's). */
#ifndef BC_OBJECT_PROG_TYPE_H
#define BC_OBJECT_PROG_TYPE_H

/*
 * The kernel program type (BPF_PROG_TYPE_* in lower case without the prefix:
 * "kprobe", "tracepoint", "tracing", ...) a loader gives the programs of
 * section SEC: libbpf's "kprobe/...", "tp/...", "fentry/...", ... and
 * bpftrace's "s_<probe>_<n>". NULL when the section names no known type.
 */
const char *bc_section_prog_type(const char *sec);

/* True for bpftrace's per-probe sections "s_<probe>_<n>". */
int bc_section_is_bpftrace(const char *sec);

#endif
