/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: tracepoint format files (parse, then type for two bpftrace generations). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyzer/types/tracepoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int versions[] = { BC_BTV(0, 17, 0), BC_BTV(0, 25, 0) };
	struct bc_tp_format f;
	struct bc_tp_error err;

	if (bc_tp_format_parse((const char *)data, size, &f, &err) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		size_t unresolved = 0;
		struct bc_stype *t = bc_tp_args_type(&f, "fuzz", "event", versions[i], NULL,
						     &unresolved);

		if (t) {
			char *name = bc_stype_name(t, versions[i]);

			for (size_t k = 0; t->layout && k < t->layout->nr_fields; k++) {
				char *fn = bc_stype_name(t->layout->fields[k].type, versions[i]);

				free(fn);
			}
			free(name);
		}
		bc_stype_put(t);
	}
	bc_tp_format_free(&f);
	return 0;
}
