// SPDX-License-Identifier: Apache-2.0
/*
 * Reading a BPF ELF object with libelf: header checks, sections, the symbol
 * table and the relocations of executable sections. Everything an analysis
 * later indexes with is validated here, so malformed objects fail with one
 * message instead of reaching the instruction decoder.
 */
#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "elf_image.h"
#include "object.h"
#include "../base/array.h"
#include "../core/unit.h"

static int elf_fail(struct bc_unit *u, const char *what)
{
	return bc_unit_fail(u, -EINVAL, NULL, "malformed ELF object: %s (%s)", what,
			    elf_errmsg(-1));
}

static int check_header(struct bc_elf_image *img, struct bc_unit *u)
{
	char buf[32];
	GElf_Ehdr eh;
	int cls;

	if (elf_kind(img->elf) != ELF_K_ELF)
		return bc_unit_fail(u, -EINVAL, NULL, "not an ELF object");
	cls = gelf_getclass(img->elf);
	if (!gelf_getehdr(img->elf, &eh))
		return elf_fail(u, "cannot read the ELF header");
	if (eh.e_machine != EM_BPF)
		return bc_unit_fail(u, -EINVAL, NULL, "not a BPF object: ELF for %s",
				    bc_elf_machine_name(eh.e_machine, buf, sizeof(buf)));
	if (cls != ELFCLASS64)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "BPF objects are 64-bit ELF, this one is ELFCLASS%d", cls == ELFCLASS32 ? 32 : cls);
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB && eh.e_ident[EI_DATA] != ELFDATA2MSB)
		return bc_unit_fail(u, -EINVAL, NULL, "ELF header has an invalid byte order (%u)",
				    eh.e_ident[EI_DATA]);
	img->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	return 0;
}

/* libelf reports no sections at all when their table lies outside the file. */
static int check_section_table(struct bc_elf_image *img, struct bc_unit *u, size_t n)
{
	GElf_Ehdr eh;

	if (!gelf_getehdr(img->elf, &eh))
		return elf_fail(u, "cannot read the ELF header");
	if (!eh.e_shoff && !n)
		return 0;
	if (!n || eh.e_shoff >= img->size || eh.e_shentsize < sizeof(Elf64_Shdr) ||
	    n > (img->size - eh.e_shoff) / eh.e_shentsize)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "malformed ELF object: the section header table (%u entries of %u bytes at offset %llu) lies outside the file (%zu bytes)",
				    eh.e_shnum, eh.e_shentsize, (unsigned long long)eh.e_shoff, img->size);
	return 0;
}

static int read_sections(struct bc_elf_image *img, struct bc_unit *u)
{
	size_t n, shstrndx;
	int err;

	if (elf_getshdrnum(img->elf, &n))
		return elf_fail(u, "cannot count the section headers");
	err = check_section_table(img, u, n);
	if (err)
		return err;
	if (elf_getshdrstrndx(img->elf, &shstrndx))
		return elf_fail(u, "cannot find the section name table");
	if (n && shstrndx >= n)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "malformed ELF object: section name table index %zu, but %zu sections",
				    shstrndx, n);
	img->secs = calloc(n ? n : 1, sizeof(*img->secs));
	if (!img->secs)
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	img->nr_secs = n;
	for (size_t i = 1; i < n; i++) {
		struct bc_elf_sec *s = &img->secs[i];
		Elf_Scn *scn = elf_getscn(img->elf, i);
		GElf_Shdr sh;
		Elf_Data *d;

		if (!scn || !gelf_getshdr(scn, &sh))
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed ELF object: cannot read section header %zu (%s)", i,
					    elf_errmsg(-1));
		s->name = elf_strptr(img->elf, shstrndx, sh.sh_name);
		if (!s->name)
			s->name = "";
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		if (sh.sh_type == SHT_NOBITS || !sh.sh_size)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed ELF object: section %zu '%s' (%llu bytes at offset %llu) %s (%s)",
					    i, s->name, (unsigned long long)sh.sh_size,
					    (unsigned long long)sh.sh_offset,
					    sh.sh_offset > img->size || sh.sh_size > img->size - sh.sh_offset
						    ? "lies outside the file"
						    : "cannot be read as its type says",
					    elf_errmsg(-1));
		s->data = d->d_buf;
		s->size = d->d_size;
		if (!s->data)
			s->size = 0;
		if (!strcmp(s->name, ".text") && (sh.sh_flags & SHF_EXECINSTR))
			img->text_shndx = i;
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) || !s->size)
			continue;
		if (!*s->name)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed ELF object: executable section %zu has no valid name", i);
		if (s->size % BC_INSN_SIZE)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed BPF object: section '%s' is %zu bytes, not a whole number of %d-byte instructions",
					    s->name, s->size, BC_INSN_SIZE);
		if (s->size / BC_INSN_SIZE > UINT32_MAX / 2)
			return bc_unit_fail(u, -EFBIG, NULL, "section '%s' is too large", s->name);
		s->exec = true;
		s->nr_insns = s->size / BC_INSN_SIZE;
	}
	return 0;
}

