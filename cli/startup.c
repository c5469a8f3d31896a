// SPDX-License-Identifier: Apache-2.0
/*
 * Memory set-up for one short-lived bpfcheck process, done before any other
 * static constructor (LLVM registers thousands of options from its own) so
 * that the whole run sees it.
 *
 * A lint run is dominated by first touches of memory: code pages of the
 * 30 MB executable as LLVM's 300-odd passes run for the first time, and
 * tens of megabytes of heap touched once (the copy libbpf makes of the
 * kernel's 5 MB BTF, LLVM's analyses, the backend's DAGs). Each first touch
 * of a 4 KB page is a page fault, and on virtual machines faults are dear:
 * on the machine this was measured on, copying the BTF into fresh memory
 * costs 14 ms in 1,350 faults, 4 ms on transparent huge pages.
 *
 * - The executable's read-only segments (code, constants) are entered into
 *   the page tables in one MADV_POPULATE_READ call each (Linux 5.14+): about
 *   0.5 ms from the page cache, against some 3 ms of faults spread over the
 *   run (measured over 14 bpftrace tools, bench/speed.sh).
 * - The heap is asked to grow in one large step (M_TOP_PAD) from a huge-page
 *   boundary, never to hand allocations to mmap (M_MMAP_THRESHOLD) or to
 *   shrink (M_TRIM_THRESHOLD), with one arena for all threads
 *   (M_ARENA_MAX), and that range is marked MADV_HUGEPAGE, which the kernel
 *   honours in its default "madvise" THP mode. Address space is reserved,
 *   not memory: only what the run touches becomes resident, in 2 MB steps.
 *
 * Where the kernel lacks either, the advice fails and nothing else changes.
 * BPFCHECK_NO_MEMORY_TUNING=1 turns both off (to compare). Sanitizer builds
 * keep their own allocator and skip all of it.
 */
#include <link.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#define HEAP_RESERVE	(256UL << 20)
#define HUGE_PAGE	(2UL << 20)
#define PAGE		4096UL

#if defined(__SANITIZE_ADDRESS__)
#define BC_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BC_HAVE_ASAN 1
#endif
#endif

#ifndef BC_HAVE_ASAN
/* The executable's read-only PT_LOAD segments (the first object listed). */
static int populate_code(struct dl_phdr_info *info, size_t size, void *data)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start, end;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		start = (info->dlpi_addr + ph->p_vaddr) & ~(PAGE - 1);
		end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz + PAGE - 1) & ~(PAGE - 1);
		madvise((void *)start, end - start, MADV_POPULATE_READ);
	}
	return 1;
}

static void heap_on_huge_pages(void)
{
	uintptr_t start, end;
	void *p;

	if (!mallopt(M_ARENA_MAX, 1) || !mallopt(M_MMAP_THRESHOLD, 512 << 20) ||
	    !mallopt(M_TRIM_THRESHOLD, 1 << 30) || !mallopt(M_TOP_PAD, HEAP_RESERVE))
		return;
	/* start the heap on a huge-page boundary, so that it is huge pages
	 * from its first byte (the gap below is address space, never touched) */
	start = ((uintptr_t)sbrk(0) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if (start != (uintptr_t)sbrk(0) && sbrk(start - (uintptr_t)sbrk(0)) == (void *)-1)
		return;
	p = malloc(1);		/* grows the heap by HEAP_RESERVE */
	if (!p)
		return;
	if ((uintptr_t)p > start + HUGE_PAGE)	/* the heap was elsewhere already */
		start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	end = (uintptr_t)sbrk(0) & ~(HUGE_PAGE - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
	free(p);
}

__attribute__((constructor(101))) static void bc_memory_setup(void)
{
	const char *off = getenv("BPFCHECK_NO_MEMORY_TUNING");

	if (off && *off && *off != '0')
		return;
	dl_iterate_phdr(populate_code, NULL);
	heap_on_huge_pages();
}
#endif
