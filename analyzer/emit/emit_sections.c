// SPDX-License-Identifier: Apache-2.0
/* bpftrace probe names to libbpf section names (see emit_sections.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../core/diag.h"
#include "../script/builtins.h"
#include "emit_sections.h"

static bool wildcard(const char *s)
{
	return s && strpbrk(s, "*?[") != NULL;
}

static char *fail(const char **why, const char *msg)
{
	*why = msg;
	errno = EOPNOTSUPP;
	return NULL;
}

char *bc_emit_section(const char *name, int version, const char **why)
{
	char *copy = strdup(name), *parts[4] = { NULL }, *save = NULL, *tok, *out = NULL;
	enum bc_probe_type pt;
	size_t n = 0;

	*why = NULL;
	errno = 0;
	if (!copy)
		return NULL;
	/* provider, then at most three parts; a uprobe path keeps its colons
	 * only in the last part, which is what bpftrace allows */
	for (tok = strtok_r(copy, ":", &save); tok && n < 3; tok = strtok_r(NULL, ":", &save))
		parts[n++] = tok;
	if (tok)
		parts[n++] = tok + 0;
	pt = n ? bc_probe_type_parse(parts[0], version) : BC_PROBE_INVALID;
	switch (pt) {
	case BC_PROBE_BEGIN:
	case BC_PROBE_END:
		out = bc_strdup_printf("uprobe//proc/self/exe:%s_trigger",
				       pt == BC_PROBE_BEGIN ? "BEGIN" : "END");
		break;
	case BC_PROBE_KPROBE:
	case BC_PROBE_KRETPROBE: {
		const char *f = parts[n - 1];
		const char *kind = pt == BC_PROBE_KPROBE ? "kprobe" : "kretprobe";

		if (n < 2)
			break;
		out = bc_strdup_printf("%s%s/%s", kind, wildcard(f) ? ".multi" : "", f);
		break;
	}
	case BC_PROBE_UPROBE:
	case BC_PROBE_URETPROBE: {
		const char *kind = pt == BC_PROBE_UPROBE ? "uprobe" : "uretprobe";

		if (n < 3)
			break;
		out = bc_strdup_printf("%s%s/%s:%s", kind,
				       wildcard(parts[1]) || wildcard(parts[2]) ? ".multi" : "",
				       parts[1], parts[2]);
		break;
	}
	case BC_PROBE_TRACEPOINT:
		if (n == 3)
			out = bc_strdup_printf("tracepoint/%s/%s", parts[1], parts[2]);
		break;
	case BC_PROBE_RAWTRACEPOINT:
		if (n >= 2)
			out = bc_strdup_printf("raw_tp/%s", parts[n - 1]);
		break;
	case BC_PROBE_KFUNC:
	case BC_PROBE_KRETFUNC:
		if (n < 2)
			break;
		if (wildcard(parts[n - 1])) {
			free(copy);
			return fail(why, "libbpf has no section for a wildcard fentry/fexit program");
		}
		out = bc_strdup_printf("%s/%s", pt == BC_PROBE_KFUNC ? "fentry" : "fexit",
				       parts[n - 1]);
		break;
	case BC_PROBE_PROFILE:
	case BC_PROBE_INTERVAL:
	case BC_PROBE_SOFTWARE:
	case BC_PROBE_HARDWARE:
	case BC_PROBE_WATCHPOINT:
	case BC_PROBE_ASYNCWATCHPOINT:
		out = strdup("perf_event");
		break;
	case BC_PROBE_ITER:
		if (n >= 2)
			out = bc_strdup_printf("iter/%s", parts[n - 1]);
		break;
	default:
		free(copy);
		return fail(why, "no libbpf section for this probe type");
	}
	free(copy);
	if (!out && errno != ENOMEM)
		return fail(why, "the probe's attach point is incomplete");
	return out;
}
