// SPDX-License-Identifier: Apache-2.0
/*
 * bpfcheck emit (analyzer/emit/emit.h), proven by the kernel: emitted
 * objects are opened with libbpf (bpf_object__open_file) and loaded
 * (bpf_object__load) with verifier statistics (log level 4), whose
 * "stack depth" must equal bpfcheck's figure for the emitted object. A
 * program that does not load has its level-2 log printed. Tests that load
 * skip() where the kernel does not let this process load programs.
 *
 *  - every Debian tool (the .bt files of /usr/sbin) that bpftrace 0.17 compiles: at
 *    least 90% load;
 *  - scripts over 512 bytes on 0.17 (BPFTRACE_STRLEN=200): without the
 *    scratch rewrite the backend refuses them, with it every program loads;
 *  - IR whose inlined records overflow the stack (clang refuses the object),
 *    and the same records emitted from their C directly;
 *  - len(): scripts' counting loops and C's (the loops BC301 finds) call
 *    bpf_map_sum_elem_count in the translated code, and the C program's
 *    counts, read after BPF_PROG_TEST_RUN, are the loops';
 *  - no object has an .eh_frame (libbpf skips it with a message);
 *  - section names, bad input, atomic writes.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <gelf.h>
#include <libelf.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "analyzer/core/analysis.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "analyzer/emit/emit.h"
#include "analyzer/emit/emit_sections.h"
#include "analyzer/maps/map_kfunc.h"
#include "analyzer/script/builtins.h"
#include "analyzer/script/parser.h"
#include "analyzer/script/sema.h"
#include "support/dirs.h"

#define LOG_SIZE (1u << 24)

static char *build_dir(void)
{
	const char *b = getenv("BC_BUILD");

	return strdup(b && *b ? b : "build");
}

/* A file under the build directory for this test; heap string. */
static char *tmp_path(const char *name)
{
	char *b = build_dir(), *dir, *p;

	assert_non_null(b);
	dir = bc_strdup_printf("%s/tests/emit-tmp", b);
	assert_non_null(dir);
	mkdir(dir, 0755);
	p = bc_strdup_printf("%s/%s", dir, name);
	assert_non_null(p);
	free(dir);
	free(b);
	return p;
}

/* Whether the ELF object OBJ has a section NAME (libelf). */
static bool has_section(const void *obj, size_t size, const char *name)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool found = false;

	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	elf = elf_memory((char *)obj, size);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		assert_non_null(gelf_getshdr(scn, &sh));
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		found |= n && !strcmp(n, name);
	}
	elf_end(elf);
	return found;
}

/* ---- loading ---- */

/* Whether this process may load BPF programs (root, BPF enabled). */
static bool can_load(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns, 2, NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

struct loaded {
	int err;		/* bpf_object__load's */
	size_t nr_progs;
	size_t nr_depth_ok;	/* programs whose verifier depth equals bpfcheck's */
	char *why;		/* the level-2 log of the program that failed, or a depth mismatch */
};

/* The first "stack depth N" of LOG (the program's own frame). */
static long verifier_depth(const char *log)
{
	const char *p = strstr(log, "stack depth ");

	return p ? strtol(p + 12, NULL, 10) : -1;
}

static const struct bc_emit_prog *prog_of(const struct bc_emit_result *r, const char *name)
{
	for (size_t i = 0; i < r->nr_progs; i++)
		if (!strcmp(r->progs[i].name, name))
			return &r->progs[i];
	return NULL;
}

/* Opens PATH, loads it with LEVEL, fills OUT; 0 when it loaded. */
static int load_once(const char *path, const struct bc_emit_result *r, unsigned level,
		     struct loaded *out)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;
	size_t nprog = 0;
	char **logs;
	int err;

	assert_non_null(obj);
	bpf_object__for_each_program(p, obj)
		nprog++;
	logs = calloc(nprog + 1, sizeof(*logs));
	assert_non_null(logs);
	nprog = 0;
	bpf_object__for_each_program(p, obj) {
		logs[nprog] = calloc(1, LOG_SIZE);
		assert_non_null(logs[nprog]);
		bpf_program__set_log_buf(p, logs[nprog], LOG_SIZE);
		bpf_program__set_log_level(p, level);
		nprog++;
	}
	err = bpf_object__load(obj);
	out->err = err;
	out->nr_progs = nprog;
	nprog = 0;
	bpf_object__for_each_program(p, obj) {
		const struct bc_emit_prog *ep = prog_of(r, bpf_program__name(p));
		long depth = verifier_depth(logs[nprog]);

		if (err && logs[nprog][0] && !out->why) {
			size_t len = strlen(logs[nprog]);

			out->why = bc_strdup_printf("%s: %s", bpf_program__name(p),
						    logs[nprog] + (len > 6000 ? len - 6000 : 0));
		}
		if (!err && ep && depth == (long)ep->stack_after)
			out->nr_depth_ok++;
		else if (!err && !out->why)
			out->why = bc_strdup_printf("%s: verifier stack depth %ld, bpfcheck %u",
						    bpf_program__name(p), depth,
						    ep ? ep->stack_after : 0);
		free(logs[nprog++]);
	}
	free(logs);
	bpf_object__close(obj);
	return err;
}

