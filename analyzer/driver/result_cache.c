// SPDX-License-Identifier: Apache-2.0
/* The result cache (see result_cache.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../base/array.h"
#include "../base/sbuf.h"
#include "../core/analysis.h"
#include "../core/cache_file.h"
#include "../core/target.h"
#include "../core/unit.h"
#include "../frontend/c_compile.h"
#include "../script/parser.h"
#include "../script/sema.h"
#include "result_cache.h"
#include "result_json.h"

#define FORMAT "bpfcheck-result/1"

extern char **environ;

/* Two unrelated 64-bit hashes of the same bytes (FNV-1a, and a
 * multiply-rotate mix): a 128-bit fingerprint. */
static void hash128(const unsigned char *p, size_t n, uint64_t h[2])
{
	uint64_t a = 0xcbf29ce484222325ull, b = 0x9e3779b97f4a7c15ull ^ n;

	for (size_t i = 0; i < n; i++) {
		a = (a ^ p[i]) * 0x100000001b3ull;
		b = (b ^ p[i]) * 0xff51afd7ed558ccdull;
		b = (b << 29) | (b >> 35);
	}
	b ^= b >> 33;
	b *= 0xc4ceb9fe1a85ec53ull;
	b ^= b >> 33;
	h[0] = a;
	h[1] = b;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* BPFTRACE_* variables (script settings, analyzer/script/profile.h), sorted. */
static void bpftrace_env(struct bc_sbuf *b)
{
	const char **v = NULL;
	size_t n = 0, cap = 0;

	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, "BPFTRACE_", 9))
			continue;
		if (BC_GROW(v, cap, n + 1)) {
			b->oom = true;
			break;
		}
		v[n++] = *e;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		bc_sbuf_puts(b, v[i]);
		bc_sbuf_putc(b, '\n');
	}
	free(v);
}

/* The executable, by its file: a rebuilt bpfcheck has other results. Taken
 * once per process (the code running is the code that was started, even if
 * the file is replaced meanwhile); empty when it cannot be read. */
static char self_id[160];
static pthread_once_t self_once = PTHREAD_ONCE_INIT;

