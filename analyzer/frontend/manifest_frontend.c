// SPDX-License-Identifier: Apache-2.0
/* The manifest and AOT blob front ends (manifest_frontend.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_frontend.h"
#include "../core/analysis.h"
#include "../core/unit.h"
#include "../manifest/aot_blob.h"
#include "../manifest/aot_elf.h"
#include "../manifest/manifest.h"
#include "../object/object.h"

static void free_manifest(void *m)
{
	bc_manifest_free(m);
}

int bc_manifest_frontend(struct bc_unit *u, const struct bc_analysis *a)
{
	struct bc_manifest_error err;
	struct bc_manifest *m;
	int ret;

	ret = bc_manifest_read((const char *)u->data, u->size, &m, &err);
	if (ret) {
		if (!err.span.line) {
			if (err.span.end < err.span.start)
				err.span.end = err.span.start;
			bc_unit_locate(u, &err.span);
		}
		return bc_unit_fail(u, ret, &err.span, "%s", err.message);
	}
	u->manifest = m;
	u->manifest_free = free_manifest;
	return 0;
}

int bc_aot_frontend(struct bc_unit *u, const struct bc_analysis *a)
{
	struct bc_aot_error err;
	struct bc_aot_blob b;
	unsigned char *elf;
	size_t size;
	int ret;

	ret = bc_aot_read(u->data, u->size, &b, &err);
	if (ret == -ENOMEM)
		return bc_unit_fail(u, ret, NULL, "out of memory");
	if (ret)
		return bc_unit_fail(u, ret, NULL, "%s (at offset %" PRIu64 ")", err.message,
				    err.offset);
	u->manifest = b.manifest;
	u->manifest_free = free_manifest;
	b.manifest = NULL;
	ret = bc_aot_programs_elf(&b, &elf, &size);
	if (ret) {
		bc_aot_free(&b);
		return bc_unit_fail(u, ret, NULL, "cannot rebuild the blob's programs as an object: %s",
				    strerror(-ret));
	}
	if (elf)
		ret = bc_object_analyze(u, elf, size, a->target);
	free(elf);
	bc_aot_free(&b);
	return ret;
}