/* Writes R's object to PATH (atomically) and loads it; on failure the
 * level-2 log says why. */
static int load(const char *path, const struct bc_emit_result *r, struct loaded *out)
{
	char *why = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	assert_int_equal(bc_write_atomic(path, r->obj, r->obj_size, &why), 0);
	libbpf_set_print(quiet);
	err = load_once(path, r, 4, out);
	if (err) {
		free(out->why);
		memset(out, 0, sizeof(*out));
		load_once(path, r, 2, out);
		out->err = err;
	}
	return err;
}

/* ---- emitting ---- */

/* Parses and analyses TEXT as PATH for bpftrace VERSION with environment
 * ENVP, then emits it. Returns bc_emit_unit's result, or 1 when semantic
 * analysis (or parsing) refused the script, as bpftrace would. */
static int emit_text(const char *path, const char *text, int version, char *const *envp,
		     enum bc_emit_scratch scratch, struct bc_unit *u, struct bc_emit_result *r)
{
	struct bc_parse_opts po = { .bpftrace = version };
	struct bc_emit_opts eo = { .scratch = scratch };
	struct bc_target t;
	struct bc_sema_opts so;
	struct bc_sema *sema = NULL;
	int err;

	memset(r, 0, sizeof(*r));
	assert_int_equal(bc_target_init(&t), 0);
	t.bpftrace = version;
	t.bpftrace_explicit = true;
	assert_int_equal(bc_unit_load_mem(u, path, text, strlen(text)), 0);
	err = bc_script_parse_unit(u, &po);
	if (err || !u->script || ((struct bc_script *)u->script)->nr_errors) {
		bc_target_free(&t);
		return 1;
	}
	bc_sema_opts_from_target(&so, &t);
	so.envp = envp;
	assert_int_equal(bc_sema_run(u, u->script, &so, &sema), 0);
	bc_sema_attach(u, sema);
	if (bc_sema_nr_errors(sema)) {
		bc_target_free(&t);
		return 1;
	}
	err = bc_emit_unit(u, &t, &eo, r);
	bc_target_free(&t);
	return err;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* ---- the Debian tools ---- */

static void debian_tools(void **state)
{
	DIR *d = opendir("/usr/sbin");
	size_t compiled = 0, loaded = 0, depth_ok = 0, progs = 0;
	struct dirent *de;
	char *obj = tmp_path("tool.o");

	if (!d)
		skip();
	if (!can_load() || !bc_test_live_tracefs()) {
		closedir(d);
		free(obj);
		skip();
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct bc_emit_result r;
		struct bc_unit u = { 0 };
		struct loaded l;
		char *path, *text;
		int err;

		if (n < 4 || strcmp(de->d_name + n - 3, ".bt"))
			continue;
		path = bc_strdup_printf("/usr/sbin/%s", de->d_name);
		text = slurp(path);
		if (!text) {
			free(path);
			continue;
		}
		err = emit_text(path, text, BC_BTV(0, 17, 0), NULL, BC_EMIT_SCRATCH_FLAGGED, &u, &r);
		if (err == 1) {
			printf("  %-16s refused by semantic analysis (bpftrace 0.17 refuses it too)\n",
			       de->d_name);
		} else if (err) {
			compiled++;
			printf("  %-16s not emitted: %s\n", de->d_name, u.error ? u.error : "?");
		} else {
			compiled++;
			if (!load(obj, &r, &l)) {
				loaded++;
				depth_ok += l.nr_depth_ok;
				progs += l.nr_progs;
				if (l.why)
					printf("  %-16s %s\n", de->d_name, l.why);
			} else {
				printf("  %-16s does not load (%d): %s\n", de->d_name, l.err,
				       l.why ? l.why : "");
			}
			free(l.why);
		}
		bc_emit_result_free(&r);
		bc_unit_free(&u);
		free(text);
		free(path);
	}
	closedir(d);
	unlink(obj);
	free(obj);
	if (!compiled)
		skip();
	printf("  Debian tools: %zu of %zu emitted objects load; verifier stack depth equals bpfcheck's for %zu of %zu programs\n",
	       loaded, compiled, depth_ok, progs);
	assert_true(loaded * 100 >= compiled * 90);
	assert_int_equal(depth_ok, progs);
}

/* ---- over the limit on 0.17 ---- */

static char *const strlen200[] = { "BPFTRACE_STRLEN=200", NULL };

static const char *const over_limit[] = {
	/* four str() in one printf */
	"kprobe:do_sys_openat2 { printf(\"%s %s %s %s\\n\", str(arg0), str(arg1), str(arg2), str(arg3)); }\n",
	/* a map keyed by two strings with a tuple value */
	"kprobe:do_sys_openat2 { @m[str(arg0), str(arg1)] = (comm, pid, str(arg2)); }\n",
	/* BC211's example */
	"kprobe:do_sys_openat2 {\n  $s = str(arg1);\n  @a[comm, $s] = count();\n  printf(\"%s %s %s\\n\", $s, str(arg2), comm);\n}\n",
};

static void over_limit_017(void **state)
{
	char *obj = tmp_path("over.o");
	bool may_load = can_load();

	for (size_t i = 0; i < sizeof(over_limit) / sizeof(over_limit[0]); i++) {
		struct bc_emit_result r;
		struct bc_unit u = { 0 };
		struct loaded l;

		/* without the rewrite the backend refuses it, as bpftrace 0.17 does */
		assert_int_not_equal(emit_text("over.bt", over_limit[i], BC_BTV(0, 17, 0), strlen200,
					       BC_EMIT_SCRATCH_NONE, &u, &r), 0);
		assert_non_null(strstr(u.error, "stack"));
		bc_unit_free(&u);

		memset(&u, 0, sizeof(u));
		assert_int_equal(emit_text("over.bt", over_limit[i], BC_BTV(0, 17, 0), strlen200,
					   BC_EMIT_SCRATCH_FLAGGED, &u, &r), 0);
		assert_int_equal(r.nr_progs, 1);
		assert_true(r.progs[0].stack_before > 512);
		assert_true(r.progs[0].stack_after <= 512);
		assert_true(r.progs[0].nr_moved > 0);
		assert_false(has_section(r.obj, r.obj_size, ".eh_frame"));
		if (may_load) {
			if (load(obj, &r, &l))
				fail_msg("script %zu does not load: %s", i, l.why ? l.why : "");
			if (l.nr_depth_ok != l.nr_progs)
				fail_msg("script %zu: %s", i, l.why ? l.why : "");
			free(l.why);
		}
		bc_emit_result_free(&r);
		bc_unit_free(&u);
	}
	unlink(obj);
	free(obj);
	if (!may_load)
		skip();
}

/* --scratch all moves every script-dependent slot; the object still loads. */
static void scratch_all(void **state)
{
	struct bc_emit_result flagged, all;
	struct bc_unit u1 = { 0 }, u2 = { 0 };
	char *obj = tmp_path("all.o");
	struct loaded l;

	assert_int_equal(emit_text("a.bt", over_limit[2], BC_BTV(0, 17, 0), strlen200,
				   BC_EMIT_SCRATCH_FLAGGED, &u1, &flagged), 0);
	assert_int_equal(emit_text("a.bt", over_limit[2], BC_BTV(0, 17, 0), strlen200,
				   BC_EMIT_SCRATCH_ALL, &u2, &all), 0);
	assert_true(all.progs[0].nr_moved >= flagged.progs[0].nr_moved);
	assert_true(all.progs[0].stack_after <= flagged.progs[0].stack_after);
	if (can_load()) {
		if (load(obj, &all, &l))
			fail_msg("--scratch all does not load: %s", l.why ? l.why : "");
		free(l.why);
	}
	bc_emit_result_free(&flagged);
	bc_emit_result_free(&all);
	bc_unit_free(&u1);
	bc_unit_free(&u2);
	unlink(obj);
	free(obj);
}

/* ---- IR whose inlined records overflow the stack ---- */

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void ir_records(void **state)
{
	const char *src = getenv("BC_SRCDIR");
	char *ll = tmp_path("records.ll"), *o = tmp_path("records.o"), *obj = tmp_path("rec_e.o");
	char *cmd, *text;
	struct bc_emit_result r;
	struct bc_unit u = { 0 };
	struct bc_target t;
	struct loaded l;
	const char *flags = "-target bpf -O2 -g -I/usr/include/$(cc -dumpmachine)";

	cmd = bc_strdup_printf("clang-19 %s -c %s/fixtures/emit/records.bpf.c -o %s 2>/dev/null",
			       flags, src ? src : ".", o);
	/* clang refuses the object: the stack limit is exceeded */
	assert_int_not_equal(run(cmd), 0);
	free(cmd);
	cmd = bc_strdup_printf("clang-19 %s -S -emit-llvm %s/fixtures/emit/records.bpf.c -o %s",
			       flags, src ? src : ".", ll);
	assert_int_equal(run(cmd), 0);
	free(cmd);
	text = slurp(ll);
	assert_non_null(text);
	assert_int_equal(bc_target_init(&t), 0);
	assert_int_equal(bc_unit_load_mem(&u, ll, text, strlen(text)), 0);
	assert_int_equal(bc_emit_unit(&u, &t, NULL, &r), 0);
	assert_int_equal(r.nr_progs, 1);
	assert_string_equal(r.progs[0].section, "kprobe/do_sys_openat2");
	assert_true(r.progs[0].stack_before > 512);
	assert_true(r.progs[0].stack_after <= 512);
	assert_int_equal(r.progs[0].nr_moved, 8);
	assert_false(has_section(r.obj, r.obj_size, ".eh_frame"));
	if (can_load()) {
		if (load(obj, &r, &l))
			fail_msg("records IR does not load: %s", l.why ? l.why : "");
		if (l.nr_depth_ok != l.nr_progs)
			fail_msg("%s", l.why ? l.why : "");
		free(l.why);
	}
	bc_emit_result_free(&r);
	bc_unit_free(&u);
	bc_target_free(&t);
	unlink(o);
	unlink(obj);
	free(text);
	free(ll);
	free(o);
	free(obj);
}

/* Points the C front end at the build's clang shim (bpfcheck finds it
 * beside its executable; the tests live one directory down). */
static void use_build_shim(void)
{
	char *b = build_dir(), *shim = bc_strdup_printf("%s/libbpfcheck-clang.so", b);

	assert_non_null(shim);
	setenv("BPFCHECK_CLANG_SHIM", shim, 1);
	free(shim);
	free(b);
}

/* Emits the C file fixtures/emit/NAME for target T (NULL: the running
 * system), compiled in process as `bpfcheck emit NAME.bpf.c` does. */
static int emit_c(const char *name, struct bc_target *t, struct bc_unit *u,
		  struct bc_emit_result *r)
{
	const char *src = getenv("BC_SRCDIR");
	char *path = bc_strdup_printf("%s/fixtures/emit/%s", src ? src : ".", name), *text;
	struct bc_analysis a = { 0 };
	struct bc_emit_opts eo = { .analysis = &a };
	struct bc_target own;
	int err;

