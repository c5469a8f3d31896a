/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Finding fingerprints: the one identity of a finding that survives lines
 * moving. Baselines (reporters/baseline.h), `bpfcheck compare`, the JSON
 * report's "fingerprint", SARIF's partialFingerprints and GitLab's
 * fingerprint all come from bc_diag_fingerprint.
 *
 * The hash covers the rule, the normalised source text of the finding's
 * span and the normalised text of the construct around it (the attach
 * points of the enclosing probe, or the enclosing function), never a line
 * or column number: inserting lines above a finding keeps its fingerprint.
 * Identical constructs in one probe share a fingerprint; matching treats
 * findings as a multiset (reporters/baseline.h), and the formats that need
 * unique strings append the occurrence (":N", after github/codeql-action's
 * primaryLocationLineHash).
 */
#ifndef BC_REPORTERS_FINGERPRINT_H
#define BC_REPORTERS_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

struct bc_sources;
struct bc_unit;
struct bc_diag;

/* 64-bit FNV-1a over RULE, a NUL and CONTEXT with whitespace removed.
 * CONTEXT is the source text of the finding; without one, the message with
 * its digits removed (byte counts change from build to build). */
uint64_t bc_fingerprint_hash(const char *rule, const char *context, size_t len,
			     int context_is_message);
/* H extended by a separator and TEXT with whitespace removed. */
uint64_t bc_fingerprint_extend(uint64_t h, const char *text, size_t len);

/*
 * The fingerprint of finding D of unit U: bc_fingerprint_hash of the span's
 * text (bytes start..end of the unit's own text; else the span's source
 * line, read through SRC; else the message), extended by the enclosing
 * construct: for a parsed script the attach points of the probe (or the
 * name of the fn/macro) whose span holds the finding; otherwise the source
 * text at the entry program (bc_func.src_span) that starts last at or
 * before the finding in the same file; nothing when there is none.
 */
uint64_t bc_diag_fingerprint(struct bc_sources *src, const struct bc_unit *u,
			     const struct bc_diag *d);

/* "0123456789abcdef" into BUF (at least 17 bytes). */
void bc_fingerprint_hex(char *buf, size_t size, uint64_t hash);
/* Parses exactly 16 lower-case hex digits; -EINVAL otherwise. */
int bc_fingerprint_parse(const char *s, uint64_t *hash);

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
