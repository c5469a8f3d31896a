// SPDX-License-Identifier: Apache-2.0
/*
 * Target files (docs/target-file.md): written and read back, refused when
 * truncated, damaged, foreign or of another version, and read through the
 * source interface the analyzer uses (tracepoint formats, BTF from memory,
 * the kernel type cache keyed on the file).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <cmocka.h>
#include <jansson.h>

#include "analyzer/core/kernel_limits.h"
#include "analyzer/core/target.h"
#include "analyzer/target/source.h"
#include "analyzer/target/target_file.h"
#include "analyzer/target/target_parts.h"
#include "analyzer/types/btf_cache.h"
#include "analyzer/types/btf_types.h"
#include "analyzer/types/tracepoint.h"

#define V17 BC_BTV(0, 17, 0)

static const char sched_format[] =
	"name: sched_wakeup\n"
	"ID: 316\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"comm=%s pid=%d prio=%d\", REC->comm, REC->pid, REC->prio\n";

static char g_dir[] = "/tmp/bc-target-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *tmp_path(const char *name)
{
	static char path[8][256];
	static unsigned next;
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s", g_dir, name);
	return p;
}

/* A small BTF: int, and struct task { int pid; int tgid; }. */
static void *small_btf(size_t *size)
{
	struct btf *b = btf__new_empty();
	const void *raw;
	uint32_t sz;
	void *copy;
	int i;

	assert_non_null(b);
	i = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	assert_true(i > 0);
	assert_true(btf__add_struct(b, "task", 8) > 0);
	assert_int_equal(btf__add_field(b, "pid", i, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "tgid", i, 32, 0), 0);
	raw = btf__raw_data(b, &sz);
	copy = malloc(sz);
	memcpy(copy, raw, sz);
	*size = sz;
	btf__free(b);
	return copy;
}

/* Writes a target file with a kernel, BTF and one tracepoint category. */
static void write_target(const char *path, const char *release)
{
	struct bc_tfile_writer *w = bc_tfile_writer_new();
	json_t *meta, *tp = json_object();
	char *tp_text;
	size_t btf_size;
	void *btf = small_btf(&btf_size);
	char err[256] = "";

	json_object_set_new(tp, "sched_wakeup", json_string(sched_format));
	tp_text = json_dumps(tp, JSON_COMPACT);
	assert_int_equal(bc_tfile_writer_add(w, BC_TPART_BTF, btf, btf_size), 0);
	assert_int_equal(bc_tfile_writer_add(w, ".tp.sched", tp_text, strlen(tp_text)), 0);
	assert_int_equal(bc_tfile_writer_add(w, ".tp.sched", "x", 1), -EEXIST);
	assert_int_equal(bc_tfile_writer_add(w, "no-dot", "x", 1), -EINVAL);
	meta = json_pack("{s:{s:s, s:s, s:s}, s:i, s:s}", BC_TMETA_KERNEL, "release", release,
			 "version", "#1 SMP", "machine", "x86_64", BC_TMETA_JIT_ENABLE, 0,
			 BC_TMETA_BPFTRACE, "0.20.2");
	assert_int_equal(bc_tfile_writer_write(w, meta, path, err, sizeof(err)), 0);
	json_decref(meta);
	json_decref(tp);
	free(tp_text);
	free(btf);
	bc_tfile_writer_free(w);
}

