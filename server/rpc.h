/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON-RPC 2.0 over the Language Server Protocol's base protocol: each
 * message is a header block ("Content-Length: N\r\n", optionally
 * "Content-Type: ...\r\n", then "\r\n") and N bytes of JSON (jansson).
 *
 * The reader is fed bytes as they arrive and hands out whole messages.
 * What cannot be a message is answered, not fatal: a header block without
 * a valid Content-Length (missing, not a number, over BC_RPC_MAX_BODY) is
 * dropped and reported as an error; a header that does not end within
 * BC_RPC_MAX_HEADER bytes drops what was buffered; a body that is not JSON
 * is a parse error (JSON-RPC -32700); JSON that is not an object is an
 * invalid request (-32600). The server answers each with an error
 * response whose id is null, and goes on with the next message.
 */
#ifndef BC_SERVER_RPC_H
#define BC_SERVER_RPC_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#define BC_RPC_MAX_HEADER	8192
#define BC_RPC_MAX_BODY		(64u << 20)

/* JSON-RPC and LSP error codes. */
enum {
	BC_RPC_PARSE_ERROR = -32700,
	BC_RPC_INVALID_REQUEST = -32600,
	BC_RPC_METHOD_NOT_FOUND = -32601,
	BC_RPC_INVALID_PARAMS = -32602,
	BC_RPC_INTERNAL_ERROR = -32603,
	BC_RPC_SERVER_NOT_INITIALIZED = -32002,
};

struct bc_rpc_reader {
	char *buf;
	size_t len, cap;
};

/* What bc_rpc_next found. */
enum bc_rpc_status {
	BC_RPC_MORE = 0,	/* no complete message yet: feed more bytes */
	BC_RPC_MESSAGE,		/* *MSG holds a JSON object (caller decrefs) */
	BC_RPC_BAD,		/* *CODE and *WHY (static text) say what was wrong */
};

/* Appends N bytes. 0 or -ENOMEM. */
int bc_rpc_feed(struct bc_rpc_reader *r, const void *data, size_t n);
/* The next message, or what was wrong with the bytes at the front. */
enum bc_rpc_status bc_rpc_next(struct bc_rpc_reader *r, json_t **msg, int *code,
			       const char **why);
void bc_rpc_reader_free(struct bc_rpc_reader *r);

/* Where messages go: a file descriptor, one writer at a time. */
struct bc_rpc_writer {
	int fd;
	pthread_mutex_t lock;
	int error;		/* the first write error (-errno); later writes are dropped */
};

void bc_rpc_writer_init(struct bc_rpc_writer *w, int fd);
void bc_rpc_writer_destroy(struct bc_rpc_writer *w);
/* Frames and writes MSG (not consumed). 0 or a negative errno. */
int bc_rpc_write(struct bc_rpc_writer *w, const json_t *msg);

#endif
