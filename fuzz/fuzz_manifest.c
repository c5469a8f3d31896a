// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: manifests (analyzer/manifest/manifest.h). Reading never
 * crashes; an accepted manifest's spans lie inside the text, its mark phase
 * terminates, and writing it and reading that back gives the same text again
 * (writing is a fixed point).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bc_manifest_error err;
	struct bc_manifest *m, *again;
	struct bc_mmark mk;
	char *text, *text2;

	if (bc_manifest_read((const char *)data, size, &m, &err))
		return 0;
	for (size_t i = 0; i < m->nr_types; i++)
		if (m->types[i].span.end > size || m->types[i].remove.end > size ||
		    m->types[i].remove.start > m->types[i].remove.end)
			abort();
	if (!bc_manifest_mark(m, &mk))
		bc_mmark_free(&mk);
	text = bc_manifest_write(m);
	if (!text || bc_manifest_read(text, strlen(text), &again, &err))
		abort();
	text2 = bc_manifest_write(again);
	if (!text2 || strcmp(text, text2))
		abort();
	free(text2);
	free(text);
	bc_manifest_free(again);
	bc_manifest_free(m);
	return 0;
}