static unsigned char *slurp(const char *path, size_t *size)
{
	struct stat st;
	unsigned char *buf;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	buf = malloc(st.st_size);
	assert_int_equal(fread(buf, 1, st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*size = st.st_size;
	return buf;
}

static void test_round_trip(void **state)
{
	const char *path = tmp_path("a.bct");
	struct bc_tfile *f;
	const void *data;
	size_t size, btf_size;
	void *btf = small_btf(&btf_size);
	char err[256] = "";
	json_t *tp;

	(void)state;
	write_target(path, "6.1.0-18-amd64");
	assert_int_equal(bc_tfile_open(path, &f, err, sizeof(err)), 0);
	assert_int_equal(json_integer_value(json_object_get(bc_tfile_meta(f), "version")),
			 BC_TFILE_VERSION);
	assert_string_equal(json_string_value(json_object_get(bc_tfile_meta(f), "format")),
			    BC_TFILE_FORMAT);
	assert_int_equal(bc_tfile_nr_parts(f), 2);
	assert_int_equal(bc_tfile_part(f, BC_TPART_BTF, &data, &size, err, sizeof(err)), 0);
	assert_int_equal(size, btf_size);
	assert_memory_equal(data, btf, size);
	assert_int_equal(bc_tfile_part(f, ".tp.sched", &data, &size, err, sizeof(err)), 0);
	tp = json_loadb(data, size, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(tp, "sched_wakeup")), sched_format);
	json_decref(tp);
	assert_int_equal(bc_tfile_part(f, ".nope", &data, &size, NULL, 0), -ENOENT);
	assert_non_null(strstr(bc_tfile_identity(f), "a.bct"));
	bc_tfile_close(f);
	free(btf);
}

/* Every cut of a valid file is refused with a message, never read. */
static void test_truncated(void **state)
{
	const char *path = tmp_path("t.bct");
	unsigned char *buf;
	size_t size;

	(void)state;
	write_target(path, "6.1.0");
	buf = slurp(path, &size);
	for (size_t n = 0; n < size; n += n < 128 ? 1 : 61) {
		struct bc_tfile *f = NULL;
		char err[256] = "";
		int ret = bc_tfile_open_mem(buf, n, "cut", &f, err, sizeof(err));

		if (ret != -EINVAL)
			fail_msg("a file cut at %zu of %zu bytes gave %d", n, size, ret);
		assert_null(f);
		assert_true(err[0] != 0);
	}
	free(buf);
}

/* A changed byte in a part is caught by its CRC at open. */
static void test_damaged(void **state)
{
	const char *path = tmp_path("d.bct");
	unsigned char *buf;
	struct bc_tfile *f = NULL;
	char err[256] = "";
	size_t size, off = 0;

	(void)state;
	write_target(path, "6.1.0");
	buf = slurp(path, &size);
	/* the stored BTF starts after the ELF header: damage its middle */
	assert_int_equal(bc_tfile_open_mem(buf, size, "ok", &f, err, sizeof(err)), 0);
	bc_tfile_close(f);
	for (off = 64; off + 64 < size; off++)
		if (buf[off] != 0)
			break;
	buf[off + 8] ^= 0x5a;
	assert_int_equal(bc_tfile_open_mem(buf, size, "bad", &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "damaged"));
	free(buf);
}

static void test_random_bytes(void **state)
{
	unsigned char buf[4096];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 200; round++) {
		struct bc_tfile *f = NULL;
		char err[256] = "";
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));

		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)rand_r(&seed);
		if (round % 2 && n >= 16) {
			memcpy(buf, ELFMAG, SELFMAG);	/* an ELF header of noise */
			buf[EI_CLASS] = ELFCLASS64;
			buf[EI_DATA] = ELFDATA2LSB;
			buf[EI_VERSION] = EV_CURRENT;
		}
		assert_int_equal(bc_tfile_open_mem(buf, n, "noise", &f, err, sizeof(err)), -EINVAL);
		assert_true(err[0] != 0);
	}
}

/* A part whose section is NOBITS (found by fuzzing): refused, not read. */
static void test_nobits_part(void **state)
{
	char path[1024], err[256] = "";
	const char *src = getenv("BC_SRCDIR");
	struct bc_tfile *f = NULL;
	unsigned char *buf;
	size_t size;

	(void)state;
	snprintf(path, sizeof(path), "%s/fixtures/bad/target-nobits.bct", src ? src : ".");
	buf = slurp(path, &size);
	assert_int_equal(bc_tfile_open_mem(buf, size, "nobits", &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "damaged"));
	free(buf);
}

