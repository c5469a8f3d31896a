/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the language server's framing and dispatch
 * (server/rpc.h, server/lsp.h). The input is a byte stream from a client,
 * fed in pieces whose size the first byte picks (so that headers and
 * bodies are split across reads); every message is dispatched to a server
 * that keeps documents but does not analyse them, writing to /dev/null.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "server/lsp.h"
#include "server/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int no_analysis(void *ctx, const char *path, const json_t *settings,
		       struct bc_analysis **a, char **why)
{
	(void)ctx, (void)path, (void)settings, (void)a, (void)why;
	return -1;	/* never called: the server is made without analysis */
}

static void no_free(void *ctx, struct bc_analysis *a)
{
	(void)ctx, (void)a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int devnull = -1;
	const struct bc_lsp_host host = { no_analysis, no_free, NULL };
	struct bc_rpc_reader r = { 0 };
	struct bc_lsp_server *s;
	size_t piece, off = 1;
	int code;

	if (!size)
		return 0;
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY);
	if (bc_lsp_server_new(&host, devnull, false, &s))
		return 0;
	piece = data[0] ? data[0] : size;
	while (off < size && !bc_lsp_exited(s, &code)) {
		size_t n = size - off < piece ? size - off : piece;
		enum bc_rpc_status st;
		const char *why;
		json_t *msg;
		int ecode;

		if (bc_rpc_feed(&r, data + off, n))
			break;
		off += n;
		while ((st = bc_rpc_next(&r, &msg, &ecode, &why)) != BC_RPC_MORE) {
			if (st == BC_RPC_BAD) {
				bc_lsp_bad_message(s, ecode, why);
				continue;
			}
			bc_lsp_handle(s, msg);
			json_decref(msg);
		}
	}
	bc_rpc_reader_free(&r);
	bc_lsp_server_free(s);
	return 0;
}