	use_build_shim();
	text = slurp(path);
	assert_non_null(text);
	if (!t) {
		assert_int_equal(bc_target_init(&own), 0);
		t = &own;
	}
	assert_int_equal(bc_unit_load_mem(u, path, text, strlen(text)), 0);
	assert_int_equal(u->kind, BC_KIND_C_SOURCE);
	err = bc_emit_unit(u, t, &eo, r);
	if (t == &own)
		bc_target_free(&own);
	free(text);
	free(path);
	return err;
}

/* The records, from their C: compiled in process, through the same IR
 * rewrite, and the kernel loads the result. */
static void c_records(void **state)
{
	char *obj = tmp_path("rec_c.o");
	struct bc_emit_result r;
	struct bc_unit u = { 0 };
	struct loaded l;

	if (emit_c("records.bpf.c", NULL, &u, &r))
		fail_msg("records.bpf.c is not emitted: %s", u.error ? u.error : "?");
	assert_int_equal(r.nr_progs, 1);
	assert_string_equal(r.progs[0].section, "kprobe/do_sys_openat2");
	assert_true(r.progs[0].stack_before > 512);
	assert_true(r.progs[0].stack_after <= 512);
	assert_int_equal(r.progs[0].nr_moved, 8);
	/* named by their debug info, at their declaration in the C file */
	assert_string_equal(r.progs[0].moved[0].what, "variable a (struct rec, in send8)");
	assert_int_equal(r.progs[0].moved[0].span.line, 31);
	assert_false(has_section(r.obj, r.obj_size, ".eh_frame"));
	if (can_load()) {
		if (load(obj, &r, &l))
			fail_msg("records C does not load: %s", l.why ? l.why : "");
		if (l.nr_depth_ok != l.nr_progs)
			fail_msg("%s", l.why ? l.why : "");
		free(l.why);
	}
	bc_emit_result_free(&r);
	bc_unit_free(&u);
	unlink(obj);
	free(obj);
	if (!can_load())
		skip();
}

/* ---- len() ---- */

/* Whether program FD's translated code calls a kfunc (BPF_PSEUDO_KFUNC_CALL). */
static bool calls_kfunc(int fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info), n;
	struct bpf_insn *insns;
	bool found = false;

	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	n = info.xlated_prog_len / sizeof(*insns);
	insns = calloc(n + 1, sizeof(*insns));
	assert_non_null(insns);
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = n * sizeof(*insns);
	info.xlated_prog_insns = (__u64)(uintptr_t)insns;
	len = sizeof(info);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	for (__u32 i = 0; i < n; i++)
		found |= insns[i].code == (BPF_JMP | BPF_CALL) &&
			 insns[i].src_reg == BPF_PSEUDO_KFUNC_CALL;
	free(insns);
	return found;
}

