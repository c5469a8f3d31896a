// SPDX-License-Identifier: Apache-2.0
/* Test support: built BPF fixture objects and target profiles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object_fixtures.h"
#include "script_support.h"
#include "analyzer/object/object.h"

char *bc_test_fixture_object(const char *name)
{
	char *rel, *p;

	if (asprintf(&rel, "fixtures/%s.bpf.o", name) < 0)
		return NULL;
	p = bc_test_build_path(rel);
	free(rel);
	return p;
}

void bc_test_target(struct bc_target *t, const char *kernel, bool jit, const char *arch)
{
	bc_target_init(t);
	bc_target_set_kernel(t, kernel);
	t->jit = jit;
	snprintf(t->arch, sizeof(t->arch), "%s", arch);
}

int bc_test_analyze_fixture(struct bc_unit *u, const char *name, const struct bc_target *t)
{
	char *path = bc_test_fixture_object(name);
	int err;

	if (!path)
		return -1;
	err = bc_unit_load(u, path);
	if (err) {
		fprintf(stderr, "cannot load %s: %s (run `make fixtures`)\n", path,
			u->error ? u->error : "?");
		free(path);
		return err;
	}
	free(path);
	return bc_object_analyze(u, u->data, u->size, t);
}

size_t bc_test_func_index(const struct bc_facts *f, const char *name)
{
	for (size_t i = 0; i < f->nr_funcs; i++)
		if (!strcmp(f->funcs[i].name, name))
			return i;
	return (size_t)-1;
}

const struct bc_func *bc_test_func(const struct bc_facts *f, const char *name)
{
	size_t i = bc_test_func_index(f, name);

	return i == (size_t)-1 ? NULL : &f->funcs[i];
}
