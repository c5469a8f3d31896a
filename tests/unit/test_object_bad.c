// SPDX-License-Identifier: Apache-2.0
/*
 * Malformed input for the object analysis: empty and random bytes, ELF for
 * another machine, fixture objects truncated at many offsets, corrupted
 * headers, symbols and relocations, and hand-built objects with broken
 * instruction streams. Each must give a negative errno and a message naming
 * the problem, never a crash or a hang; odd but loadable code must analyse.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "analyzer/object/object.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"
#include "support/object_fixtures.h"

static struct bc_target target;

static int setup(void **state)
{
	bc_test_target(&target, "6.18", true, "x86_64");
	return 0;
}

static int teardown(void **state)
{
	bc_target_free(&target);
	return 0;
}

/* Analyses DATA; returns the error (0 on success) and copies the message. */
static int analyze(const void *data, size_t size, char *msg, size_t len)
{
	struct bc_unit u;
	int err;

	bc_unit_load_mem(&u, "bad.o", data, size);
	err = bc_object_analyze(&u, data, size, &target);
	if (err) {
		assert_true(err < 0);
		assert_non_null(u.error);
		assert_true(u.error[0] != '\0');
		if (msg)
			snprintf(msg, len, "%s", u.error);
	} else {
		/* success: facts must be coherent */
		for (size_t i = 0; i < u.facts.nr_funcs; i++) {
			const struct bc_func *f = &u.facts.funcs[i];

			assert_non_null(f->name);
			for (size_t j = 0; j < f->nr_callees; j++)
				assert_true(f->callees[j] < u.facts.nr_funcs);
			for (size_t j = 0; j < f->nr_chain; j++)
				assert_true(f->chain[j] < u.facts.nr_funcs);
		}
	}
	bc_unit_free(&u);
	return err;
}

static void expect_error(const void *data, size_t size, const char *needle)
{
	char msg[512] = "";
	int err = analyze(data, size, msg, sizeof(msg));

	if (!err)
		fail_msg("expected an error containing '%s'", needle);
	if (!strstr(msg, needle))
		fail_msg("message '%s' does not contain '%s'", msg, needle);
}

static unsigned char *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static unsigned char *fixture(const char *name, size_t *size)
{
	char *path = bc_test_fixture_object(name);
	unsigned char *buf = read_all(path, size);

	free(path);
	return buf;
}

/* Locating structures to corrupt (the test's own reading of a 64-bit LE file). */
static Elf64_Shdr *shdr(unsigned char *buf, size_t i)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

	return (Elf64_Shdr *)(buf + eh->e_shoff + i * sizeof(Elf64_Shdr));
}

static size_t section(unsigned char *buf, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	const char *names = (const char *)buf + shdr(buf, eh->e_shstrndx)->sh_offset;

	for (size_t i = 1; i < eh->e_shnum; i++)
		if (!strcmp(names + shdr(buf, i)->sh_name, name))
			return i;
	fail_msg("no section %s", name);
	return 0;
}

static size_t section_of_type(unsigned char *buf, uint32_t type)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

	for (size_t i = 1; i < eh->e_shnum; i++)
		if (shdr(buf, i)->sh_type == type)
			return i;
	fail_msg("no section of type %u", type);
	return 0;
}

/* The first FUNC symbol of the fixture. */
static Elf64_Sym *first_func(unsigned char *buf)
{
	Elf64_Shdr *st = shdr(buf, section_of_type(buf, SHT_SYMTAB));

	for (size_t i = 0; i < st->sh_size / sizeof(Elf64_Sym); i++) {
		Elf64_Sym *s = (Elf64_Sym *)(buf + st->sh_offset) + i;

		if (ELF64_ST_TYPE(s->st_info) == STT_FUNC)
			return s;
	}
	fail_msg("no function symbol");
	return NULL;
}

