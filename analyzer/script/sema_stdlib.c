// SPDX-License-Identifier: Apache-2.0
/*
 * Builtins that bpftrace's standard library defines as macros over the
 * current task (src/stdlib/base.bt of each tag): `ppid` is
 * `curtask->real_parent->pid` (0.24, `task.real_parent.pid` with 0.25's
 * auto-dereference), `pcomm` `curtask.group_leader.comm` in 0.25 and
 * `curtask.real_parent.comm` from 0.26, `leader_tid` / `leader_comm` (0.26)
 * the group leader's pid and comm; each takes an optional task argument
 * instead of curtask. Semantic analysis types the builtin as its table row
 * says and keeps the field reads the macro expands to, typed, as the use's
 * expansion (bc_sema_macro_body) for code generation.
 */
#include <string.h>

#include "sema_impl.h"

static const struct {
	const char *name;
	int since, until;	/* until 0: still */
	const char *parent, *field;
} task_macros[] = {
	{ "ppid", BC_BT(24), 0, "real_parent", "pid" },
	{ "pcomm", BC_BT(25), BC_BT(26), "group_leader", "comm" },
	{ "pcomm", BC_BT(26), 0, "real_parent", "comm" },
	{ "leader_tid", BC_BT(26), 0, "group_leader", "pid" },
	{ "leader_comm", BC_BT(26), 0, "group_leader", "comm" },
};

static struct bc_expr *node(struct sema_ctx *c, enum bc_expr_kind kind, const struct bc_span *sp)
{
	struct bc_expr *e = bc_arena_alloc(&c->r->arena, sizeof(*e));

	if (!e) {
		sema_oom(c);
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->span = *sp;
	return e;
}

static struct bc_expr *field(struct sema_ctx *c, struct bc_expr *base, const char *name,
			     const struct bc_span *sp)
{
	struct bc_expr *e = node(c, BC_EXPR_FIELD, sp);

	if (!e)
		return NULL;
	e->u.field.base = base;
	e->u.field.name = name;
	e->u.field.arrow = c->v < BC_BT(25);
	e->u.field.name_span = *sp;
	return e;
}

void sema_stdlib_expand(struct sema_ctx *c, const struct bc_expr *use, const char *name,
			struct bc_expr *task)
{
	struct bc_expr *base, *tail;
	struct bc_block *b;
	bool final = c->final;
	size_t i;

	for (i = 0; i < sizeof(task_macros) / sizeof(task_macros[0]); i++)
		if (!strcmp(task_macros[i].name, name) && c->v >= task_macros[i].since &&
		    (!task_macros[i].until || c->v < task_macros[i].until))
			break;
	if (i == sizeof(task_macros) / sizeof(task_macros[0]))
		return;
	b = (struct bc_block *)bc_sema_macro_body(c->r, use);
	if (!b) {
		base = task;
		if (!base) {
			base = node(c, BC_EXPR_BUILTIN, &use->span);
			if (!base)
				return;
			base->u.name = "curtask";
		}
		tail = field(c, field(c, base, task_macros[i].parent, &use->span),
			     task_macros[i].field, &use->span);
		b = bc_arena_alloc(&c->r->arena, sizeof(*b));
		if (!tail || !tail->u.field.base || !b) {
			sema_oom(c);
			return;
		}
		memset(b, 0, sizeof(*b));
		b->span = use->span;
		b->tail = tail;
		if (sema_macro_record(c, use, b))
			return;
	}
	/* typed quietly: the builtin's own checks have spoken */
	c->final = false;
	sema_expr(c, b->tail, ROLE_NONE);
	c->final = final;
}
