/* SPDX-License-Identifier: Apache-2.0 */
/* C type text helpers (see c_type_name.h). */
#include "c_type_name.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !strncmp(s, w, n);
}

int bc_ctype_split(const char *s, char *base, size_t cap, unsigned *ptrs, bool *user)
{
	size_t len = 0;

	*ptrs = 0;
	*user = false;
	if (!cap)
		return -ENAMETOOLONG;
	base[0] = 0;
	while (*s) {
		const char *w;
		size_t n;

		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (*s == '*') {
			(*ptrs)++;
			s++;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '_')
			return -EINVAL;
		w = s;
		while (isalnum((unsigned char)*s) || *s == '_')
			s++;
		n = (size_t)(s - w);
		if (word_is(w, n, "const") || word_is(w, n, "volatile") ||
		    word_is(w, n, "restrict") || word_is(w, n, "__restrict") ||
		    word_is(w, n, "__rcu") || word_is(w, n, "__percpu"))
			continue;
		if (word_is(w, n, "__user")) {
			*user = true;
			continue;
		}
		if (*ptrs)
			return -EINVAL;	/* a word after '*' other than a qualifier */
		if (len + n + 2 > cap)
			return -ENAMETOOLONG;
		if (len)
			base[len++] = ' ';
		memcpy(base + len, w, n);
		len += n;
		base[len] = 0;
	}
	return len ? 0 : -EINVAL;
}

/* Counts C integer keywords in BASE; false when another word appears. */
static bool c_int_words(const char *base, uint32_t *size, bool *is_signed)
{
	unsigned n_unsigned = 0, n_signed = 0, n_char = 0, n_short = 0, n_int = 0, n_long = 0;
	unsigned n_bool = 0;
	const char *s = base;

	while (*s) {
		const char *w = s;
		size_t n;

		while (*s && *s != ' ')
			s++;
		n = (size_t)(s - w);
		if (word_is(w, n, "unsigned"))
			n_unsigned++;
		else if (word_is(w, n, "signed"))
			n_signed++;
		else if (word_is(w, n, "char"))
			n_char++;
		else if (word_is(w, n, "short"))
			n_short++;
		else if (word_is(w, n, "int"))
			n_int++;
		else if (word_is(w, n, "long"))
			n_long++;
		else if (word_is(w, n, "_Bool") || word_is(w, n, "bool"))
			n_bool++;
		else
			return false;
		while (*s == ' ')
			s++;
	}
	if (n_unsigned + n_signed > 1 || n_char + n_short + n_bool > 1 || n_int > 1 || n_long > 2)
		return false;
	if (n_bool) {
		if (n_unsigned || n_signed || n_int || n_long)
			return false;
		*size = 1;
		*is_signed = false;
		return true;
	}
	if ((n_char || n_short) && n_long)
		return false;
	if (n_char && n_int)
		return false;
	if (n_char)
		*size = 1;
	else if (n_short)
		*size = 2;
	else if (n_long)
		*size = 8;	/* LP64: long and long long */
	else if (n_int || n_unsigned || n_signed)
		*size = 4;
	else
		return false;
	/* plain char is signed on x86-64 (the targets bpftrace 0.17 tools use) */
	*is_signed = !n_unsigned;
	return true;
}

static const struct {
	const char *name;
	uint8_t size;
	bool is_signed;
} typedefs[] = {
	{ "u8", 1, false },	  { "__u8", 1, false },	    { "uint8_t", 1, false },
	{ "s8", 1, true },	  { "__s8", 1, true },	    { "int8_t", 1, true },
	{ "u16", 2, false },	  { "__u16", 2, false },    { "uint16_t", 2, false },
	{ "s16", 2, true },	  { "__s16", 2, true },	    { "int16_t", 2, true },
	{ "u32", 4, false },	  { "__u32", 4, false },    { "uint32_t", 4, false },
	{ "s32", 4, true },	  { "__s32", 4, true },	    { "int32_t", 4, true },
	{ "u64", 8, false },	  { "__u64", 8, false },    { "uint64_t", 8, false },
	{ "s64", 8, true },	  { "__s64", 8, true },	    { "int64_t", 8, true },
	{ "__be16", 2, false },	  { "__le16", 2, false },   { "__be32", 4, false },
	{ "__le32", 4, false },	  { "__be64", 8, false },   { "__le64", 8, false },
	{ "size_t", 8, false },	  { "ssize_t", 8, true },   { "loff_t", 8, true },
	{ "off_t", 8, true },	  { "pid_t", 4, true },	    { "tid_t", 4, true },
	{ "uid_t", 4, false },	  { "gid_t", 4, false },    { "dev_t", 4, false },
	{ "umode_t", 2, false },  { "gfp_t", 4, false },    { "sector_t", 8, false },
	{ "ino_t", 8, false },	  { "clockid_t", 4, true }, { "time64_t", 8, true },
	{ "ktime_t", 8, true },	  { "uintptr_t", 8, false }, { "phys_addr_t", 8, false },
	{ "dma_addr_t", 8, false }, { "blk_opf_t", 4, false }, { "fmode_t", 4, false },
};

bool bc_ctype_int(const char *base, uint32_t *size, bool *is_signed)
{
	if (!base || !*base)
		return false;
	for (size_t i = 0; i < sizeof(typedefs) / sizeof(typedefs[0]); i++) {
		if (!strcmp(base, typedefs[i].name)) {
			*size = typedefs[i].size;
			*is_signed = typedefs[i].is_signed;
			return true;
		}
	}
	return c_int_words(base, size, is_signed);
}