static void test_empty_and_random(void **state)
{
	static const unsigned char magic[] = "\177ELF";
	unsigned char buf[4096];
	unsigned seed = 12345;

	expect_error("", 0, "empty");
	expect_error("hello", 5, "not an ELF");
	expect_error(magic, 4, "ELF");
	for (int round = 0; round < 2000; round++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));

		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)rand_r(&seed);
		if (round % 2 && n >= 64) {
			/* a plausible ELF header over random contents */
			memcpy(buf, magic, 4);
			buf[EI_CLASS] = ELFCLASS64;
			buf[EI_DATA] = ELFDATA2LSB;
			buf[EI_VERSION] = EV_CURRENT;
			buf[18] = EM_BPF;
			buf[19] = 0;
		}
		analyze(buf, n, NULL, 0);
	}
}

static void test_other_machine(void **state)
{
	size_t size;
	unsigned char *buf = read_all("/bin/true", &size);

	expect_error(buf, size, "not a BPF object: ELF for x86-64");
	/* a directory walk skips such a file instead (cli/file_select.c) */
	assert_false(bc_object_is_bpf_elf(buf, size));
	free(buf);
	buf = fixture("frame_512", &size);
	assert_true(bc_object_is_bpf_elf(buf, size));
	assert_false(bc_object_is_bpf_elf(buf, 3));
	((Elf64_Ehdr *)buf)->e_machine = EM_AARCH64;
	assert_false(bc_object_is_bpf_elf(buf, size));
	expect_error(buf, size, "not a BPF object: ELF for AArch64");
	((Elf64_Ehdr *)buf)->e_machine = 4242;
	expect_error(buf, size, "machine 4242");
	free(buf);
}

/* Every cut of several fixtures: an error with a message, never a crash. */
static void test_truncated(void **state)
{
	static const char *const names[] = { "frame_512", "callbacks", "tail_call", "vec_544" };

	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		size_t size;
		unsigned char *buf = fixture(names[k], &size);

		for (size_t cut = 0; cut < size; cut += (cut < 256 ? 1 : 7)) {
			/* the section headers are at the end: every cut loses some */
			char msg[512];

			assert_true(analyze(buf, cut, msg, sizeof(msg)) < 0);
		}
		free(buf);
	}
}

