// SPDX-License-Identifier: Apache-2.0
/*
 * libbpf's messages, captured instead of printed (the analyzer never
 * prints), and the object's .BTF checked by libbpf: malformed BTF makes
 * libbpf refuse to open the object, so it is a BC106 finding carrying
 * libbpf's own words (docs/rules/BC106.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "obj_model.h"
#include "../core/unit.h"

/* The capture of this thread, or NULL: libbpf's print hook is global. */
static __thread struct bc_libbpf_log *cur_log;

static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct bc_libbpf_log *l = cur_log;
	char *msg;
	size_t n;

	if (!l || vasprintf(&msg, fmt, ap) < 0)
		return 0;
	if (!strncmp(msg, "libbpf: ", 8))
		memmove(msg, msg + 8, strlen(msg + 8) + 1);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = 0;
	if (n && !l->first)
		l->first = msg;	/* the first message says what went wrong */
	else
		free(msg);
	return 0;
}

void bc_libbpf_log_begin(struct bc_libbpf_log *l)
{
	memset(l, 0, sizeof(*l));
	l->prev = cur_log;
	cur_log = l;
	libbpf_set_print(print_cb);
}

char *bc_libbpf_log_end(struct bc_libbpf_log *l)
{
	cur_log = l->prev;
	return l->first;
}

int bc_obj_check_btf(const struct bc_obj *o, struct bc_unit *u)
{
	for (size_t s = 0; s < o->img.nr_secs; s++) {
		const struct bc_elf_sec *sec = &o->img.secs[s];
		struct bc_libbpf_log log;
		struct btf *btf;
		char *msg;
		int err;

		if (!sec->name || strcmp(sec->name, ".BTF") || !sec->data)
			continue;
		bc_libbpf_log_begin(&log);
		errno = 0;
		btf = btf__new(sec->data, sec->size);
		err = errno;
		msg = bc_libbpf_log_end(&log);
		if (btf) {
			btf__free(btf);
			free(msg);
			return 0;
		}
		if (err == ENOMEM) {
			free(msg);
			return -ENOMEM;
		}
		err = bc_diag_add(&u->diags, BC_RULE_MALFORMED_OBJECT, NULL, NULL,
				  "the .BTF section is malformed: libbpf refuses to open the "
				  "object: %s", msg ? msg : strerror(err ? err : EINVAL)) ?
			0 : -ENOMEM;
		free(msg);
		return err;
	}
	return 0;
}
