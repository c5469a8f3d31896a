// SPDX-License-Identifier: Apache-2.0
/* Module + provenance -> object -> facts with slots (see compile.h): the
 * serial path, and the choice between it and the parallel one
 * (compile_split.c); both are made of the steps in compile_steps.c. */
#include <errno.h>
#include <string.h>

#include "../core/unit.h"
#include "backend.h"
#include "compile.h"
#include "compile_split.h"
#include "compile_steps.h"

int bc_compile_emit(struct bc_unit *u, const struct bc_target *t, struct bc_backend *b,
		    struct bc_ir_module *m, struct bc_fn_slots *fs, size_t nr_fs,
		    uint64_t *codegen_ns, uint64_t *object_ns, size_t *nr_attached)
{
	struct bc_compile_out out = { .fs = fs, .nr_fs = nr_fs };
	int err;

	err = bc_backend_emit(b, m, &out.res);
	*codegen_ns = out.res.codegen_ns;
	if (err) {
		bc_unit_fail(u, err, NULL, "%s",
			     err == -ENOMEM ? "out of memory" :
			     b->error ? b->error : "BPF code generation failed");
		goto out;
	}
	err = bc_compile_absorb(u, t, &out);
	*object_ns = out.st.object_ns;
	*nr_attached = out.st.nr_attached;
	/* The object exists, but LLVM refused something in it: what bpftrace
	 * would report as a compile error. The facts stay for the reporters. */
	if (!err)
		err = bc_compile_backend_error(u, &out.res);
out:
	bc_backend_result_free(&out.res);	/* FS stays the caller's */
	return err;
}

int bc_compile_module(struct bc_unit *u, const struct bc_target *t, struct bc_ir_module *m,
		      const struct bc_prov_table *prov, const struct bc_compile_opts *o,
		      struct bc_compile_stats *stats)
{
	struct bc_compile_out out;
	int err;

	err = bc_compile_split(u, t, m, prov, o, stats);
	if (err != -EAGAIN)
		return err;
	err = bc_compile_to_object(m, prov, o, &out);
	if (err)
		bc_unit_fail(u, err, NULL, "%s", out.message ? out.message : "out of memory");
	else if (!(err = bc_compile_absorb(u, t, &out)))
		err = bc_compile_backend_error(u, &out.res);
	out.st.threads = 1;
	if (stats)
		*stats = out.st;
	bc_compile_out_free(&out);
	return err;
}
