/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Analysing a list of units: several at once (-j), each within a deadline
 * (--timeout), the results in the list's order whatever order they end in.
 *
 * Each unit is analysed on a thread of its own (or, with one file at a time
 * and no deadline, on the caller's thread, as before). The caller's thread
 * starts the units in order, at most FILES at once, and waits for them. A
 * unit still running at its deadline is given up:
 *
 *  - its analysis is told to stop (the cancel flag every analysis has,
 *    core/analysis.h), which the driver and the script front end look at
 *    between their steps;
 *  - its place in the list is taken at once by a copy of the input that
 *    failed with -ETIMEDOUT and a message naming the limit, so the report
 *    says which file and the exit code is 2; the other files go on;
 *  - the thread is left to finish on its own (it frees its unit then).
 *
 * Why a thread and not an alarm: the step that can run for minutes is
 * LLVM's (the optimiser, the BPF backend), which cannot be interrupted and
 * resumed, and jumping out of it from a signal handler would leave its
 * locks, the allocator's and its context in whatever state they were. A
 * thread that is given up costs a CPU until it ends or the process exits;
 * bc_analyze_stuck() says whether one is still running, and the command
 * line then ends the process with _exit() after the report, rather than
 * free what that thread still reads or run LLVM's exit-time destructors
 * under it.
 *
 * FILES > 1 gives each unit's analysis a share of -j for its own probes
 * (analyzer/llvm/compile_split.h): target->jobs / FILES, at least 1. The
 * figures do not depend on it (core/target.h).
 */
#ifndef BC_DRIVER_ANALYZE_ALL_H
#define BC_DRIVER_ANALYZE_ALL_H

#include <stddef.h>

struct bc_unit;
struct bc_analysis;

struct bc_analyze_all_opts {
	unsigned files;			/* units analysed at once; 0 or 1: one */
	double timeout;			/* seconds per unit; 0: no limit */
	/* One unit's analysis; NULL: bc_analyze_unit (tests give their own). */
	int (*analyze)(struct bc_unit *u, const struct bc_analysis *a);
	/* Called on the caller's thread just before unit I starts (a
	 * progress line); optional. */
	void (*started)(void *arg, size_t i);
	void *arg;
};

/*
 * Analyses UNITS[0..N) with PER[i] each. A unit given up at its deadline is
 * replaced in UNITS by its failed copy (the original belongs to its thread
 * from then on). 0, or -ENOMEM when the bookkeeping could not be set up
 * (nothing was analysed then); a unit's own failure is in the unit.
 */
int bc_analyze_all(struct bc_unit **units, const struct bc_analysis *const *per, size_t n,
		   const struct bc_analyze_all_opts *o);

/* Threads given up at their deadline and still running. */
size_t bc_analyze_stuck(void);
/* Waits up to SECONDS for them to end; returns how many still run. */
size_t bc_analyze_wait_stuck(double seconds);

#endif