static void self_identity_init(void)
{
	struct stat st;

	if (stat("/proc/self/exe", &st))
		return;
	snprintf(self_id, sizeof(self_id), "exe=%ju:%ju:%jd:%jd.%09ld\n", (uintmax_t)st.st_dev,
		 (uintmax_t)st.st_ino, (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec);
}

static bool self_identity(struct bc_sbuf *b)
{
	pthread_once(&self_once, self_identity_init);
	if (!self_id[0])
		return false;
	bc_sbuf_puts(b, self_id);
	return true;
}

void bc_result_key_init(struct bc_result_key *k, const struct bc_unit *u,
			const struct bc_analysis *a)
{
	struct bc_sbuf b = { 0 };
	uint64_t h[2];
	char *target;

	memset(k, 0, sizeof(*k));
	if (!a->result_cache || !a->target || !a->target->cache_dir || !*a->target->cache_dir ||
	    u->status || u->kind == BC_KIND_UNKNOWN || !u->data)
		return;
	target = bc_target_identity(a->target);
	if (!target)
		return;
	bc_sbuf_printf(&b, "%s\nversion=%s\n", FORMAT, BC_VERSION);
	if (!self_identity(&b)) {
		free(target);
		free(bc_sbuf_finish(&b));
		return;
	}
	/* C definitions and headers are evaluated by the clang shim when it is
	 * there, and reported as not evaluated when it is not */
	bc_sbuf_printf(&b, "clang_shim=%s\n", bc_c_shim_identity());
	bc_sbuf_printf(&b, "target=%s\n", target);
	free(target);
	bc_sbuf_puts(&b, "rules=");
	for (size_t i = 0; i < BC_NR_RULE_IDS; i++)
		bc_sbuf_printf(&b, "%c%d", a->rules[i].disabled ? '-' : '+', a->rules[i].severity);
	bc_sbuf_printf(&b, "\nskip_stack_facts=%d aot=%d\n", a->skip_stack_facts, a->aot);
	bpftrace_env(&b);
	hash128(u->data, u->size, h);
	bc_sbuf_printf(&b, "path=%s\ndisplay=%s\nkind=%d\nsize=%zu\ncontent=%016jx%016jx\n",
		       u->path, u->display_path, (int)u->kind, u->size, (uintmax_t)h[0],
		       (uintmax_t)h[1]);
	k->text = bc_sbuf_finish(&b);
	if (!k->text)
		return;
	hash128((const unsigned char *)k->text, strlen(k->text), h);
	k->dir = a->target->cache_dir;
	if (asprintf(&k->file, "%s/result-%016jx%016jx.json", k->dir, (uintmax_t)h[0],
		     (uintmax_t)h[1]) < 0) {
		k->file = NULL;
		bc_result_key_free(k);
	}
}

void bc_result_key_free(struct bc_result_key *k)
{
	free(k->text);
	free(k->file);
	memset(k, 0, sizeof(*k));
}

/* The entry's results when FILE holds one for KEY. */
static json_t *read_entry(const char *file, const char *key)
{
	json_t *root = bc_cache_read_json(file, BC_RESULT_CACHE_MAX_BYTES), *results = NULL;
	const char *format, *stored;

	if (!json_unpack(root, "{s:s, s:s, s:o}", "format", &format, "key", &stored, "results",
			 &results) && !strcmp(format, FORMAT) && !strcmp(stored, key))
		json_incref(results);
	else
		results = NULL;
	json_decref(root);
	return results;
}

bool bc_result_cache_get(const struct bc_result_key *k, struct bc_unit *u,
			 const struct bc_analysis *a)
{
	struct bc_parse_opts po = { .bpftrace = a->target->bpftrace };
	struct bc_diags d, parsed;
	struct bc_facts f;
	json_t *results;
	int err;

	if (!k->text)
		return false;
	results = read_entry(k->file, k->text);
	if (!results)
		return false;
	err = bc_result_from_json(results, &d, &f);
	json_decref(results);
	if (err)
		return false;
	/* the script's items, for reporters that quote them (fingerprints);
	 * what the parse reports is already among the cached diagnostics */
	if (u->kind == BC_KIND_SCRIPT) {
		parsed = u->diags;
		memset(&u->diags, 0, sizeof(u->diags));
		err = bc_script_parse_unit(u, &po);
		bc_diags_free(&u->diags);
		u->diags = parsed;
		if (err == -ENOMEM) {
			bc_diags_free(&d);
			bc_facts_free(&f);
			return false;
		}
	}
	bc_diags_free(&u->diags);
	bc_facts_free(&u->facts);
	u->diags = d;
	u->facts = f;
	return true;
}

int bc_result_cache_put(const struct bc_result_key *k, const struct bc_unit *u)
{
	json_t *results, *root;
	int err;

	if (!k->text || u->status)
		return 0;
	/* figures that are missing for want of kernel data (BC105) are not
	 * kept: the next run may have the kernel's tracefs or BTF */
	if (u->kernel_gaps || u->kernel_gap_probes)
		return 0;
	/* uprobe arguments come from the binary's debug info: another file */
	if (u->kind == BC_KIND_SCRIPT && bc_sema_reads_binaries(bc_sema_of(u)))
		return 0;
	/* C goes through clang with its headers, -I, -D and compile_commands.json:
	 * none of them is part of the key */
	if (u->kind == BC_KIND_C_SOURCE)
		return 0;
	results = bc_result_to_json(&u->diags, &u->facts);
	if (!results)
		return -ENOMEM;
	root = json_pack("{s:s, s:s, s:o}", "format", FORMAT, "key", k->text, "results", results);
	if (!root)
		return -ENOMEM;
	err = bc_cache_write_json(k->dir, k->file, root);
	json_decref(root);
	return err;
}
