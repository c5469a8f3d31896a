// SPDX-License-Identifier: Apache-2.0
/*
 * The object's .BTF checked by libbpf (its messages captured,
 * core/libbpf_log.h): malformed BTF makes
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
