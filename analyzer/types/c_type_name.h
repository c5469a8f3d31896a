/* SPDX-License-Identifier: Apache-2.0 */
/*
 * C type names written as text ("const char __user *", "unsigned long",
 * "struct sock *", "u32"): split into base words and pointer depth, and the
 * integer types C and the kernel headers define without needing BTF.
 */
#ifndef BC_TYPES_C_TYPE_NAME_H
#define BC_TYPES_C_TYPE_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Drops qualifiers (const, volatile, restrict), notes __user, counts '*',
 * and writes the remaining words single-spaced into BASE ("unsigned long",
 * "struct sock"). 0, -EINVAL (empty, stray characters, words after '*'),
 * -ENAMETOOLONG.
 */
int bc_ctype_split(const char *s, char *base, size_t cap, unsigned *ptrs, bool *user);

/*
 * Size and signedness of an integer type spelled BASE (as bc_ctype_split
 * leaves it): C spellings ("unsigned short int", "long long", "_Bool",
 * plain "char" signed as on x86-64) and fixed
 * kernel/libc typedefs (u8..u64, __s32, uint64_t, size_t, pid_t, dev_t,
 * umode_t, ...). False when BASE is not one of them.
 */
bool bc_ctype_int(const char *base, uint32_t *size, bool *is_signed);

#endif
