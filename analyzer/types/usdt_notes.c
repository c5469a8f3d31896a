// SPDX-License-Identifier: Apache-2.0
/* SystemTap SDT notes of a binary (usdt_notes.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "usdt_notes.h"
#include "../base/array.h"

#define NT_STAPSDT	3

/* x86-64 struct pt_regs words and the names gas gives each register's
 * 64/32/16/8-bit parts. */
static const struct {
	int word;
	const char *names[5];
} x86_regs[] = {
	{ 0, { "r15", "r15d", "r15w", "r15b" } },
	{ 1, { "r14", "r14d", "r14w", "r14b" } },
	{ 2, { "r13", "r13d", "r13w", "r13b" } },
	{ 3, { "r12", "r12d", "r12w", "r12b" } },
	{ 4, { "rbp", "ebp", "bp", "bpl" } },
	{ 5, { "rbx", "ebx", "bx", "bl", "bh" } },
	{ 6, { "r11", "r11d", "r11w", "r11b" } },
	{ 7, { "r10", "r10d", "r10w", "r10b" } },
	{ 8, { "r9", "r9d", "r9w", "r9b" } },
	{ 9, { "r8", "r8d", "r8w", "r8b" } },
	{ 10, { "rax", "eax", "ax", "al", "ah" } },
	{ 11, { "rcx", "ecx", "cx", "cl", "ch" } },
	{ 12, { "rdx", "edx", "dx", "dl", "dh" } },
	{ 13, { "rsi", "esi", "si", "sil" } },
	{ 14, { "rdi", "edi", "di", "dil" } },
	{ 16, { "rip", "eip", "ip" } },
	{ 19, { "rsp", "esp", "sp", "spl" } },
};

int bc_usdt_x86_reg(const char *name)
{
	for (size_t i = 0; i < sizeof(x86_regs) / sizeof(x86_regs[0]); i++)
		for (size_t j = 0; j < 5 && x86_regs[i].names[j]; j++)
			if (!strcmp(name, x86_regs[i].names[j]))
				return x86_regs[i].word;
	return -1;
}

/* "%name" at *P (P past it); the word or -1 (-EINVAL when no '%'). */
static int read_reg(const char **p, const char *end, char *name, size_t cap)
{
	size_t n = 0;

	if (*p >= end || **p != '%')
		return -EINVAL;
	(*p)++;
	while (*p < end && ((**p >= 'a' && **p <= 'z') || (**p >= '0' && **p <= '9'))) {
		if (n + 1 < cap)
			name[n++] = **p;
		(*p)++;
	}
	name[n] = '\0';
	return n ? bc_usdt_x86_reg(name) : -EINVAL;
}

/* A decimal or 0x number, optionally signed. */
static int read_num(const char **p, const char *end, int64_t *v)
{
	char buf[32];
	size_t n = 0;
	char *e;

	while (*p + n < end && n + 1 < sizeof(buf) &&
	       (strchr("+-xXabcdefABCDEF", (*p)[n]) || ((*p)[n] >= '0' && (*p)[n] <= '9')))
		buf[n] = (*p)[n], n++;
	buf[n] = '\0';
	if (!n)
		return -EINVAL;
	errno = 0;
	*v = (int64_t)strtoll(buf, &e, 0);
	if (e == buf || errno)
		return -EINVAL;
	*p += e - buf;
	return 0;
}

int bc_usdt_arg_parse(const char *spec, size_t len, struct bc_usdt_arg *a)
{
	const char *p = spec, *end = spec + len, *at = memchr(spec, '@', len);
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->base = a->index = -1;
	a->scale = 1;
	a->size = 8;	/* an operand without a size: a 64-bit value */
	if (at) {
		if (read_num(&p, at, &v) || p != at)
			return -EINVAL;
		if (v != 1 && v != 2 && v != 4 && v != 8 && v != -1 && v != -2 && v != -4 &&
		    v != -8)
			return -EINVAL;
		a->size = (int)v;
		p = at + 1;
	}
	if (p < end && *p == '$') {
		p++;
		a->kind = BC_USDT_ARG_CONST;
		if (read_num(&p, end, &a->constant) || p != end)
			return -EINVAL;
		return 0;
	}
	if (p < end && *p == '%') {
		a->kind = BC_USDT_ARG_REG;
		a->base = read_reg(&p, end, a->reg_name, sizeof(a->reg_name));
		return p == end && a->base != -EINVAL ? 0 : -EINVAL;
	}
	a->kind = BC_USDT_ARG_MEM;
	if (p < end && (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))) {
		size_t n = 0;

		while (p < end && *p != '(' && *p != '+' && *p != '-') {
			if (n + 1 < sizeof(a->ident))
				a->ident[n++] = *p;
			p++;
		}
		a->ident[n] = '\0';
	}
	if (p < end && *p != '(' && read_num(&p, end, &a->offset))
		return -EINVAL;
	if (p >= end || *p != '(')
		return -EINVAL;
	p++;
	a->base = read_reg(&p, end, a->reg_name, sizeof(a->reg_name));
	if (a->base == -EINVAL)
		return -EINVAL;
	if (p < end && *p == ',') {
		char iname[8];

		p++;
		a->index = read_reg(&p, end, iname, sizeof(iname));
		if (a->index < 0)
			return -EINVAL;
		if (p < end && *p == ',') {
			p++;
			if (read_num(&p, end, &v) || (v != 1 && v != 2 && v != 4 && v != 8))
				return -EINVAL;
			a->scale = (int)v;
		}
	}
	return p + 1 == end && *p == ')' ? 0 : -EINVAL;
}

