// SPDX-License-Identifier: Apache-2.0
/* Stable result fingerprints (rule + normalised line text + occurrence). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t bc_fingerprint_hash(const char *rule, const char *context, size_t len,
			     int context_is_message)
{
	uint64_t h = fnv(FNV_OFFSET, rule, strlen(rule) + 1);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = context[i];

		/* whitespace never matters: re-indenting keeps the alert */
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v')
			continue;
		if (context_is_message && c >= '0' && c <= '9')
			continue;
		h = fnv(h, &c, 1);
	}
	return h;
}

static int grow(struct bc_fingerprints *fp)
{
	size_t ncap = fp->cap ? fp->cap * 2 : 64;
	struct bc_fp_slot *nv = calloc(ncap, sizeof(*nv));

	if (!nv)
		return -1;
	for (size_t i = 0; i < fp->cap; i++) {
		size_t j;

		if (!fp->v[i].count)
			continue;
		for (j = fp->v[i].key & (ncap - 1); nv[j].count; j = (j + 1) & (ncap - 1))
			;
		nv[j] = fp->v[i];
	}
	free(fp->v);
	fp->v = nv;
	fp->cap = ncap;
	return 0;
}

unsigned bc_fingerprint_occurrence(struct bc_fingerprints *fp, const char *uri, uint64_t hash)
{
	uint64_t key = fnv(fnv(FNV_OFFSET, uri, strlen(uri) + 1), &hash, sizeof(hash));
	size_t j;

	if ((fp->n + 1) * 2 > fp->cap && grow(fp))
		return 0;
	for (j = key & (fp->cap - 1); fp->v[j].count; j = (j + 1) & (fp->cap - 1))
		if (fp->v[j].key == key)
			return ++fp->v[j].count;
	fp->v[j].key = key;
	fp->v[j].count = 1;
	fp->n++;
	return 1;
}

void bc_fingerprints_free(struct bc_fingerprints *fp)
{
	free(fp->v);
	memset(fp, 0, sizeof(*fp));
}

void bc_fingerprint_format(char *buf, size_t size, uint64_t hash, unsigned occurrence)
{
	snprintf(buf, size, "%016" PRIx64 ":%u", hash, occurrence);
}
