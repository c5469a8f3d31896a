// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: sized types and function prototypes read from JSON
 * (stype_json.h), as the on-disk BTF lookup cache reads them. Whatever is
 * accepted must write back, and writing is a fixed point: with
 * s = write(read(input)), write(read(text of s)) == s. Aborts otherwise.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "analyzer/types/btf_types.h"
#include "analyzer/types/stype_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* J, written as the cache writes it and loaded again. */
static json_t *through_text(const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	json_t *back;

	if (!text)
		abort();
	back = json_loads(text, 0, NULL);
	free(text);
	if (!back)
		abort();
	return back;
}

static void check_type(const json_t *in)
{
	struct bc_stype *t = bc_stype_from_json(in), *u;
	json_t *s, *text, *again;

	if (!t) {
		if (errno != EINVAL && errno != ENOMEM)
			abort();
		return;
	}
	if (!(s = bc_stype_to_json(t)))
		abort();	/* a type that was read must write */
	text = through_text(s);
	if (!(u = bc_stype_from_json(text)) || !bc_stype_equal(t, u))
		abort();
	if (!(again = bc_stype_to_json(u)) || !json_equal(s, again))
		abort();
	json_decref(again);
	json_decref(text);
	json_decref(s);
	bc_stype_put(u);
	bc_stype_put(t);
}

static json_t *func_json(const struct bc_btf_func *f)
{
	return bc_stype_func_to_json(f->name, f->params, f->nr_params, f->ret);
}

static void check_func(const json_t *in)
{
	struct bc_btf_func f, g;
	json_t *s, *text, *again;
	int err = bc_stype_func_from_json(in, &f);

	if (err) {
		if (err != -EINVAL && err != -ENOMEM)
			abort();
		return;
	}
	if (!(s = func_json(&f)))
		abort();
	text = through_text(s);
	if (bc_stype_func_from_json(text, &g) || !(again = func_json(&g)) ||
	    !json_equal(s, again))
		abort();
	json_decref(again);
	json_decref(text);
	json_decref(s);
	bc_btf_func_free(&g);
	bc_btf_func_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);

	if (!j)
		return 0;
	check_type(j);
	check_func(j);
	json_decref(j);
	return 0;
}