static const char len_script[] =
	"kprobe:vfs_read { @m[pid] = 1; }\ninterval:s:1 { printf(\"%d\\n\", len(@m)); }\n";

/* 0.20 counts with bpf_for_each_map_elem: emit calls the kfunc instead
 * where the kernel has it; 0.24 calls it already. The loaded program's
 * translated code holds the kfunc call. */
static void len_kfunc(void **state)
{
	static const int versions[] = { BC_BTV(0, 20, 0), BC_BTV(0, 24, 0) };
	char *obj = tmp_path("len.o");
	struct bc_kfunc_avail ka = { 0 };
	struct bc_target t;
	bool kernel_has;

	assert_int_equal(bc_target_init(&t), 0);
	assert_int_equal(bc_map_sum_elem_count_avail(&t, &ka), 0);
	kernel_has = ka.has;
	bc_target_free(&t);

	for (size_t k = 0; k < 2; k++) {
		struct bc_emit_result r;
		struct bc_unit u = { 0 };
		struct bpf_object *o;
		struct bpf_program *p;
		bool any = false;
		char *why = NULL;

		assert_int_equal(emit_text("len.bt", len_script, versions[k], NULL,
					   BC_EMIT_SCRATCH_FLAGGED, &u, &r), 0);
		if (!r.nr_len_kfunc && !r.nr_len_loop)
			fail_msg("no len() in the module");
		if (!kernel_has) {
			/* the kernel lacks the kfunc: the loop stays */
			assert_int_equal(r.nr_len_loop, 1);
			bc_emit_result_free(&r);
			bc_unit_free(&u);
			continue;
		}
		assert_int_equal(r.nr_len_kfunc, 1);
		assert_int_equal(r.nr_len_loop, 0);
		if (!can_load()) {
			bc_emit_result_free(&r);
			bc_unit_free(&u);
			continue;
		}
		assert_int_equal(bc_write_atomic(obj, r.obj, r.obj_size, &why), 0);
		o = bpf_object__open_file(obj, NULL);
		assert_non_null(o);
		assert_int_equal(bpf_object__load(o), 0);
		bpf_object__for_each_program(p, o)
			any |= calls_kfunc(bpf_program__fd(p));
		assert_true(any);
		bpf_object__close(o);
		bc_emit_result_free(&r);
		bc_unit_free(&u);
	}
	unlink(obj);
	free(obj);
}