static int read_symbols(struct bc_elf_image *img, struct bc_unit *u)
{
	size_t symtab = 0, count, entsz = gelf_fsize(img->elf, ELF_T_SYM, 1, EV_CURRENT);
	struct bc_elf_sec *s;
	size_t strndx;
	Elf_Data *d;
	GElf_Shdr sh;

	for (size_t i = 1; i < img->nr_secs && !symtab; i++)
		if (img->secs[i].type == SHT_SYMTAB)
			symtab = i;
	if (!symtab)
		return 0;	/* stripped: one function per executable section */
	s = &img->secs[symtab];
	if (!gelf_getshdr(elf_getscn(img->elf, symtab), &sh))
		return elf_fail(u, "cannot read the symbol table header");
	strndx = sh.sh_link;
	if (!strndx || strndx >= img->nr_secs || img->secs[strndx].type != SHT_STRTAB)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "malformed ELF object: symbol table links to section %zu, which is not a string table",
				    strndx);
	if (!s->size)
		return 0;
	if (!entsz || s->size % entsz)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "malformed ELF object: symbol table is %zu bytes, not a multiple of %zu",
				    s->size, entsz);
	d = elf_getdata(elf_getscn(img->elf, symtab), NULL);
	if (!d)
		return elf_fail(u, "cannot read the symbol table");
	count = d->d_size / entsz;
	img->syms = calloc(count ? count : 1, sizeof(*img->syms));
	if (!img->syms)
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	img->nr_syms = count;
	for (size_t i = 0; i < count; i++) {
		struct bc_elf_sym *y = &img->syms[i];
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(d, (int)i, &sym))
			return elf_fail(u, "cannot read a symbol");
		name = elf_strptr(img->elf, strndx, sym.st_name);
		y->name = name ? name : "";
		y->value = sym.st_value;
		y->size = sym.st_size;
		y->shndx = sym.st_shndx;
		y->type = GELF_ST_TYPE(sym.st_info);
		y->bind = GELF_ST_BIND(sym.st_info);
		if (y->shndx >= img->nr_secs && y->shndx < SHN_LORESERVE)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed ELF object: symbol %zu '%s' refers to section %u, but the object has %zu sections",
					    i, y->name, y->shndx, img->nr_secs);
		if (y->shndx >= img->nr_secs || !img->secs[y->shndx].exec)
			continue;
		/* functions must start at an instruction inside their section */
		if (y->type != STT_FUNC)
			continue;
		if (y->value % BC_INSN_SIZE || y->value >= img->secs[y->shndx].size ||
		    y->size > img->secs[y->shndx].size - y->value)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed BPF object: symbol '%s' (offset %llu, %llu bytes) lies outside section '%s' (%zu bytes) or is not instruction-aligned",
					    y->name, (unsigned long long)y->value,
					    (unsigned long long)y->size, img->secs[y->shndx].name,
					    img->secs[y->shndx].size);
		if (!*y->name)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed ELF object: function symbol %zu has no valid name", i);
	}
	return 0;
}

