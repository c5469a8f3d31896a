/* SPDX-License-Identifier: Apache-2.0 */
/*
 * partialFingerprints for SARIF, so that code scanning keeps an alert's
 * identity when lines move (modelled on github/codeql-action's
 * primaryLocationLineHash: a hash of the line's text, then ":" and the
 * occurrence of that hash in the file).
 */
#ifndef BC_REPORTERS_FINGERPRINT_H
#define BC_REPORTERS_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a over RULE, a NUL and CONTEXT with whitespace removed.
 * CONTEXT is the source line of the result; without one, the message with
 * its digits removed (byte counts change from build to build). */
uint64_t bc_fingerprint_hash(const char *rule, const char *context, size_t len,
			     int context_is_message);

/* Occurrence counting per (file, hash). */
struct bc_fingerprints {
	struct bc_fp_slot {
		uint64_t key;
		unsigned count;
	} *v;
	size_t cap, n;
};

/* The 1-based occurrence of HASH in file URI so far (counting this one);
 * 0 on ENOMEM. */
unsigned bc_fingerprint_occurrence(struct bc_fingerprints *fp, const char *uri, uint64_t hash);
void bc_fingerprints_free(struct bc_fingerprints *fp);

/* "0123456789abcdef:1" into BUF (at least 32 bytes). */
void bc_fingerprint_format(char *buf, size_t size, uint64_t hash, unsigned occurrence);

#endif
