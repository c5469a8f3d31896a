// SPDX-License-Identifier: Apache-2.0
/* JSON-RPC framing for the language server (see rpc.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rpc.h"
#include "../analyzer/base/array.h"

int bc_rpc_feed(struct bc_rpc_reader *r, const void *data, size_t n)
{
	if (!n)
		return 0;
	if (BC_GROW(r->buf, r->cap, r->len + n))
		return -ENOMEM;
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	return 0;
}

static void drop(struct bc_rpc_reader *r, size_t n)
{
	if (n > r->len)
		n = r->len;
	memmove(r->buf, r->buf + n, r->len - n);
	r->len -= n;
}

/* Finds "\r\n\r\n" in the first N bytes: the offset after it, or 0. */
static size_t header_end(const char *s, size_t n)
{
	for (size_t i = 0; i + 3 < n; i++)
		if (s[i] == '\r' && s[i + 1] == '\n' && s[i + 2] == '\r' && s[i + 3] == '\n')
			return i + 4;
	return 0;
}

/* Where "Content-Length:" (any case) starts in the first N bytes; -1: nowhere. */
static ssize_t find_content_length(const char *s, size_t n)
{
	static const char name[] = "content-length:";
	const size_t nl = sizeof(name) - 1;

	for (size_t i = 0; i + nl <= n; i++)
		if (!strncasecmp(s + i, name, nl))
			return (ssize_t)i;
	return -1;
}

/* Content-Length from the header block H (LEN bytes, ending "\r\n\r\n"):
 * 0 and *BODY, or -EINVAL (missing, malformed, given twice) / -EFBIG. */
static int content_length(const char *h, size_t len, size_t *body)
{
	static const char name[] = "content-length:";
	const size_t nl = sizeof(name) - 1;
	bool found = false;
	size_t i = 0;

	while (i < len) {
		size_t e = i;

		while (e + 1 < len && !(h[e] == '\r' && h[e + 1] == '\n'))
			e++;
		if (e - i >= nl && !strncasecmp(h + i, name, nl)) {
			size_t p = i + nl, v = 0, digits = 0;

			if (found)
				return -EINVAL;
			while (p < e && (h[p] == ' ' || h[p] == '\t'))
				p++;
			for (; p < e && h[p] >= '0' && h[p] <= '9'; p++, digits++) {
				v = v * 10 + (size_t)(h[p] - '0');
				if (v > BC_RPC_MAX_BODY)
					return -EFBIG;
			}
			while (p < e && (h[p] == ' ' || h[p] == '\t'))
				p++;
			if (!digits || p != e)
				return -EINVAL;
			*body = v;
			found = true;
		}
		i = e + 2;
	}
	return found ? 0 : -EINVAL;
}

enum bc_rpc_status bc_rpc_next(struct bc_rpc_reader *r, json_t **msg, int *code,
			       const char **why)
{
	size_t hlen, blen = 0;
	ssize_t cl;
	json_error_t jerr;
	json_t *v;
	int err;

	*msg = NULL;
	if (!r->len)
		return BC_RPC_MORE;
	hlen = header_end(r->buf, r->len < BC_RPC_MAX_HEADER ? r->len : BC_RPC_MAX_HEADER);
	if (!hlen) {
		if (r->len < BC_RPC_MAX_HEADER)
			return BC_RPC_MORE;
		r->len = 0;
		*code = BC_RPC_PARSE_ERROR;
		*why = "header block longer than 8192 bytes; input dropped";
		return BC_RPC_BAD;
	}
	/* after a bad message, resynchronise on the next Content-Length */
	cl = find_content_length(r->buf, hlen);
	if (cl > 0 && r->buf[cl - 1] != '\n') {
		drop(r, cl);
		*code = BC_RPC_PARSE_ERROR;
		*why = "bytes that are not a message before a header; dropped";
		return BC_RPC_BAD;
	}
	err = content_length(r->buf, hlen - 2, &blen);
	if (err) {
		drop(r, hlen);
		*code = BC_RPC_PARSE_ERROR;
		*why = err == -EFBIG ? "Content-Length over the 64 MiB limit; header dropped"
				     : "missing or invalid Content-Length; header dropped";
		return BC_RPC_BAD;
	}
	if (r->len - hlen < blen)
		return BC_RPC_MORE;
	v = json_loadb(r->buf + hlen, blen, JSON_REJECT_DUPLICATES, &jerr);
	drop(r, hlen + blen);
	if (!v) {
		*code = BC_RPC_PARSE_ERROR;
		*why = "invalid JSON";
		return BC_RPC_BAD;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		*code = BC_RPC_INVALID_REQUEST;
		*why = "a message must be a JSON object";
		return BC_RPC_BAD;
	}
	*msg = v;
	return BC_RPC_MESSAGE;
}

void bc_rpc_reader_free(struct bc_rpc_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

void bc_rpc_writer_init(struct bc_rpc_writer *w, int fd)
{
	w->fd = fd;
	w->error = 0;
	pthread_mutex_init(&w->lock, NULL);
}

void bc_rpc_writer_destroy(struct bc_rpc_writer *w)
{
	pthread_mutex_destroy(&w->lock);
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t k = write(fd, s, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

int bc_rpc_write(struct bc_rpc_writer *w, const json_t *msg)
{
	char *body = json_dumps(msg, JSON_COMPACT);
	char head[64];
	int n, err;

	if (!body)
		return -ENOMEM;
	n = snprintf(head, sizeof(head), "Content-Length: %zu\r\n\r\n", strlen(body));
	pthread_mutex_lock(&w->lock);
	err = w->error;
	if (!err)
		err = write_all(w->fd, head, (size_t)n);
	if (!err)
		err = write_all(w->fd, body, strlen(body));
	if (err && !w->error)
		w->error = err;
	pthread_mutex_unlock(&w->lock);
	free(body);
	return err;
}
