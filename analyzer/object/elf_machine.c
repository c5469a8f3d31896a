// SPDX-License-Identifier: Apache-2.0
/* Human names of ELF machines, for "not a BPF object: ELF for x86-64". */
#include <elf.h>
#include <stdio.h>

#include "elf_image.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

static const struct {
	unsigned machine;
	const char *name;
} machines[] = {
	{ EM_NONE, "no machine" },
	{ EM_386, "i386" },
	{ EM_X86_64, "x86-64" },
	{ EM_ARM, "ARM" },
	{ EM_AARCH64, "AArch64" },
	{ EM_RISCV, "RISC-V" },
	{ EM_PPC, "PowerPC" },
	{ EM_PPC64, "PowerPC64" },
	{ EM_S390, "IBM S/390" },
	{ EM_MIPS, "MIPS" },
	{ EM_SPARCV9, "SPARC v9" },
	{ EM_LOONGARCH, "LoongArch" },
	{ EM_BPF, "BPF" },
};

const char *bc_elf_machine_name(unsigned machine, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i].machine == machine)
			return machines[i].name;
	snprintf(buf, len, "machine %u", machine);
	return buf;
}