static void test_corrupt_headers(void **state)
{
	size_t size, text, tc, rel, sym;
	unsigned char *orig = fixture("chain_528", &size), *buf = malloc(size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;

	assert_non_null(buf);
#define FRESH() memcpy(buf, orig, size)
	FRESH();
	text = section(buf, ".text");
	tc = section(buf, "tc");
	rel = section(buf, ".reltc");
	sym = section_of_type(buf, SHT_SYMTAB);

	FRESH();
	eh->e_shoff = size + 4096;
	expect_error(buf, size, "malformed ELF object");

	FRESH();
	eh->e_shnum = 0xfff0;
	expect_error(buf, size, "malformed ELF object");

	FRESH();
	buf[EI_DATA] = 7;
	expect_error(buf, size, "ELF");

	FRESH();
	buf[EI_CLASS] = ELFCLASS32;
	expect_error(buf, size, "");

	FRESH();
	shdr(buf, tc)->sh_size -= 4;
	expect_error(buf, size, "not a whole number of 8-byte instructions");

	FRESH();
	shdr(buf, text)->sh_offset = size * 4;
	expect_error(buf, size, "lies outside the file");

	FRESH();
	shdr(buf, sym)->sh_link = 0;
	expect_error(buf, size, "not a string table");

	FRESH();
	shdr(buf, sym)->sh_size -= 5;
	expect_error(buf, size, "'.symtab'");

	FRESH();
	shdr(buf, rel)->sh_info = 999;
	expect_error(buf, size, "applies to section 999");

	FRESH();
	shdr(buf, rel)->sh_size -= 3;
	expect_error(buf, size, "'.reltc'");

	/* symbols */
	FRESH();
	first_func(buf)->st_shndx = 999;
	expect_error(buf, size, "refers to section 999");

	FRESH();
	first_func(buf)->st_value = 1u << 20;
	expect_error(buf, size, "lies outside section");

	FRESH();
	first_func(buf)->st_value = 4;
	expect_error(buf, size, "not instruction-aligned");

	FRESH();
	first_func(buf)->st_size = 1u << 20;
	expect_error(buf, size, "lies outside section");

	/* relocations */
	FRESH();
	{
		Elf64_Rel *r = (Elf64_Rel *)(buf + shdr(buf, rel)->sh_offset);

		r->r_info = ELF64_R_INFO(100000, ELF64_R_TYPE(r->r_info));
		expect_error(buf, size, "refers to symbol 100000");
		FRESH();
		r->r_offset = 1u << 24;
		expect_error(buf, size, "outside the instructions");
		FRESH();
		r->r_offset = 3;
		expect_error(buf, size, "outside the instructions");
	}
	free(buf);
	free(orig);
#undef FRESH
}

/* ---- hand-built objects (libelf writes them) ---- */

struct insn {
	uint8_t code, dst, src;
	int16_t off;
	int32_t imm;
};

static void encode(const struct insn *in, bool be, unsigned char *p)
{
	p[0] = in->code;
	if (be) {
		p[1] = (uint8_t)(in->dst << 4 | in->src);
		p[2] = (uint8_t)((uint16_t)in->off >> 8);
		p[3] = (uint8_t)in->off;
		for (int i = 0; i < 4; i++)
			p[4 + i] = (uint8_t)((uint32_t)in->imm >> (24 - 8 * i));
	} else {
		p[1] = (uint8_t)(in->src << 4 | in->dst);
		p[2] = (uint8_t)in->off;
		p[3] = (uint8_t)((uint16_t)in->off >> 8);
		for (int i = 0; i < 4; i++)
			p[4 + i] = (uint8_t)((uint32_t)in->imm >> (8 * i));
	}
}

/* An ET_REL EM_BPF object with one section "xdp" holding INSNS; CLS/DATA
 * pick the ELF class and byte order. Returns the bytes (heap). */
static unsigned char *build(const struct insn *insns, size_t n, int cls, int data, size_t *size)
{
	static const char shstr[] = "\0xdp\0.shstrtab";
	char path[] = "/tmp/bc-built-XXXXXX";
	int fd = mkstemp(path);
	unsigned char *code = calloc(n ? n : 1, 8), *out;
	Elf_Scn *scn;
	Elf_Data *d;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf *e;

	assert_true(fd >= 0 && code);
	for (size_t i = 0; i < n; i++)
		encode(&insns[i], data == ELFDATA2MSB, code + 8 * i);
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	assert_non_null(e);
	assert_non_null(gelf_newehdr(e, cls));
	gelf_getehdr(e, &eh);
	eh.e_ident[EI_DATA] = (unsigned char)data;
	eh.e_machine = EM_BPF;
	eh.e_type = ET_REL;
	eh.e_version = EV_CURRENT;
	eh.e_shstrndx = 2;
	gelf_update_ehdr(e, &eh);
	/* 1: xdp */
	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = code;
	d->d_size = n * 8;
	d->d_type = ELF_T_BYTE;
	d->d_align = 8;
	gelf_getshdr(scn, &sh);
	sh.sh_name = 1;
	sh.sh_type = SHT_PROGBITS;
	sh.sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	gelf_update_shdr(scn, &sh);
	/* 2: .shstrtab */
	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = (void *)shstr;
	d->d_size = sizeof(shstr);
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	gelf_getshdr(scn, &sh);
	sh.sh_name = 5;
	sh.sh_type = SHT_STRTAB;
	gelf_update_shdr(scn, &sh);
	assert_true(elf_update(e, ELF_C_WRITE) > 0);
	elf_end(e);
	close(fd);
	out = read_all(path, size);
	unlink(path);
	free(code);
	return out;
}

#define MOV64_REG(d, s) { BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0 }
#define ADD64_IMM(d, i) { BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i }
#define MOV64_IMM(d, i) { BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i }
#define ST_MEM_DW(d, o, i) { BPF_ST | BPF_MEM | BPF_DW, d, 0, o, i }
#define LDX_DW(d, s, o) { BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0 }
#define JA(o) { BPF_JMP | BPF_JA, 0, 0, o, 0 }
#define JEQ_IMM(d, i, o) { BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i }
#define CALL_REL(i) { BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, i }
#define CALL_HELPER(i) { BPF_JMP | BPF_CALL, 0, 0, 0, i }
#define LD_IMM64(d, s, i) { BPF_LD | BPF_IMM | BPF_DW, d, s, 0, i }, { 0, 0, 0, 0, 0 }
#define EXIT() { BPF_JMP | BPF_EXIT, 0, 0, 0, 0 }

static int depths(const struct insn *insns, size_t n, int data, struct bc_unit *u)
{
	size_t size;
	unsigned char *buf = build(insns, n, ELFCLASS64, data, &size);
	int err;

	bc_unit_load_mem(u, "built.o", buf, size);
	err = bc_object_analyze(u, buf, size, &target);
	free(buf);
	return err;
}

static void test_built_instruction_errors(void **state)
{
	const struct insn cut_imm64[] = { MOV64_IMM(0, 0), EXIT(), { BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 7 } };
	const struct insn call_out[] = { CALL_REL(100), EXIT() };
	const struct insn call_back[] = { CALL_REL(-5), EXIT() };
	const struct insn call_mid[] = { CALL_REL(1), LD_IMM64(1, 0, 0), EXIT() };
	const struct insn func_out[] = { LD_IMM64(2, BPF_PSEUDO_FUNC, 40), EXIT() };
	size_t size;
	unsigned char *buf;

	buf = build(cut_imm64, 3, ELFCLASS64, ELFDATA2LSB, &size);
	expect_error(buf, size, "cut off by the end of the section");
	free(buf);
	buf = build(call_out, 2, ELFCLASS64, ELFDATA2LSB, &size);
	expect_error(buf, size, "targets instruction 101, outside section 'xdp'");
	free(buf);
	buf = build(call_back, 2, ELFCLASS64, ELFDATA2LSB, &size);
	expect_error(buf, size, "outside section");
	free(buf);
	buf = build(call_mid, 4, ELFCLASS64, ELFDATA2LSB, &size);
	expect_error(buf, size, "middle of an ld_imm64");
	free(buf);
	buf = build(func_out, 3, ELFCLASS64, ELFDATA2LSB, &size);
	expect_error(buf, size, "callback address");
	free(buf);
	buf = build(call_out, 2, ELFCLASS32, ELFDATA2LSB, &size);
	expect_error(buf, size, "64-bit");
	free(buf);
}

/* Code the verifier would refuse still analyses, and terminates. */
static void test_built_odd_code(void **state)
{
	const struct insn loop[] = { ST_MEM_DW(10, -16, 1), JA(-2), EXIT() };
	const struct insn jump_out[] = { JEQ_IMM(1, 0, 1000), ST_MEM_DW(10, -24, 1), EXIT() };
	const struct insn no_exit[] = { ST_MEM_DW(10, -8, 1), MOV64_IMM(0, 0) };
	const struct insn bad_regs[] = { { BPF_STX | BPF_MEM | BPF_DW, 12, 15, -64, 0 }, EXIT() };
	/* a pointer stepped down in a loop: the walk widens and ends */
	const struct insn step_down[] = { MOV64_REG(1, 10), ADD64_IMM(1, -8), ST_MEM_DW(1, 0, 0),
					  JEQ_IMM(2, 0, -3), EXIT() };
	struct bc_unit u;

	assert_int_equal(depths(step_down, 5, ELFDATA2LSB, &u), 0);
	assert_true(u.facts.funcs[0].frame_bytes >= 16);
	bc_unit_free(&u);

	assert_int_equal(depths(loop, 3, ELFDATA2LSB, &u), 0);
	assert_int_equal(u.facts.funcs[0].frame_bytes, 16);
	bc_unit_free(&u);
	assert_int_equal(depths(jump_out, 3, ELFDATA2LSB, &u), 0);
	assert_int_equal(u.facts.funcs[0].frame_bytes, 24);
	bc_unit_free(&u);
	assert_int_equal(depths(no_exit, 2, ELFDATA2LSB, &u), 0);
	assert_int_equal(u.facts.funcs[0].frame_bytes, 8);
	bc_unit_free(&u);
	assert_int_equal(depths(bad_regs, 2, ELFDATA2LSB, &u), 0);
	assert_int_equal(u.facts.funcs[0].frame_bytes, 0);
	bc_unit_free(&u);
}

/* Encodings the kernel refuses: one BC106 finding per function, with the
 * first invalid instruction; valid code gives none. Both byte orders. */
static void expect_bc105(const struct insn *insns, size_t n, const char *needle)
{
	for (int data = ELFDATA2LSB; data <= ELFDATA2MSB; data++) {
		struct bc_unit u;
		size_t k = 0;

		assert_int_equal(depths(insns, n, data, &u), 0);
		for (size_t i = 0; i < u.diags.n; i++)
			if (u.diags.v[i].rule_id == BC_RULE_MALFORMED_OBJECT) {
				k++;
				if (!needle || !strstr(u.diags.v[i].message, needle))
					fail_msg("%s: unexpected '%s'", needle ? needle : "valid",
						 u.diags.v[i].message);
			}
		assert_int_equal(k, needle ? 1 : 0);
		bc_unit_free(&u);
	}
}

static void test_built_invalid_encodings(void **state)
{
	const struct insn op2a[] = { { 0x2a, 0, 0, 0, 0 }, MOV64_IMM(0, 0), EXIT() };
	const struct insn op92[] = { MOV64_IMM(0, 0), { 0x92, 0, 0, 0, 0 }, EXIT() };
	const struct insn resv[] = { MOV64_IMM(0, 0), { BPF_JMP | BPF_EXIT, 0, 0, 4, 0 } };
	const struct insn resv_k[] = { { BPF_ALU64 | BPF_ADD | BPF_K, 0, 3, 0, 1 }, EXIT() };
	const struct insn fp_write[] = { MOV64_IMM(10, 0), EXIT() };
	const struct insn reg[] = { { BPF_ALU64 | BPF_MOV | BPF_X, 0, 12, 0, 0 }, EXIT() };
	const struct insn past_end[] = { JEQ_IMM(1, 0, 1000), MOV64_IMM(0, 0), EXIT() };
	const struct insn into_imm64[] = { JA(1), LD_IMM64(1, 0, 0), EXIT() };
	const struct insn half[] = { { BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 7 }, { 0, 1, 0, 0, 0 },
				     EXIT() };
	const struct insn no_exit[] = { MOV64_IMM(0, 0) };
	const struct insn shift[] = { { BPF_ALU | BPF_LSH | BPF_K, 0, 0, 0, 40 }, EXIT() };
	const struct insn div0[] = { { BPF_ALU64 | BPF_DIV | BPF_K, 0, 0, 0, 0 }, EXIT() };
	const struct insn many[] = { { 0x2a, 0, 0, 0, 0 }, { 0x2a, 0, 0, 0, 0 },
				     { 0x2a, 0, 0, 0, 0 }, EXIT() };
	const struct insn good[] = { MOV64_REG(1, 10), ADD64_IMM(1, -8), ST_MEM_DW(10, -8, 1),
				     LD_IMM64(2, 0, 5), { BPF_STX | BPF_ATOMIC | BPF_DW, 10, 2, -8,
							  BPF_ADD | BPF_FETCH },
				     { BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 16, 0 },	/* movsx */
				     { BPF_ALU | BPF_END | BPF_TO_BE, 3, 0, 0, 32 },
				     JEQ_IMM(1, 0, 1), CALL_HELPER(BPF_FUNC_get_prandom_u32),
				     MOV64_IMM(0, 0), EXIT() };

	(void)state;
	expect_bc105(op2a, 3, "instruction 0: unknown opcode 0x2a");
	expect_bc105(op92, 3, "instruction 1: unknown opcode 0x92");
	expect_bc105(resv, 2, "BPF_EXIT uses reserved fields");
	expect_bc105(resv_k, 2, "BPF_ALU64 uses reserved fields");
	expect_bc105(fp_write, 2, "read-only frame pointer");
	expect_bc105(reg, 2, "invalid register r12");
	expect_bc105(past_end, 3, "jump out of range, to instruction 1001");
	expect_bc105(into_imm64, 4, "jump into the middle of an ld_imm64");
	expect_bc105(half, 3, "second half");
	expect_bc105(no_exit, 1, "not an exit or a jump");
	expect_bc105(shift, 2, "invalid shift 40");
	expect_bc105(div0, 2, "division by zero");
	expect_bc105(many, 4, "(and 2 more invalid instructions)");
	expect_bc105(good, 12, NULL);
}

/* Malformed .BTF: a BC106 finding with libbpf's message, and nothing of
 * libbpf's on stderr. */
static void test_malformed_btf(void **state)
{
	size_t size, s;
	unsigned char *buf = fixture("frame_520", &size);
	Elf64_Shdr *sh;
	uint32_t hdr_len, type_off;
	struct bc_unit u;
	char path[] = "/tmp/bc-stderr-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	bool found = false;
	off_t len;

	(void)state;
	s = section(buf, ".BTF");
	sh = shdr(buf, s);
	memcpy(&hdr_len, buf + sh->sh_offset + 4, 4);
	memcpy(&type_off, buf + sh->sh_offset + 8, 4);
	buf[sh->sh_offset + hdr_len + type_off + 7] = 0x1f;	/* kind 31 */
	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	bc_unit_load_mem(&u, "badbtf.o", buf, size);
	assert_int_equal(bc_object_analyze(&u, buf, size, &target), 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	len = lseek(fd, 0, SEEK_END);
	close(fd);
	unlink(path);
	assert_int_equal(len, 0);	/* libbpf printed nothing */
	for (size_t i = 0; i < u.diags.n; i++)
		found |= u.diags.v[i].rule_id == BC_RULE_MALFORMED_OBJECT &&
			 strstr(u.diags.v[i].message, "Unsupported BTF_KIND:31");
	assert_true(found);
	bc_unit_free(&u);
	free(buf);
}

/*
 * Register tracking: copies of r10, offsets through constants, a derived
 * pointer accessed at a further negative offset, a pointer clobbered by a
 * helper call, and a join where the register is r10-derived on one path
 * only (the access is real on that path: it counts). Both byte orders.
 */
static void test_built_tracking(void **state)
{
	const struct insn derived[] = {
		MOV64_REG(6, 10),	/* 0: r6 = r10 */
		ADD64_IMM(6, -32),	/* 1: r6 = fp-32: 32 */
		ST_MEM_DW(6, -8, 0),	/* 2: *(fp-40): 40 */
		MOV64_IMM(2, -56),	/* 3 */
		MOV64_REG(3, 10),	/* 4 */
		{ BPF_ALU64 | BPF_ADD | BPF_X, 3, 2, 0, 0 },	/* 5: r3 = fp-56: 56 */
		CALL_HELPER(BPF_FUNC_get_prandom_u32),		/* 6: r1-r5 clobbered */
		LDX_DW(0, 3, -300),	/* 7: r3 unknown now: not counted */
		LDX_DW(0, 6, -16),	/* 8: r6 survives calls: fp-48 */
		EXIT(),
	};
	const struct insn joined[] = {
		JEQ_IMM(1, 0, 2),	/* 0: -> 3 */
		MOV64_REG(7, 10),	/* 1: r7 = r10 on this path ... */
		JA(1),			/* 2: -> 4 */
		MOV64_IMM(7, 0),	/* 3: ... a scalar on the other */
		ST_MEM_DW(7, -200, 0),	/* 4: fp-200 on the first path */
		MOV64_IMM(0, 0),
		EXIT(),
	};
	struct bc_unit u;

	for (int be = 0; be <= 1; be++) {
		int order = be ? ELFDATA2MSB : ELFDATA2LSB;

		assert_int_equal(depths(derived, sizeof(derived) / sizeof(derived[0]), order, &u), 0);
		assert_int_equal(u.facts.nr_funcs, 1);
		assert_string_equal(u.facts.funcs[0].name, "xdp");
		assert_string_equal(u.facts.funcs[0].prog_type, "xdp");
		assert_int_equal(u.facts.funcs[0].frame_bytes, 56);
		assert_int_equal(u.facts.funcs[0].deepest_insn, 5);
		bc_unit_free(&u);
		assert_int_equal(depths(joined, sizeof(joined) / sizeof(joined[0]), order, &u), 0);
		assert_int_equal(u.facts.funcs[0].frame_bytes, 200);
		assert_int_equal(u.facts.funcs[0].deepest_insn, 4);
		bc_unit_free(&u);
	}
}

/* Pseudo calls without relocations and callback addresses in one section. */
static void test_built_calls(void **state)
{
	const struct insn prog[] = {
		ST_MEM_DW(10, -8, 0),			/* 0: main, 8 bytes */
		CALL_REL(4),				/* 1: -> 6 */
		LD_IMM64(2, BPF_PSEUDO_FUNC, 6),	/* 2-3: -> 9 (callback) */
		CALL_HELPER(BPF_FUNC_loop),		/* 4 */
		EXIT(),					/* 5 */
		ST_MEM_DW(10, -64, 0),			/* 6: sub, 64 bytes */
		MOV64_IMM(0, 0),			/* 7 */
		EXIT(),					/* 8 */
		ST_MEM_DW(10, -128, 0),			/* 9: callback, 128 bytes */
		MOV64_IMM(0, 0),			/* 10 */
		EXIT(),					/* 11 */
	};
	const struct bc_func *m, *sub, *cb;
	struct bc_unit u;

	assert_int_equal(depths(prog, sizeof(prog) / sizeof(prog[0]), ELFDATA2LSB, &u), 0);
	assert_int_equal(u.facts.nr_funcs, 3);
	m = bc_test_func(&u.facts, "xdp");
	sub = bc_test_func(&u.facts, "xdp+6");
	cb = bc_test_func(&u.facts, "xdp+9");
	assert_non_null(m);
	assert_non_null(sub);
	assert_non_null(cb);
	assert_int_equal(m->frame_bytes, 8);
	assert_int_equal(m->insn_cnt, 6);
	assert_int_equal(sub->frame_bytes, 64);
	assert_int_equal(cb->frame_bytes, 128);
	assert_true(cb->is_callback);
	assert_false(sub->is_callback);
	assert_int_equal(m->nr_callees, 2);
	/* xdp: no private stacks; 16 + 128 */
	assert_int_equal(m->chain_bytes, 144);
	bc_unit_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_random),
		cmocka_unit_test(test_other_machine),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt_headers),
		cmocka_unit_test(test_built_instruction_errors),
		cmocka_unit_test(test_built_odd_code),
		cmocka_unit_test(test_built_invalid_encodings),
		cmocka_unit_test(test_malformed_btf),
		cmocka_unit_test(test_built_tracking),
		cmocka_unit_test(test_built_calls),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
