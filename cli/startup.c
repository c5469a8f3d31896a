// SPDX-License-Identifier: Apache-2.0
/*
 * Allocator set-up for one short-lived bpfcheck process, done before any
 * other static constructor (LLVM registers thousands of options from its
 * own) so that every allocation of the run sees it.
 *
 * A lint run allocates tens of megabytes it touches once: the copy libbpf
 * makes of the kernel's 5 MB BTF, LLVM's per-function analyses and the
 * backend's DAGs. On 4 KB pages each first touch is a page fault, and on
 * virtual machines with expensive faults those dominate: copying the BTF
 * into fresh memory costs 14 ms in 1,350 faults on the machine this was
 * measured on, against 4 ms on transparent huge pages.
 *
 * So the heap is asked to grow in one large step (M_TOP_PAD), never to hand
 * allocations to mmap (M_MMAP_THRESHOLD) or to shrink (M_TRIM_THRESHOLD),
 * and that range is marked MADV_HUGEPAGE, which the kernel honours in its
 * default "madvise" THP mode. Where THP is off, or the heap cannot grow, the
 * advice is ignored and nothing else changes. Address space is reserved, not
 * memory: only what the run touches becomes resident, in 2 MB steps.
 *
 * BPFCHECK_NO_HUGEPAGES=1 turns it off (to compare). Sanitizer builds keep
 * their own allocator and skip it.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEAP_RESERVE	(256UL << 20)
#define HUGE_PAGE	(2UL << 20)

#if defined(__SANITIZE_ADDRESS__)
#define BC_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BC_HAVE_ASAN 1
#endif
#endif

#ifndef BC_HAVE_ASAN
__attribute__((constructor(101))) static void bc_heap_setup(void)
{
	const char *off = getenv("BPFCHECK_NO_HUGEPAGES");
	uintptr_t start, end;
	void *p;

	if (off && *off && *off != '0')
		return;
	/* one arena: the compile threads (analyzer/ir/compile_split.h) share
	 * the huge-page heap instead of faulting in arenas of their own */
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
#endif
