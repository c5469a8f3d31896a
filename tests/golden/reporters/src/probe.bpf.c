// Source that the object unit of tests/unit/test_reporters.c points into.
#include <linux/bpf.h>

static __attribute__((noinline)) int inner(const void *src)
{
	char buf[264];

	bpf_probe_read_kernel(buf, sizeof(buf), src);
	return buf[0];
}

int outer(void *ctx)
{
	char buf[256];

	bpf_probe_read_kernel(buf, sizeof(buf), ctx);
	return inner(ctx) + buf[1];
}