/* C's counting loops (fixtures/emit/count.bpf.c): with the kfunc, the two
 * over the hash map call it and the array's stays; run, the program
 * stores the counts the loops would have (3 elements: 3, 5 + 3, and the
 * array's 4 entries). A kernel without the kfunc keeps every loop. */
static void c_len_kfunc(void **state)
{
	static const __u64 want[3] = { 3, 8, 4 };
	char *obj = tmp_path("count.o"), *why = NULL;
	struct bc_kfunc_avail ka = { 0 };
	struct bc_emit_result r;
	struct bc_unit u = { 0 };
	struct bc_target t;
	struct bpf_object *o;
	struct bpf_program *p;
	int fd_pids, fd_out;

	/* Linux 6.1 has no bpf_map_sum_elem_count: the loops stay */
	assert_int_equal(bc_target_init(&t), 0);
	t.kernel = BC_KV(6, 1);
	t.kernel_explicit = true;
	t.kernel_from_host = false;
	assert_int_equal(bc_map_sum_elem_count_avail(&t, &ka), 0);
	assert_false(ka.has);
	if (emit_c("count.bpf.c", &t, &u, &r))
		fail_msg("count.bpf.c is not emitted: %s", u.error ? u.error : "?");
	assert_int_equal(r.nr_len_kfunc, 0);
	assert_int_equal(r.nr_len_loop, 3);
	bc_emit_result_free(&r);
	bc_unit_free(&u);
	bc_target_free(&t);

	assert_int_equal(bc_target_init(&t), 0);
	assert_int_equal(bc_map_sum_elem_count_avail(&t, &ka), 0);
	bc_target_free(&t);
	memset(&u, 0, sizeof(u));
	if (emit_c("count.bpf.c", NULL, &u, &r))
		fail_msg("count.bpf.c is not emitted: %s", u.error ? u.error : "?");
	assert_false(has_section(r.obj, r.obj_size, ".eh_frame"));
	if (!ka.has) {
		assert_int_equal(r.nr_len_kfunc, 0);
		assert_int_equal(r.nr_len_loop, 3);
	} else {
		assert_int_equal(r.nr_len_kfunc, 2);
		assert_int_equal(r.nr_len_loop, 1);
	}
	if (!can_load()) {
		bc_emit_result_free(&r);
		bc_unit_free(&u);
		free(obj);
		skip();
	}
	assert_int_equal(bc_write_atomic(obj, r.obj, r.obj_size, &why), 0);
	o = bpf_object__open_file(obj, NULL);
	assert_non_null(o);
	assert_int_equal(bpf_object__load(o), 0);
	p = bpf_object__find_program_by_name(o, "count");
	assert_non_null(p);
	assert_int_equal(calls_kfunc(bpf_program__fd(p)), ka.has);
	fd_pids = bpf_map__fd(bpf_object__find_map_by_name(o, "pids"));
	fd_out = bpf_map__fd(bpf_object__find_map_by_name(o, "out"));
	for (__u32 k = 1; k <= 3; k++) {
		__u64 v = k * 100;

		assert_int_equal(bpf_map_update_elem(fd_pids, &k, &v, BPF_ANY), 0);
	}
	{
		LIBBPF_OPTS(bpf_test_run_opts, run_opts);

		assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(p), &run_opts), 0);
	}
	for (__u32 k = 0; k < 3; k++) {
		__u64 v = 0;

		assert_int_equal(bpf_map_lookup_elem(fd_out, &k, &v), 0);
		if (v != want[k])
			fail_msg("out[%u] = %llu after the run, the loop gives %llu", k,
				 (unsigned long long)v, (unsigned long long)want[k]);
	}
	bpf_object__close(o);
	bc_emit_result_free(&r);
	bc_unit_free(&u);
	unlink(obj);
	free(obj);
}

