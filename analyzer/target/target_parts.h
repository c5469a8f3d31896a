/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a target file holds (docs/target-file.md): the names of its parts and
 * of the facts in its metadata. Shared by the writer (capture.c), the reader
 * (source_file.c) and `bpfcheck target show`.
 */
#ifndef BC_TARGET_TARGET_PARTS_H
#define BC_TARGET_TARGET_PARTS_H

/* parts (ELF sections) */
#define BC_TPART_BTF			".BTF"		/* /sys/kernel/btf/vmlinux, raw */
#define BC_TPART_BTF_MODULE		".BTF.mod."	/* + module: its split BTF, raw */
#define BC_TPART_TRACEPOINTS		".tp."		/* + category: {"event": "format"} */
#define BC_TPART_FILTER_FUNCTIONS	".filter_functions"	/* as tracefs has it */

/* metadata keys */
#define BC_TMETA_KERNEL		"kernel"	/* {"release", "version", "machine"} */
#define BC_TMETA_JIT_ENABLE	"bpf_jit_enable"	/* integer, absent when unknown */
#define BC_TMETA_BPFTRACE	"bpftrace"	/* "0.17.0", absent when not installed */
#define BC_TMETA_CAPTURED	"captured"	/* {"by", "at", "tracefs"} */
#define BC_TMETA_COUNTS		"counts"	/* {"tracepoints", "kfuncs", "filter_functions",
						 *  "btf_types"} */
#define BC_TMETA_MISSING	"missing"	/* {"what": "why"}: what could not be read */

#endif
