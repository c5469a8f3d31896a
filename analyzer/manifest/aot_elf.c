// SPDX-License-Identifier: Apache-2.0
/*
 * The programs of an AOT blob as a BPF ELF object, for the object analysis
 * (analyzer/object): bpftrace 0.17 keeps the sections of the object it
 * compiled by name only (their order, flags and the section indexes the
 * symbol table refers to are not kept), so a new relocatable object is
 * written with libelf holding one executable section per program. Programs
 * are the sections bpftrace 0.17 loads as programs: those named "s_<probe>..."
 * (src/utils.h get_section_name_for_probe). The object has no symbol table,
 * so each program is named after its section.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aot_elf.h"
#include "../base/array.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

bool bc_aot_is_program(const struct bc_aot_section *s)
{
	return !strncmp(s->name, "s_", 2) && s->size && !(s->size % 8);
}

static int add_shstrtab(Elf *e, const char *names, size_t len, size_t *ndx)
{
	Elf_Scn *scn = elf_newscn(e);
	GElf_Shdr sh;
	Elf_Data *d;

	if (!scn || !(d = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
		return -EINVAL;
	d->d_buf = (void *)names;
	d->d_size = len;
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	sh.sh_type = SHT_STRTAB;
	sh.sh_name = 1;	/* ".shstrtab" comes first */
	if (!gelf_update_shdr(scn, &sh))
		return -EINVAL;
	*ndx = elf_ndxscn(scn);
	return 0;
}

int bc_aot_programs_elf(const struct bc_aot_blob *b, unsigned char **out, size_t *size)
{
	char *names = NULL;
	size_t len = 0, cap = 0, nr = 0, shstrndx = 0;
	size_t *name_off = calloc(b->nr_sections + 1, sizeof(size_t));
	int fd = -1, err = -EINVAL;
	Elf *e = NULL;
	GElf_Ehdr eh;
	off_t end;

	*out = NULL;
	*size = 0;
	if (!name_off)
		return -ENOMEM;
	/* the section name table: "", ".shstrtab", then the programs */
	if (BC_GROW(names, cap, 11)) {
		free(name_off);
		return -ENOMEM;
	}
	memcpy(names, "\0.shstrtab", 11);
	len = 11;
	for (size_t i = 0; i < b->nr_sections; i++) {
		size_t n = strlen(b->sections[i].name) + 1;

		if (!bc_aot_is_program(&b->sections[i]))
			continue;
		if (BC_GROW(names, cap, len + n)) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(names + len, b->sections[i].name, n);
		name_off[i] = len;
		len += n;
		nr++;
	}
	if (!nr) {
		err = 0;	/* no programs: no object */
		goto out;
	}
	if (elf_version(EV_CURRENT) == EV_NONE)
		goto out;
	fd = memfd_create("bpfcheck-aot", MFD_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!e || !gelf_newehdr(e, ELFCLASS64) || !gelf_getehdr(e, &eh))
		goto out;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_REL;
	eh.e_machine = EM_BPF;
	eh.e_version = EV_CURRENT;
	if (add_shstrtab(e, names, len, &shstrndx))
		goto out;
	eh.e_shstrndx = shstrndx;
	if (!gelf_update_ehdr(e, &eh))
		goto out;
	for (size_t i = 0; i < b->nr_sections; i++) {
		const struct bc_aot_section *s = &b->sections[i];
		Elf_Scn *scn;
		Elf_Data *d;
		GElf_Shdr sh;

		if (!bc_aot_is_program(s))
			continue;
		scn = elf_newscn(e);
		if (!scn || !(d = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
			goto out;
		d->d_buf = (void *)s->data;
		d->d_size = s->size;
		d->d_type = ELF_T_BYTE;
		d->d_align = 8;
		sh.sh_type = SHT_PROGBITS;
		sh.sh_flags = SHF_ALLOC | SHF_EXECINSTR;
		sh.sh_name = name_off[i];
		sh.sh_addralign = 8;
		if (!gelf_update_shdr(scn, &sh))
			goto out;
	}
	end = elf_update(e, ELF_C_WRITE);
	if (end <= 0)
		goto out;
	*out = malloc(end);
	if (!*out) {
		err = -ENOMEM;
		goto out;
	}
	if (pread(fd, *out, end, 0) != end) {
		free(*out);
		*out = NULL;
		err = -EIO;
		goto out;
	}
	*size = end;
	err = 0;
out:
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	free(names);
	free(name_off);
	return err;
}
