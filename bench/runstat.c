// SPDX-License-Identifier: Apache-2.0
/*
 * runstat CMD [ARG...]: runs CMD as a fresh process (stdout and stderr to
 * /dev/null) and prints "WALL_NS MAXRSS_KB EXIT CPU_NS" on stdout: the wall
 * time from fork to reap (clock_gettime, CLOCK_MONOTONIC), the peak
 * resident set and the CPU time (user + system) of the child and whatever
 * it waited for (getrusage RUSAGE_CHILDREN: `timeout bpftrace` counts
 * bpftrace). CPU time is the steadier measure on a loaded machine. Used by
 * bench/speed.sh.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CMD [ARG...]\n", argv[0]);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid < 0)
		return 2;
	if (!pid) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (getrusage(RUSAGE_CHILDREN, &ru))
		return 2;
	printf("%lld %ld %d %lld\n",
	       (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec),
	       ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
		       (long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL);
	return 0;
}
