// SPDX-License-Identifier: Apache-2.0
/* Several units at once, each within a deadline (see analyze_all.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "analyze_all.h"
#include "driver.h"
#include "../core/analysis.h"
#include "../core/target.h"
#include "../core/unit.h"

#define MIN_STACK	(8ul << 20)	/* LLVM's code generation recurses deeply */
#define MAX_STACK	(64ul << 20)

struct job {
	struct bc_unit *u;
	struct bc_analysis a;		/* the unit's, with its own cancel flag */
	struct bc_target t;		/* the analysis's, with its share of -j */
	atomic_bool cancel;
	int (*fn)(struct bc_unit *u, const struct bc_analysis *a);
	struct timespec deadline;
	size_t index;
	pthread_t thread;		/* joined once done, detached when abandoned */
	bool done;			/* under LOCK */
	bool abandoned;			/* under LOCK: the thread frees the job */
};

/* One lock for every run and the threads given up by earlier runs. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;
static pthread_once_t cond_once = PTHREAD_ONCE_INIT;
static size_t stuck;			/* under LOCK */

static void cond_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&cond, &attr);
	pthread_condattr_destroy(&attr);
}

static void *worker(void *arg)
{
	struct job *j = arg;
	bool abandoned;

	j->fn(j->u, &j->a);
	pthread_mutex_lock(&lock);
	j->done = true;
	abandoned = j->abandoned;
	if (abandoned)
		stuck--;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	/* not abandoned: the job is the caller's again from the unlock on */
	if (abandoned) {
		bc_unit_free(j->u);
		free(j->u);
		free(j);
	}
	return NULL;
}

