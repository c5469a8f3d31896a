// SPDX-License-Identifier: Apache-2.0
/*
 * Attach points: the raw text of one (e.g. "uprobe:/bin/bash:readline",
 * "k:vfs_read+0x10", "tracepoint:syscalls:sys_enter_*") split into the
 * provider and its ':'-separated parts, as bpftrace's AttachPointParser
 * splits it. Whether the parts fit the provider is left to semantic
 * analysis (bpftrace reports those as attach point errors, not syntax).
 */
#include <string.h>
#include <strings.h>

#include "parse_impl.h"

static const struct {
	const char *name;
	const char *alias;
	enum bc_provider prov;
	enum bc_feature feature;	/* 0: in v0.17 */
} providers[] = {
	{ "BEGIN", NULL, BC_PROV_BEGIN, 0 },
	{ "END", NULL, BC_PROV_END, 0 },
	{ "kprobe", "k", BC_PROV_KPROBE, 0 },
	{ "kretprobe", "kr", BC_PROV_KRETPROBE, 0 },
	{ "uprobe", "u", BC_PROV_UPROBE, 0 },
	{ "uretprobe", "ur", BC_PROV_URETPROBE, 0 },
	{ "usdt", "U", BC_PROV_USDT, 0 },
	{ "tracepoint", "t", BC_PROV_TRACEPOINT, 0 },
	{ "profile", "p", BC_PROV_PROFILE, 0 },
	{ "interval", "i", BC_PROV_INTERVAL, 0 },
	{ "software", "s", BC_PROV_SOFTWARE, 0 },
	{ "hardware", "h", BC_PROV_HARDWARE, 0 },
	{ "watchpoint", "w", BC_PROV_WATCHPOINT, 0 },
	{ "asyncwatchpoint", "aw", BC_PROV_ASYNCWATCHPOINT, 0 },
	{ "kfunc", "f", BC_PROV_KFUNC, 0 },
	{ "kretfunc", "fr", BC_PROV_KRETFUNC, 0 },
	{ "iter", "it", BC_PROV_ITER, 0 },
	{ "rawtracepoint", "rt", BC_PROV_RAWTRACEPOINT, BC_FEAT_RAWTRACEPOINT },
	{ "fentry", NULL, BC_PROV_FENTRY, BC_FEAT_FENTRY },
	{ "fexit", NULL, BC_PROV_FEXIT, BC_FEAT_FENTRY },
	{ "self", NULL, BC_PROV_SELF, BC_FEAT_SELF_PROBE },
};

#define NR_PROVIDERS (sizeof(providers) / sizeof(providers[0]))

/* Splits RAW[0..len) at unquoted ':' into unquoted, unescaped parts. */
static void split_parts(struct parser *p, const char *raw, size_t len, struct pvec *parts,
			bool *wildcard)
{
	char *buf = p_alloc(p, len + 1);
	size_t o = 0;
	bool quoted = false;

	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? raw[i] : 0;

		if (i == len || (c == ':' && !quoted)) {
			pv_push(p, parts, p_strndup(p, buf, o));
			o = 0;
			continue;
		}
		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted && c == '\\' && i + 1 < len) {
			buf[o++] = raw[++i];
			continue;
		}
		if (!quoted && (c == '*' || c == '[' || c == '?'))
			*wildcard = true;
		buf[o++] = c;
	}
}

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*[?") != NULL;
}

struct bc_attach_point *parse_attach_point_text(struct parser *p, uint32_t start, uint32_t end)
{
	struct bc_attach_point *ap = p_alloc(p, sizeof(*ap));
	const char *raw = p->lx.src + start;
	size_t len = end - start, name_len = 0;
	struct pvec parts = { 0 };
	const char *prov;

	ap->span = mkspan(p, start, end);
	ap->raw = p_strndup(p, raw, len);

	/* name=provider:... (v0.25) */
	if (len && bc_lex_is_ident_start((unsigned char)raw[0])) {
		size_t i = 1;

		while (i < len && bc_lex_is_ident_char((unsigned char)raw[i]))
			i++;
		if (i < len && raw[i] == '=') {
			ap->name = p_strndup(p, raw, i);
			name_len = i + 1;
			feature(p, BC_FEAT_PROBE_NAME, start, start + i + 1);
		}
	}
	split_parts(p, raw + name_len, len - name_len, &parts, &ap->wildcard);
	prov = parts.n ? parts.v[0] : "";
	ap->provider_text = prov;
	ap->provider = BC_PROV_UNKNOWN;
	if (!has_wildcard(prov)) {
		size_t i;

		for (i = 0; i < NR_PROVIDERS; i++) {
			if (!strcmp(prov, providers[i].name))
				break;
			if (providers[i].alias && !strcmp(prov, providers[i].alias)) {
				ap->alias = true;
				break;
			}
		}
		if (i == NR_PROVIDERS) {
			/* v0.24+: providers are case-insensitive (begin, END, Kprobe) */
			for (i = 0; i < NR_PROVIDERS; i++)
				if (!strcasecmp(prov, providers[i].name))
					break;
			if (i < NR_PROVIDERS)
				feature(p, BC_FEAT_LOWERCASE_PROVIDER, start + name_len,
					start + name_len + strlen(prov));
		}
		if (i < NR_PROVIDERS) {
			ap->provider = providers[i].prov;
			if (providers[i].feature)
				feature(p, providers[i].feature, start + name_len,
					start + name_len + strlen(prov));
		}
	}
	ap->nr_parts = parts.n ? parts.n - 1 : 0;
	ap->parts = p_alloc(p, (ap->nr_parts ? ap->nr_parts : 1) * sizeof(*ap->parts));
	for (size_t i = 0; i < ap->nr_parts; i++)
		ap->parts[i] = parts.v[i + 1];

	/* fn+offset for kprobes and uprobes */
	if (ap->nr_parts &&
	    (ap->provider == BC_PROV_KPROBE || ap->provider == BC_PROV_KRETPROBE ||
	     ap->provider == BC_PROV_UPROBE || ap->provider == BC_PROV_URETPROBE)) {
		const char *last = ap->parts[ap->nr_parts - 1];
		const char *plus = strrchr(last, '+');

		if (plus && plus > last) {
			uint64_t v;
			enum bc_int_suffix sfx;
			char err[128];

			if (bc_lex_int_eval(plus + 1, strlen(plus + 1), p->v017, &v, &sfx, err,
					    sizeof(err)) == 0 && sfx == BC_INT_PLAIN) {
				ap->has_offset = true;
				ap->offset = v;
				ap->parts[ap->nr_parts - 1] = p_strndup(p, last, plus - last);
			}
		}
	}
	return ap;
}
