/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: target files (analyzer/target/target_file.h): the
 * container checks at open, then every part decompressed and, for the
 * tracepoint parts, parsed as the source reads them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "analyzer/target/target_file.h"
#include "analyzer/target/target_parts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bc_tfile *f;
	char err[256];

	if (bc_tfile_open_mem(data, size, "fuzz", &f, err, sizeof(err)))
		return 0;
	for (size_t i = 0; i < bc_tfile_nr_parts(f); i++) {
		const char *name = bc_tfile_part_name(f, i);
		const void *p;
		size_t n;

		if (bc_tfile_part(f, name, &p, &n, err, sizeof(err)))
			continue;
		if (!strncmp(name, BC_TPART_TRACEPOINTS, strlen(BC_TPART_TRACEPOINTS)))
			json_decref(json_loadb(p, n, JSON_REJECT_DUPLICATES, NULL));
	}
	bc_tfile_close(f);
	return 0;
}