/* An ELF file with one uncompressed section NAME holding TEXT. */
static void write_elf(const char *path, const char *name, const char *text)
{
	char strtab[128];
	size_t name_off = 1, shstr_off = 2 + strlen(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	Elf *e;
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Ehdr eh;
	GElf_Shdr sh;

	assert_true(fd >= 0);
	memset(strtab, 0, sizeof(strtab));
	strcpy(strtab + name_off, name);
	strcpy(strtab + shstr_off, ".shstrtab");
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	assert_non_null(gelf_newehdr(e, ELFCLASS64));
	gelf_getehdr(e, &eh);
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_version = EV_CURRENT;
	gelf_update_ehdr(e, &eh);
	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = (void *)text;
	d->d_size = strlen(text);
	d->d_type = ELF_T_BYTE;
	gelf_getshdr(scn, &sh);
	sh.sh_name = name_off;
	sh.sh_type = SHT_PROGBITS;
	gelf_update_shdr(scn, &sh);
	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = strtab;
	d->d_size = shstr_off + strlen(".shstrtab") + 1;
	d->d_type = ELF_T_BYTE;
	gelf_getshdr(scn, &sh);
	sh.sh_name = shstr_off;
	sh.sh_type = SHT_STRTAB;
	gelf_update_shdr(scn, &sh);
	gelf_getehdr(e, &eh);
	eh.e_shstrndx = elf_ndxscn(scn);
	gelf_update_ehdr(e, &eh);
	assert_true(elf_update(e, ELF_C_WRITE) > 0);
	elf_end(e);
	close(fd);
}

static void test_version_and_foreign(void **state)
{
	struct bc_tfile *f = NULL;
	struct bc_source *s = NULL;
	char err[256] = "";
	const char *p;

	(void)state;
	p = tmp_path("v2.bct");
	write_elf(p, BC_TFILE_META, "{\"format\": \"bpfcheck-target\", \"version\": 2, \"parts\": []}");
	assert_int_equal(bc_tfile_open(p, &f, err, sizeof(err)), -EPROTONOSUPPORT);
	assert_non_null(strstr(err, "version 2"));
	/* the same file at version 1 is accepted by the container ... */
	p = tmp_path("v1.bct");
	write_elf(p, BC_TFILE_META, "{\"format\": \"bpfcheck-target\", \"version\": 1, \"parts\": []}");
	assert_int_equal(bc_tfile_open(p, &f, err, sizeof(err)), 0);
	bc_tfile_close(f);
	/* ... and refused as a target: it names no kernel */
	assert_int_equal(bc_source_file(p, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kernel"));
	p = tmp_path("other.bct");
	write_elf(p, BC_TFILE_META, "{\"format\": \"something-else\", \"version\": 1}");
	assert_int_equal(bc_tfile_open(p, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a bpfcheck target file"));
	p = tmp_path("obj.o");
	write_elf(p, ".text", "\x95\0\0\0\0\0\0\0");
	assert_int_equal(bc_tfile_open(p, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "without a .bpfcheck.target section"));
	p = tmp_path("listed.bct");
	write_elf(p, BC_TFILE_META, "{\"format\": \"bpfcheck-target\", \"version\": 1, \"parts\": "
		  "[{\"name\": \".BTF\", \"size\": 10, \"crc32\": 0}]}");
	assert_int_equal(bc_tfile_open(p, &f, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "part .BTF is missing"));
	assert_int_equal(bc_tfile_open(tmp_path("absent.bct"), &f, err, sizeof(err)), -ENOENT);
}

/* What the analyzer reads of a target file, through the source interface. */
static void test_source(void **state)
{
	const char *path = tmp_path("s.bct");
	struct bc_source *s;
	struct bc_source_uname un;
	struct bc_btf_blob blob;
	struct bc_target t;
	struct bc_btf *b;
	struct bc_stype *args, *task;
	char err[256] = "", **names, bt[32], *text;
	size_t n, len;

	(void)state;
	write_target(path, "5.15.0-91-generic");
	assert_int_equal(bc_source_file(path, &s, err, sizeof(err)), 0);
	assert_true(bc_source_is_file(s));
	assert_int_equal(bc_source_uname(s, &un), 0);
	assert_string_equal(un.release, "5.15.0-91-generic");
	assert_int_equal(bc_source_jit_enable(s), 0);
	assert_int_equal(bc_source_bpftrace(s, bt, sizeof(bt)), 0);
	assert_string_equal(bt, "0.20.2");
	assert_true(bc_source_has_tracepoints(s));
	assert_int_equal(bc_source_tp_categories(s, &names, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "sched");
	bc_source_names_free(names, n);
	assert_int_equal(bc_source_tp_events(s, "sched", &names, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "sched_wakeup");
	bc_source_names_free(names, n);
	assert_int_equal(bc_source_tp_events(s, "syscalls", &names, &n), -ENOENT);
	assert_int_equal(bc_source_tp_format(s, "sched", "sched_wakeup", &text, &len, NULL, 0), 0);
	assert_string_equal(text, sched_format);
	free(text);
	assert_int_equal(bc_source_tp_format(s, "sched", "../x", &text, &len, NULL, 0), -EINVAL);
	assert_int_equal(bc_source_filter_functions(s, &text, &len), -ENOENT);
	assert_int_equal(bc_source_btf(s, NULL, &blob), 0);
	assert_null(blob.path);
	assert_non_null(blob.identity);
	{
		const void *d;
		size_t sz, want;
		void *raw = small_btf(&want);

		assert_int_equal(bc_source_btf_bytes(s, NULL, &d, &sz), 0);
		assert_int_equal(sz, want);
		assert_memory_equal(d, raw, sz);
		free(raw);
	}

	/* the args struct of a tracepoint, from the file's format */
	args = bc_tp_args(s, "sched", "sched_wakeup", V17, NULL, NULL);
	assert_non_null(args);
	assert_non_null(bc_stype_field(args, "prio"));
	assert_int_equal(bc_stype_field(args, "prio")->offset, 28);
	bc_stype_put(args);

	/* BTF from memory */
	b = bc_btf_open_from(NULL, s, NULL);
	assert_non_null(b);
	task = bc_btf_struct(b, "struct task", V17);
	assert_non_null(task);
	assert_int_equal(task->size, 8);
	bc_stype_put(task);
	bc_btf_close(b);

	/* a target takes its kernel, arch and JIT from the file */
	bc_target_init_defaults(&t);
	bc_target_use_source(&t, s);
	assert_int_equal(t.kernel, BC_KV(5, 15));
	assert_true(t.kernel_from_host);
	assert_false(t.jit);		/* bpf_jit_enable 0 */
	bc_target_resolve_bpftrace(&t);
	assert_int_equal(t.bpftrace, BC_BTV(0, 20, 2));
	bc_target_free(&t);		/* frees S */
}

/* Two target files never share kernel type answers. */
static void test_cache_identity(void **state)
{
	const char *pa = tmp_path("ca.bct"), *pb = tmp_path("cb.bct");
	const char *dir = tmp_path("cache");
	struct bc_source *a, *b;
	struct bc_btf_blob ba, bb;
	struct bc_btf_cache *c;
	char err[256];

	(void)state;
	write_target(pa, "6.1.0");
	write_target(pb, "6.6.0");
	assert_int_equal(bc_source_file(pa, &a, err, sizeof(err)), 0);
	assert_int_equal(bc_source_file(pb, &b, err, sizeof(err)), 0);
	assert_int_equal(bc_source_btf(a, NULL, &ba), 0);
	assert_int_equal(bc_source_btf(b, NULL, &bb), 0);
	assert_string_not_equal(ba.identity, bb.identity);
	c = bc_btf_cache_open_identity(dir, ba.identity);
	bc_btf_cache_put(c, "k", json_pack("{s:s}", "from", "a"));
	assert_int_equal(bc_btf_cache_close(c), 0);
	c = bc_btf_cache_open_identity(dir, ba.identity);
	assert_non_null(bc_btf_cache_get(c, "k"));
	bc_btf_cache_close(c);
	c = bc_btf_cache_open_identity(dir, bb.identity);
	assert_null(bc_btf_cache_get(c, "k"));
	bc_btf_cache_close(c);
	bc_source_free(a);
	bc_source_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_nobits_part),
		cmocka_unit_test(test_version_and_foreign),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_cache_identity),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