/* ---- sections, bad input ---- */

static void sections(void **state)
{
	static const struct {
		const char *probe, *section;
	} cases[] = {
		{ "kprobe:vfs_read", "kprobe/vfs_read" },
		{ "kprobe:vfs_*", "kprobe.multi/vfs_*" },
		{ "kretprobe:vfs_read", "kretprobe/vfs_read" },
		{ "uprobe:/bin/bash:readline", "uprobe//bin/bash:readline" },
		{ "uretprobe:/bin/bash:readline", "uretprobe//bin/bash:readline" },
		{ "tracepoint:syscalls:sys_enter_openat", "tracepoint/syscalls/sys_enter_openat" },
		{ "kfunc:vfs_read", "fentry/vfs_read" },
		{ "kretfunc:vfs_read", "fexit/vfs_read" },
		{ "profile:hz:99", "perf_event" },
		{ "interval:s:1", "perf_event" },
		{ "software:cpu-clock:1000", "perf_event" },
		{ "BEGIN", "uprobe//proc/self/exe:BEGIN_trigger" },
		{ "END", "uprobe//proc/self/exe:END_trigger" },
		{ "iter:task", "iter/task" },
	};
	const char *why;
	char *s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = bc_emit_section(cases[i].probe, BC_BTV(0, 17, 0), &why);
		assert_non_null(s);
		assert_string_equal(s, cases[i].section);
		free(s);
	}
	s = bc_emit_section("kfunc:vfs_*", BC_BTV(0, 17, 0), &why);
	assert_null(s);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_non_null(why);
}

