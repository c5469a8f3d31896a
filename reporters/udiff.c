// SPDX-License-Identifier: Apache-2.0
/* Unified diff of two texts: Myers' line diff, hunks with context. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "udiff.h"
#include "../analyzer/base/array.h"

struct line {
	const unsigned char *p;
	size_t len;		/* with its '\n', when it has one */
	uint64_t hash;
};

struct op {
	char kind;		/* ' ' same, '-' only in A, '+' only in B */
	size_t a, b;		/* line indexes in A and B where the op stands */
};

struct ops {
	struct op *v;
	size_t n, cap;
};

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static int split_lines(const unsigned char *d, size_t len, struct line **out, size_t *n)
{
	size_t cap = 16, k = 0, pos = 0;
	struct line *v = malloc(cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	while (pos < len) {
		const unsigned char *nl = memchr(d + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (d + pos)) + 1 : len - pos;

		if (BC_GROW(v, cap, k + 1)) {
			free(v);
			return -ENOMEM;
		}
		v[k].p = d + pos;
		v[k].len = l;
		v[k].hash = fnv1a(d + pos, l);
		k++;
		pos += l;
	}
	*out = v;
	*n = k;
	return 0;
}

static bool same(const struct line *x, const struct line *y)
{
	return x->hash == y->hash && x->len == y->len && !memcmp(x->p, y->p, x->len);
}

static int push(struct ops *o, char kind, size_t a, size_t b)
{
	if (BC_GROW(o->v, o->cap, o->n + 1))
		return -ENOMEM;
	o->v[o->n++] = (struct op){ kind, a, b };
	return 0;
}

/*
 * Myers' greedy O(ND) diff of A[0..n) and B[0..m) (offsets AO/BO added to
 * the indexes it records). Pushes the ops in reverse order. Returns 1 when
 * the edit distance exceeds BC_UDIFF_MAX_D (nothing pushed).
 */
static int myers(const struct line *A, size_t n, const struct line *B, size_t m, size_t ao,
		 size_t bo, struct ops *o)
{
	long max = (long)(n + m), dmax = max < BC_UDIFF_MAX_D ? max : BC_UDIFF_MAX_D;
	long off = dmax + 1, found = -1, x, y, k, d;
	long *V = calloc(2 * dmax + 3, sizeof(*V)), **hist = calloc(dmax + 1, sizeof(*hist));
	int err = 0;

	if (!V || !hist) {
		err = -ENOMEM;
		goto out;
	}
	for (d = 0; d <= dmax && found < 0; d++) {
		hist[d] = malloc((2 * d + 3) * sizeof(**hist));
		if (!hist[d]) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(hist[d], V + off - d - 1, (2 * d + 3) * sizeof(*V));
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && V[off + k - 1] < V[off + k + 1]))
				x = V[off + k + 1];
			else
				x = V[off + k - 1] + 1;
			y = x - k;
			while (x < (long)n && y < (long)m && same(&A[x], &B[y])) {
				x++;
				y++;
			}
			V[off + k] = x;
			if (x >= (long)n && y >= (long)m) {
				found = d;
				break;
			}
		}
	}
	if (found < 0) {
		err = 1;
		goto out;
	}
	x = n;
	y = m;
	for (d = found; d >= 0; d--) {
		const long *h = hist[d];	/* V before step d, k in [-d-1, d+1] */
		long pk, px, py;

		k = x - y;
		if (d == 0) {
			pk = 0;
			px = py = 0;
		} else {
			if (k == -d || (k != d && h[k - 1 + d + 1] < h[k + 1 + d + 1]))
				pk = k + 1;
			else
				pk = k - 1;
			px = h[pk + d + 1];
			py = px - pk;
		}
		while (x > px && y > py) {
			x--;
			y--;
			if ((err = push(o, ' ', ao + x, bo + y)))
				goto out;
		}
		if (d == 0)
			break;
		if (x == px)
			err = push(o, '+', ao + x, bo + py);
		else
			err = push(o, '-', ao + px, bo + y);
		if (err)
			goto out;
		x = px;
		y = py;
	}
out:
	if (hist)
		for (d = 0; d <= dmax; d++)
			free(hist[d]);
	free(hist);
	free(V);
	return err;
}

static void reverse(struct op *v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		struct op t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

/* In each run of changes, deletions before insertions (GNU diff's order). */
static void order_runs(struct op *v, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i, w = i;
		struct op *tmp;

		if (v[i].kind == ' ') {
			i++;
			continue;
		}
		while (j < n && v[j].kind != ' ')
			j++;
		tmp = malloc((j - i) * sizeof(*tmp));
		if (tmp) {
			memcpy(tmp, v + i, (j - i) * sizeof(*tmp));
			for (size_t k = 0; k < j - i; k++)
				if (tmp[k].kind == '-')
					v[w++] = tmp[k];
			for (size_t k = 0; k < j - i; k++)
				if (tmp[k].kind == '+')
					v[w++] = tmp[k];
			free(tmp);
		}
		i = j;
	}
}