static bool start_thread(struct job *j)
{
	struct rlimit rl;
	size_t size = MIN_STACK;
	pthread_attr_t attr;
	bool ok;

	/* as deep as the caller's thread may go, within reason */
	if (!getrlimit(RLIMIT_STACK, &rl)) {
		if (rl.rlim_cur == RLIM_INFINITY)
			size = MAX_STACK;
		else if (rl.rlim_cur > size)
			size = rl.rlim_cur > MAX_STACK ? MAX_STACK : rl.rlim_cur;
	}
	if (pthread_attr_init(&attr))
		return false;
	pthread_attr_setstacksize(&attr, size);
	/* joinable: a finished thread is joined before its result is used, so
	 * that no thread is still ending when the process exits (LeakSanitizer
	 * and other tools that stop every thread at exit cannot cope with one
	 * half gone) */
	ok = !pthread_create(&j->thread, &attr, worker, j);
	pthread_attr_destroy(&attr);
	return ok;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* A copy of U's input, failed: what the report shows for a unit given up. */
static struct bc_unit *timed_out(const struct bc_unit *u, double timeout)
{
	struct bc_unit *c = calloc(1, sizeof(*c));
	char *name;

	if (!c)
		return NULL;
	if (bc_unit_load_mem(c, u->path, u->data, u->size) == -ENOMEM ||
	    !(name = strdup(u->display_path))) {
		bc_unit_free(c);
		free(c);
		return NULL;
	}
	free(c->display_path);
	c->display_path = name;
	bc_unit_fail(c, -ETIMEDOUT, NULL,
		     "no result within the time limit (--timeout %g s): the analysis was stopped",
		     timeout);
	return c;
}

static struct job *new_job(struct bc_unit *u, const struct bc_analysis *a, size_t index,
			   unsigned inner, const struct bc_analyze_all_opts *o)
{
	struct job *j = calloc(1, sizeof(*j));
	long ns;

	if (!j)
		return NULL;
	j->u = u;
	j->a = *a;
	if (a->target) {
		j->t = *a->target;	/* shallow: read only, the caller's */
		j->t.jobs = inner;
		j->a.target = &j->t;
	}
	atomic_init(&j->cancel, false);
	j->a.cancel = &j->cancel;
	j->fn = o->analyze ? o->analyze : bc_analyze_unit;
	j->index = index;
	clock_gettime(CLOCK_MONOTONIC, &j->deadline);
	ns = (long)((o->timeout - (double)(long)o->timeout) * 1e9);
	j->deadline.tv_sec += (time_t)o->timeout;
	j->deadline.tv_nsec += ns;
	if (j->deadline.tv_nsec >= 1000000000L) {
		j->deadline.tv_sec++;
		j->deadline.tv_nsec -= 1000000000L;
	}
	return j;
}

int bc_analyze_all(struct bc_unit **units, const struct bc_analysis *const *per, size_t n,
		   const struct bc_analyze_all_opts *o)
{
	unsigned files = o->files ? o->files : 1, inner;
	int (*fn)(struct bc_unit *, const struct bc_analysis *) =
		o->analyze ? o->analyze : bc_analyze_unit;
	struct job **active, **ended;
	size_t next = 0, nr_active = 0, nr_ended;

	if (files > n)
		files = n ? (unsigned)n : 1;
	if (files == 1 && o->timeout <= 0) {
		/* one at a time, no limit: on this thread, as always */
		for (size_t i = 0; i < n; i++) {
			if (o->started)
				o->started(o->arg, i);
			fn(units[i], per[i]);
		}
		return 0;
	}
	pthread_once(&cond_once, cond_init);
	active = calloc(files, sizeof(*active));
	ended = calloc(files, sizeof(*ended));
	if (!active || !ended) {
		free(active);
		free(ended);
		return -ENOMEM;
	}
	pthread_mutex_lock(&lock);
	while (next < n || nr_active) {
		struct timespec now, wake = { 0 };
		bool have_wake = false;

		while (next < n && nr_active < files) {
			struct job *j;
			unsigned jobs;

			pthread_mutex_unlock(&lock);
			if (o->started)
				o->started(o->arg, next);
			jobs = per[next]->target ? (unsigned)per[next]->target->jobs : 0;
			if (!jobs)	/* one per CPU: the CPUs shared out */
				jobs = files;
			inner = files > 1 ? (jobs / files ? jobs / files : 1) : jobs;
			j = new_job(units[next], per[next], next, inner, o);
			if (j && start_thread(j)) {
				pthread_mutex_lock(&lock);
				active[nr_active++] = j;
			} else {
				/* no thread: analysed here, without a deadline */
				if (j)
					fn(units[next], &j->a);
				else
					fn(units[next], per[next]);
				free(j);
				pthread_mutex_lock(&lock);
			}
			next++;
		}
		/* collect what ended; give up what is past its deadline */
		clock_gettime(CLOCK_MONOTONIC, &now);
		nr_ended = 0;
		for (size_t k = 0; k < nr_active;) {
			struct job *j = active[k];
			struct bc_unit *failed;

			if (j->done) {
				ended[nr_ended++] = j;	/* joined below */
			} else if (o->timeout > 0 && !before(&now, &j->deadline) &&
				   (failed = timed_out(j->u, o->timeout))) {
				atomic_store(&j->cancel, true);
				j->abandoned = true;
				stuck++;
				units[j->index] = failed;
				pthread_detach(j->thread);	/* it ends on its own */
			} else {
				if (o->timeout > 0 && (!have_wake || before(&j->deadline, &wake))) {
					wake = j->deadline;
					have_wake = true;
				}
				k++;
				continue;
			}
			active[k] = active[--nr_active];
		}
		if (nr_ended) {
			/* done: the workers only have to return now. The lock is
			 * let go to join them, so a job seen running above may end
			 * meanwhile: scan again before waiting, or its wake-up is
			 * lost and this thread waits for ever */
			pthread_mutex_unlock(&lock);
			for (size_t k = 0; k < nr_ended; k++) {
				pthread_join(ended[k]->thread, NULL);
				free(ended[k]);
			}
			pthread_mutex_lock(&lock);
			continue;
		}
		if (!nr_active || (next < n && nr_active < files))
			continue;
		if (have_wake)
			pthread_cond_timedwait(&cond, &lock, &wake);
		else
			pthread_cond_wait(&cond, &lock);
	}
	pthread_mutex_unlock(&lock);
	free(active);
	free(ended);
	return 0;
}

size_t bc_analyze_stuck(void)
{
	size_t k;

	pthread_mutex_lock(&lock);
	k = stuck;
	pthread_mutex_unlock(&lock);
	return k;
}

size_t bc_analyze_wait_stuck(double seconds)
{
	struct timespec until;
	size_t k;

	pthread_once(&cond_once, cond_init);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)seconds;
	until.tv_nsec += (long)((seconds - (double)(long)seconds) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lock);
	while (stuck && pthread_cond_timedwait(&cond, &lock, &until) != ETIMEDOUT)
		;
	k = stuck;
	pthread_mutex_unlock(&lock);
	return k;
}