/* A construct the code generation model does not cover is named with its
 * span, and nothing is produced. */
static void unsupported_construct(void **state)
{
	struct bc_emit_result r;
	struct bc_unit u = { 0 };

	assert_int_not_equal(emit_text("k.bt", "BEGIN { printf(\"%d\\n\", kaddr(\"avenrun\")); }\n",
				       BC_BTV(0, 17, 0), NULL, BC_EMIT_SCRATCH_FLAGGED, &u, &r), 0);
	assert_non_null(strstr(u.error, "kaddr"));
	assert_int_equal(u.error_span.line, 1);
	assert_null(r.obj);
	bc_unit_free(&u);
}

/* The object is written through a temporary file and a rename: a failed
 * write leaves the old file as it was. */
static void atomic_write(void **state)
{
	char *p = tmp_path("atomic.o"), *why = NULL, *text;

	assert_int_equal(bc_write_atomic(p, "one", 3, &why), 0);
	assert_int_not_equal(bc_write_atomic("/nonexistent-dir/x.o", "two", 3, &why), 0);
	assert_non_null(why);
	free(why);
	text = slurp(p);
	assert_string_equal(text, "one");
	free(text);
	unlink(p);
	free(p);
}

/* The command: a script with errors exits 2 and writes nothing; a good
 * one writes the object and, with --emit-llvm, the IR. */