static int build_ops(const struct line *A, size_t na, const struct line *B, size_t nb,
		     struct ops *o)
{
	size_t pre = 0, suf = 0;
	struct ops mid = { 0 };
	int err;

	while (pre < na && pre < nb && same(&A[pre], &B[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && same(&A[na - 1 - suf], &B[nb - 1 - suf]))
		suf++;
	for (size_t i = 0; i < pre; i++)
		if ((err = push(o, ' ', i, i)))
			return err;
	err = myers(A + pre, na - pre - suf, B + pre, nb - pre - suf, pre, pre, &mid);
	if (err < 0) {
		free(mid.v);
		return err;
	}
	if (err == 1) {		/* too different: one replaced block */
		mid.n = 0;
		for (size_t i = pre; i < na - suf; i++)
			if ((err = push(&mid, '-', i, pre)) < 0)
				break;
		for (size_t i = pre; i < nb - suf && err >= 0; i++)
			err = push(&mid, '+', na - suf, i);
		if (err < 0) {
			free(mid.v);
			return err;
		}
	} else {
		reverse(mid.v, mid.n);
	}
	for (size_t i = 0; i < mid.n; i++)
		if ((err = push(o, mid.v[i].kind, mid.v[i].a, mid.v[i].b)))
			break;
	free(mid.v);
	if (err)
		return err;
	for (size_t i = 0; i < suf; i++)
		if ((err = push(o, ' ', na - suf + i, nb - suf + i)))
			return err;
	order_runs(o->v, o->n);
	return 0;
}

static void print_range(FILE *out, size_t start, size_t count)
{
	/* 1-based first line; an empty range names the line before it */
	fprintf(out, "%zu", count ? start + 1 : start);
	if (count != 1)
		fprintf(out, ",%zu", count);
}

static void print_line(FILE *out, char kind, const struct line *l)
{
	fputc(kind, out);
	fwrite(l->p, 1, l->len, out);
	if (!l->len || l->p[l->len - 1] != '\n')
		fputs("\n\\ No newline at end of file\n", out);
}

static void print_hunk(FILE *out, const struct ops *o, size_t from, size_t to,
		       const struct line *A, const struct line *B)
{
	size_t ac = 0, bc = 0;

	for (size_t i = from; i < to; i++) {
		ac += o->v[i].kind != '+';
		bc += o->v[i].kind != '-';
	}
	fputs("@@ -", out);
	print_range(out, o->v[from].a, ac);
	fputs(" +", out);
	print_range(out, o->v[from].b, bc);
	fputs(" @@\n", out);
	for (size_t i = from; i < to; i++)
		print_line(out, o->v[i].kind, o->v[i].kind == '+' ? &B[o->v[i].b] : &A[o->v[i].a]);
}

static void print_header(FILE *out, const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	fprintf(out, "--- a%s%s\n+++ b%s%s\n", path[0] == '/' ? "" : "/", path,
		path[0] == '/' ? "" : "/", path);
}

int bc_udiff_write(FILE *out, const char *path, const unsigned char *a, size_t alen,
		   const unsigned char *b, size_t blen)
{
	struct line *A = NULL, *B = NULL;
	size_t na = 0, nb = 0, i = 0;
	struct ops o = { 0 };
	int err;

	if (alen == blen && !memcmp(a, b, alen))
		return 0;
	err = split_lines(a, alen, &A, &na);
	if (!err)
		err = split_lines(b, blen, &B, &nb);
	if (!err)
		err = build_ops(A, na, B, nb, &o);
	if (err)
		goto out;
	print_header(out, path);
	while (i < o.n) {
		size_t from, to, last;

		while (i < o.n && o.v[i].kind == ' ')
			i++;
		if (i == o.n)
			break;
		from = i > BC_UDIFF_CONTEXT ? i - BC_UDIFF_CONTEXT : 0;
		/* extend while the next change is close enough to share context */
		for (;;) {
			while (i < o.n && o.v[i].kind != ' ')
				i++;
			last = i;
			while (i < o.n && o.v[i].kind == ' ' && i - last < 2 * BC_UDIFF_CONTEXT + 1)
				i++;
			if (i < o.n && o.v[i].kind != ' ' && i - last <= 2 * BC_UDIFF_CONTEXT)
				continue;
			break;
		}
		to = last + BC_UDIFF_CONTEXT < o.n ? last + BC_UDIFF_CONTEXT : o.n;
		print_hunk(out, &o, from, to, A, B);
		i = to;
	}
	if (ferror(out))
		err = -EIO;
out:
	free(o.v);
	free(A);
	free(B);
	return err;
}