static int parse_args(struct bc_usdt_loc *l)
{
	const char *p = l->args_text;
	size_t cap = 0;

	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t");
		if (BC_GROW(l->args, cap, l->nr_args + 1))
			return -ENOMEM;
		if (bc_usdt_arg_parse(p, n, &l->args[l->nr_args]))
			l->args[l->nr_args].bad = true;
		l->nr_args++;
		p += n;
	}
	return 0;
}

static struct bc_usdt_probe *probe_of(struct bc_usdt_notes *n, const char *prov,
				      const char *name)
{
	struct bc_usdt_probe *p;

	for (size_t i = 0; i < n->nr_probes; i++)
		if (!strcmp(n->probes[i].provider, prov) && !strcmp(n->probes[i].name, name))
			return &n->probes[i];
	if (BC_GROW(n->probes, n->cap_probes, n->nr_probes + 1))
		return NULL;
	p = &n->probes[n->nr_probes];
	memset(p, 0, sizeof(*p));
	p->provider = strdup(prov);
	p->name = strdup(name);
	if (!p->provider || !p->name) {
		free(p->provider);
		free(p->name);
		return NULL;
	}
	n->nr_probes++;
	return p;
}

/* One note's descriptor: three addresses, then provider, name, args. */
static int add_note(struct bc_usdt_notes *n, const char *desc, size_t len, size_t asz,
		    Elf *elf)
{
	uint64_t addr[3] = { 0 };
	const char *prov, *name, *args, *end = desc + len;
	struct bc_usdt_probe *p;
	struct bc_usdt_loc *l;
	Elf_Data src, dst;

	if (len < 3 * asz)
		return 0;	/* malformed note: skipped, as bcc does */
	for (int i = 0; i < 3; i++) {
		uint32_t w32;
		uint64_t w64;

		/* the words are in the file's byte order: libelf converts them */
		src = (Elf_Data){ .d_buf = (void *)(desc + i * asz), .d_size = asz,
				  .d_type = asz == 8 ? ELF_T_XWORD : ELF_T_WORD,
				  .d_version = EV_CURRENT };
		dst = (Elf_Data){ .d_buf = asz == 8 ? (void *)&w64 : (void *)&w32,
				  .d_size = asz, .d_version = EV_CURRENT };
		if (!gelf_xlatetom(elf, &dst, &src, elf_getident(elf, NULL)[EI_DATA]))
			return 0;
		addr[i] = asz == 8 ? w64 : w32;
	}
	/* provider, name and arguments: NUL-terminated within the descriptor
	 * (a malformed note is skipped, as bcc does) */
	prov = desc + 3 * asz;
	name = memchr(prov, '\0', (size_t)(end - prov));
	if (!name || name + 1 >= end)
		return 0;
	name++;
	args = memchr(name, '\0', (size_t)(end - name));
	if (!args)
		return 0;
	args++;
	if (args < end && !memchr(args, '\0', (size_t)(end - args)))
		return 0;
	p = probe_of(n, prov, name);
	if (!p)
		return -ENOMEM;
	if (BC_GROW(p->locs, p->cap_locs, p->nr_locs + 1))
		return -ENOMEM;
	l = &p->locs[p->nr_locs];
	memset(l, 0, sizeof(*l));
	l->pc = addr[0];
	l->base = addr[1];
	l->semaphore = addr[2];
	l->args_text = strndup(args, (size_t)(end - args));
	if (!l->args_text)
		return -ENOMEM;
	p->nr_locs++;
	if (p->nr_locs == 1)
		p->semaphore = l->semaphore;
	return parse_args(l);
}

static int read_notes(Elf *elf, struct bc_usdt_notes *n)
{
	size_t asz = gelf_getclass(elf) == ELFCLASS32 ? 4 : 8, shstrndx;
	Elf_Scn *scn = NULL;
	int err = 0;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -ENOEXEC;
	while (!err && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;
		const char *sname;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sname || strcmp(sname, ".note.stapsdt"))
			continue;
		d = elf_getdata(scn, NULL);
		while (!err && d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			const char *base = d->d_buf;

			if (nh.n_type != NT_STAPSDT || nh.n_namesz != sizeof("stapsdt") ||
			    memcmp(base + name_off, "stapsdt", sizeof("stapsdt")))
				continue;
			err = add_note(n, base + desc_off, nh.n_descsz, asz, elf);
		}
	}
	return err;
}

int bc_usdt_notes_read(const char *path, struct bc_usdt_notes *n)
{
	Elf *elf;
	int fd, err;

	memset(n, 0, sizeof(*n));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return -ENOEXEC;
	}
	err = read_notes(elf, n);
	elf_end(elf);
	close(fd);
	if (err)
		bc_usdt_notes_free(n);
	return err;
}

void bc_usdt_notes_free(struct bc_usdt_notes *n)
{
	for (size_t i = 0; i < n->nr_probes; i++) {
		struct bc_usdt_probe *p = &n->probes[i];

		for (size_t j = 0; j < p->nr_locs; j++) {
			free(p->locs[j].args_text);
			free(p->locs[j].args);
		}
		free(p->locs);
		free(p->provider);
		free(p->name);
	}
	free(n->probes);
	memset(n, 0, sizeof(*n));
}

const struct bc_usdt_probe *bc_usdt_find(const struct bc_usdt_notes *n, const char *provider,
					 const char *name)
{
	for (size_t i = 0; i < n->nr_probes; i++)
		if ((!provider || !strcmp(n->probes[i].provider, provider)) &&
		    !strcmp(n->probes[i].name, name))
			return &n->probes[i];
	return NULL;
}