static void cli(void **state)
{
	char *b = build_dir(), *bad = tmp_path("bad.bt"), *good = tmp_path("good.bt");
	char *out = tmp_path("cli.o"), *ll = tmp_path("cli.ll"), *cmd;
	struct stat st;
	FILE *f;

	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("kprobe:vfs_read { @x = nosuchfunc(1); }\n", f);
	fclose(f);
	f = fopen(good, "w");
	assert_non_null(f);
	fputs("kprobe:vfs_read { @x[comm] = count(); }\n", f);
	fclose(f);
	unlink(out);
	unlink(ll);
	cmd = bc_strdup_printf("%s/bpfcheck emit --bpftrace 0.17 %s -o %s >/dev/null 2>&1", b, bad,
			       out);
	assert_int_equal(run(cmd), 2);
	assert_int_not_equal(stat(out, &st), 0);
	free(cmd);
	cmd = bc_strdup_printf("%s/bpfcheck emit --bpftrace 0.17 %s -o %s --emit-llvm %s -f json >/dev/null",
			       b, good, out, ll);
	assert_int_equal(run(cmd), 0);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(stat(ll, &st), 0);
	free(cmd);
	/* an emitted object over 512 bytes before the rewrite checks clean of
	 * BC201/BC204; without the rewrite emit refuses it (exit 2) */
	f = fopen(good, "w");
	assert_non_null(f);
	fputs(over_limit[0], f);
	fclose(f);
	cmd = bc_strdup_printf("BPFTRACE_STRLEN=200 %s/bpfcheck emit --bpftrace 0.17 %s -o %s >/dev/null && "
			       "%s/bpfcheck check --select BC201,BC204 --fail-on note %s >/dev/null",
			       b, good, out, b, out);
	assert_int_equal(run(cmd), 0);
	free(cmd);
	unlink(out);
	cmd = bc_strdup_printf("BPFTRACE_STRLEN=200 %s/bpfcheck emit --bpftrace 0.17 --scratch none %s -o %s >/dev/null 2>&1",
			       b, good, out);
	assert_int_equal(run(cmd), 2);
	assert_int_not_equal(stat(out, &st), 0);
	free(cmd);
	cmd = bc_strdup_printf("%s/bpfcheck emit --scratch sometimes %s -o %s >/dev/null 2>&1", b,
			       good, out);
	assert_int_equal(run(cmd), 3);
	free(cmd);
	/* BPF C: compiled in process and emitted; the object checks clean of
	 * BC201/BC204. C with an error exits 2 and writes nothing. */
	cmd = bc_strdup_printf("%s/bpfcheck emit %s/fixtures/emit/records.bpf.c -o %s >/dev/null && "
			       "%s/bpfcheck check --select BC201,BC204 --fail-on note %s >/dev/null",
			       b, getenv("BC_SRCDIR") ? getenv("BC_SRCDIR") : ".", out, b, out);
	assert_int_equal(run(cmd), 0);
	free(cmd);
	unlink(out);
	unlink(bad);
	free(bad);
	bad = tmp_path("bad.bpf.c");
	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("int f(void) { return undeclared; }\n", f);
	fclose(f);
	cmd = bc_strdup_printf("%s/bpfcheck emit %s -o %s >/dev/null 2>&1", b, bad, out);
	assert_int_equal(run(cmd), 2);
	assert_int_not_equal(stat(out, &st), 0);
	free(cmd);
	unlink(out);
	unlink(ll);
	unlink(bad);
	unlink(good);
	free(b);
	free(bad);
	free(good);
	free(out);
	free(ll);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sections),
		cmocka_unit_test(atomic_write),
		cmocka_unit_test(unsupported_construct),
		cmocka_unit_test(cli),
		cmocka_unit_test(over_limit_017),
		cmocka_unit_test(scratch_all),
		cmocka_unit_test(ir_records),
		cmocka_unit_test(c_records),
		cmocka_unit_test(len_kfunc),
		cmocka_unit_test(c_len_kfunc),
		cmocka_unit_test(debian_tools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
