/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libbpf's messages, captured instead of printed: the analyzer never
 * prints. libbpf's print hook is one for the process, so it is installed
 * once and never changed; it hands a message to the capture open on the
 * calling thread, and drops it when there is none. Files analysed on
 * several threads at once (analyzer/driver/analyze_all.h) each keep their
 * own messages.
 */
#ifndef BC_CORE_LIBBPF_LOG_H
#define BC_CORE_LIBBPF_LOG_H

/* While a capture is open on this thread, libbpf's messages go to it. End
 * returns the first message (heap, caller frees) or NULL. */
struct bc_libbpf_log {
	char *first;
	struct bc_libbpf_log *prev;
};
void bc_libbpf_log_begin(struct bc_libbpf_log *l);
char *bc_libbpf_log_end(struct bc_libbpf_log *l);

#endif