static int add_rels(struct bc_elf_image *img, struct bc_unit *u, size_t relndx)
{
	struct bc_elf_sec *rs = &img->secs[relndx], *t;
	size_t entsz = gelf_fsize(img->elf, ELF_T_REL, 1, EV_CURRENT), count, base;
	GElf_Shdr sh;
	Elf_Data *d;

	if (!gelf_getshdr(elf_getscn(img->elf, relndx), &sh))
		return elf_fail(u, "cannot read a relocation section header");
	if (sh.sh_info >= img->nr_secs)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "malformed ELF object: relocation section '%s' applies to section %u, but the object has %zu sections",
				    rs->name, sh.sh_info, img->nr_secs);
	t = &img->secs[sh.sh_info];
	if (!t->exec || !rs->size)
		return 0;	/* relocations of data and debug sections are not needed */
	if (!entsz || rs->size % entsz)
		return bc_unit_fail(u, -EINVAL, NULL,
				    "malformed ELF object: relocation section '%s' is %zu bytes, not a multiple of %zu",
				    rs->name, rs->size, entsz);
	d = elf_getdata(elf_getscn(img->elf, relndx), NULL);
	if (!d)
		return elf_fail(u, "cannot read a relocation section");
	count = d->d_size / entsz;
	if (!t->rel_at) {
		t->rel_at = malloc(t->nr_insns * sizeof(*t->rel_at));
		if (!t->rel_at)
			return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
		memset(t->rel_at, 0xff, t->nr_insns * sizeof(*t->rel_at));
	}
	base = t->nr_rels;
	if (BC_GROW(t->rels, t->cap_rels, base + count))
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < count; i++) {
		GElf_Rel r;
		uint64_t off;
		uint32_t sym;

		if (!gelf_getrel(d, (int)i, &r))
			return elf_fail(u, "cannot read a relocation");
		off = r.r_offset;
		sym = GELF_R_SYM(r.r_info);
		if (off % BC_INSN_SIZE || off / BC_INSN_SIZE >= t->nr_insns)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed BPF object: relocation %zu in '%s' is at offset %llu, outside the instructions of section '%s' (%zu bytes)",
					    i, rs->name, (unsigned long long)off, t->name, t->size);
		if (sym >= img->nr_syms)
			return bc_unit_fail(u, -EINVAL, NULL,
					    "malformed ELF object: relocation %zu in '%s' refers to symbol %u, but the symbol table has %zu",
					    i, rs->name, sym, img->nr_syms);
		t->rels[base + i].sym = sym;
		t->rels[base + i].type = GELF_R_TYPE(r.r_info);
		t->rel_at[off / BC_INSN_SIZE] = (int32_t)(base + i);
	}
	t->nr_rels = base + count;
	return 0;
}

static int read_relocations(struct bc_elf_image *img, struct bc_unit *u)
{
	for (size_t i = 1; i < img->nr_secs; i++) {
		int err;

		if (img->secs[i].type != SHT_REL)
			continue;
		err = add_rels(img, u, i);
		if (err)
			return err;
	}
	return 0;
}

int bc_elf_image_open(struct bc_elf_image *img, struct bc_unit *u, const void *data, size_t size)
{
	int err;

	memset(img, 0, sizeof(*img));
	if (!size)
		return bc_unit_fail(u, -EINVAL, NULL, "empty input: not a BPF object");
	if (size < 4 || memcmp(data, ELFMAG, SELFMAG))
		return bc_unit_fail(u, -EINVAL, NULL, "not an ELF object");
	if (elf_version(EV_CURRENT) == EV_NONE)
		return bc_unit_fail(u, -EINVAL, NULL, "libelf is unusable: %s", elf_errmsg(-1));
	/* libelf may convert in place; it gets its own copy */
	img->copy = malloc(size);
	if (!img->copy)
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	memcpy(img->copy, data, size);
	img->size = size;
	img->elf = elf_memory((char *)img->copy, size);
	if (!img->elf)
		return elf_fail(u, "libelf cannot read it");
	err = check_header(img, u);
	if (!err)
		err = read_sections(img, u);
	if (!err)
		err = read_symbols(img, u);
	if (!err)
		err = read_relocations(img, u);
	return err;
}

void bc_elf_image_close(struct bc_elf_image *img)
{
	for (size_t i = 0; i < img->nr_secs; i++) {
		free(img->secs[i].rel_at);
		free(img->secs[i].rels);
	}
	free(img->secs);
	free(img->syms);
	if (img->elf)
		elf_end(img->elf);
	free(img->copy);
	memset(img, 0, sizeof(*img));
}

const struct bc_elf_rel *bc_elf_rel_at(const struct bc_elf_image *img, size_t sec, uint32_t insn)
{
	const struct bc_elf_sec *s = &img->secs[sec];

	if (!s->rel_at || insn >= s->nr_insns || s->rel_at[insn] < 0)
		return NULL;
	return &s->rels[s->rel_at[insn]];
}

bool bc_object_is_bpf_elf(const void *data, size_t size)
{
	bool bpf = false;
	GElf_Ehdr eh;
	char *copy;
	Elf *elf;

	if (size < SELFMAG || memcmp(data, ELFMAG, SELFMAG) || elf_version(EV_CURRENT) == EV_NONE)
		return false;
	copy = malloc(size);	/* libelf may convert in place */
	if (!copy)
		return true;	/* let the analysis say what is wrong */
	memcpy(copy, data, size);
	elf = elf_memory(copy, size);
	if (elf && elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &eh))
		bpf = eh.e_machine == EM_BPF;
	elf_end(elf);
	free(copy);
	return bpf;
}
