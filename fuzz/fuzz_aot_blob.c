// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: bpftrace AOT blobs (analyzer/manifest/aot_blob.h).
 * Whatever the input, decoding returns 0 or -EINVAL/-EPROTONOSUPPORT/-ENOMEM
 * with an offset inside the input, and never reads outside it (ASan). An
 * accepted blob's manifest writes as JSON that reads back, and its
 * programs rebuild into an object.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/manifest/aot_blob.h"
#include "analyzer/manifest/aot_elf.h"
#include "analyzer/manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly SIZE bytes, so that ASan sees any read past the end */
	unsigned char *copy = malloc(size ? size : 1);
	struct bc_aot_error err;
	struct bc_aot_blob b;
	struct bc_manifest *m;
	struct bc_manifest_error merr;
	unsigned char *elf;
	size_t elf_size;
	char *text;
	int ret;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	ret = bc_aot_read(copy, size, &b, &err);
	if (ret) {
		if (ret != -EINVAL && ret != -EPROTONOSUPPORT && ret != -ENOMEM)
			abort();
		if (err.offset > size)
			abort();
		free(copy);
		return 0;
	}
	text = bc_manifest_write(b.manifest);
	if (!text)
		abort();
	if (bc_manifest_read(text, strlen(text), &m, &merr))
		abort();	/* what was decoded must write as a manifest */
	bc_manifest_free(m);
	free(text);
	if (!bc_aot_programs_elf(&b, &elf, &elf_size))
		free(elf);
	bc_aot_free(&b);
	free(copy);
	return 0;
}
