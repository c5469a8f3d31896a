// SPDX-License-Identifier: Apache-2.0
/* One module -> object, and that object -> facts (see compile_steps.h).
 * Both the serial compile (compile.c) and the parallel one (compile_split.c)
 * are built on these steps, so neither calls back into the other. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../object/object.h"
#include "../stack/liveness.h"
#include "../core/unit.h"
#include "../stack/attribution.h"
#include "backend.h"
#include "compile_steps.h"
#include "../base/array.h"
#include "fn_slots.h"
#include "ir_load.h"
#include "opt_state.h"
#include "../stack/prov_slots.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Slots of an alloca no record names: its IR name, construct "alloca". */
static int plain_slots(const struct bc_liveness *L, struct bc_slot **out, size_t *nr)
{
	struct bc_slot *v = calloc(L->nr_slots + 1, sizeof(*v));

	*out = v;
	*nr = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < L->nr_slots; i++) {
		struct bc_slot *s = &v[(*nr)++];

		s->construct = strdup(BC_CONSTRUCT_ALLOCA);
		s->name = strdup(L->slots[i].name ? L->slots[i].name : "");
		if (!s->construct || !s->name)
			return -ENOMEM;
		s->bytes = L->slots[i].bytes;
		s->live_at_peak = L->slots[i].live_at_peak;
	}
	return 0;
}

static int function_slots(LLVMModuleRef mod, const struct bc_prov_table *prov,
			  struct bc_fn_slots **out, size_t *nr_out)
{
	LLVMTargetDataRef td = LLVMGetModuleDataLayout(mod);
	struct bc_fn_slots *v = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn && !err; fn = LLVMGetNextFunction(fn)) {
		struct bc_liveness L;
		struct bc_fn_slots *fs;
		const char *name;
		size_t len;

		if (LLVMIsDeclaration(fn))
			continue;
		if (BC_GROW(v, cap, n + 1)) {
			err = -ENOMEM;
			break;
		}
		fs = &v[n++];
		memset(fs, 0, sizeof(*fs));
		name = LLVMGetValueName2(fn, &len);
		fs->name = strndup(name, len);
		if (!fs->name) {
			err = -ENOMEM;
			break;
		}
		err = bc_liveness_compute(fn, td, &L);
		if (err)
			break;
		err = prov ? bc_prov_slots(prov, fn, &L, &fs->slots, &fs->nr_slots) :
			     plain_slots(&L, &fs->slots, &fs->nr_slots);
		bc_fn_slots_take_liveness(fs, &L);
		bc_liveness_free(&L);
	}
	*out = v;
	*nr_out = n;
	return err;
}

static int fail_out(struct bc_compile_out *out, int err, const char *message)
{
	out->err = err;
	out->message = strdup(err == -ENOMEM || !message ? "out of memory" : message);
	return err;
}

int bc_compile_to_object(struct bc_ir_module *m, const struct bc_prov_table *prov,
			 const struct bc_compile_opts *o, struct bc_compile_out *out)
{
	struct bc_backend_opts bo = { .cpu = o ? o->cpu : NULL };
	struct bc_backend b;
	uint64_t t0;
	int err;

	memset(out, 0, sizeof(*out));
	err = bc_backend_init(&b, m, &bo);
	if (err) {
		fail_out(out, err, b.error ? b.error : "cannot set up the BPF backend");
		goto out;
	}
	if (!o || !o->no_optimize)
		err = bc_backend_optimize(&b, m, &out->st.opt_ns);
	else if (bc_ir_pipeline_only_intrinsic(m->mod))
		err = bc_backend_lower(&b, m, &out->st.opt_ns);
	if (err) {
		fail_out(out, err, b.error ? b.error : "optimisation failed");
		goto out;
	}
	t0 = now_ns();
	err = function_slots(m->mod, prov, &out->fs, &out->nr_fs);
	out->st.analyze_ns = now_ns() - t0;
	out->st.nr_functions = out->nr_fs;
	if (err) {
		fail_out(out, err, "out of memory while analysing the generated IR");
		goto out;
	}
	err = bc_backend_emit(&b, m, &out->res);
	out->st.codegen_ns = out->res.codegen_ns;
	if (err)
		fail_out(out, err, b.error ? b.error : "BPF code generation failed");
out:
	bc_backend_fini(&b);
	return err;
}

int bc_compile_absorb(struct bc_unit *u, const struct bc_target *t, struct bc_compile_out *out)
{
	uint64_t t0 = now_ns();
	int err;

	err = bc_object_analyze(u, out->res.obj, out->res.obj_size, t);
	out->st.object_ns += now_ns() - t0;
	if (err)
		return err;	/* bc_object_analyze failed the unit */
	out->st.nr_attached += bc_fn_slots_attach(u, out->fs, out->nr_fs);
	return 0;
}

int bc_compile_backend_error(struct bc_unit *u, const struct bc_backend_result *res)
{
	if (!res->nr_errors)
		return 0;
	return bc_unit_fail(u, -EINVAL, NULL, "BPF backend: %s", res->errors[0]);
}

void bc_compile_out_free(struct bc_compile_out *out)
{
	bc_backend_result_free(&out->res);
	bc_fn_slots_free(out->fs, out->nr_fs);
	free(out->message);
	memset(out, 0, sizeof(*out));
}
