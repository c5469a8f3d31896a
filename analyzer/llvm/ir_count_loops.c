// SPDX-License-Identifier: Apache-2.0
/* Counting loops in LLVM IR (see ir_count_loops.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ir_count_loops.h"
#include "ir_load.h"
#include "ir_locate.h"
#include "opt_state.h"
#include "../core/unit.h"

int bc_ir_count_loops(struct bc_unit *u, struct bc_count_loop **out, size_t *nr)
{
	struct bc_backend_result res;
	struct bc_ir_error perr = { 0 };
	struct bc_ir_module *m;
	struct bc_backend b;
	int err;

	*out = NULL;
	*nr = 0;
	m = bc_ir_parse(u->data, u->size, &perr);
	bc_ir_error_free(&perr);
	if (!m)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	memset(&res, 0, sizeof(res));
	err = bc_backend_init(&b, m, NULL);
	if (!err && bc_ir_needs_optimization(m->mod))
		err = bc_backend_optimize(&b, m, NULL);
	if (!err)
		err = bc_backend_emit(&b, m, &res);
	if (!err && res.obj)
		err = bc_object_count_loops(u, res.obj, res.obj_size, out, nr);
	for (size_t i = 0; i < *nr && !err; i++) {
		struct bc_span sp;

		if (!bc_ir_locate_function(u, (*out)[i].func, &sp))
			(*out)[i].span = sp;
	}
	bc_backend_result_free(&res);
	bc_backend_fini(&b);
	bc_ir_module_free(m);
	return err;
}
