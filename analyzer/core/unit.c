// SPDX-License-Identifier: Apache-2.0
/* Input units: reading a file or stdin, detecting its kind from content. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "../base/array.h"

/* Inputs larger than this are refused rather than read into memory. */
#define BC_MAX_INPUT_BYTES (256u << 20)

static const char *const kind_names[] = {
	[BC_KIND_UNKNOWN] = "unknown",
	[BC_KIND_SCRIPT] = "script",
	[BC_KIND_LLVM_IR] = "llvm-ir",
	[BC_KIND_LLVM_BC] = "llvm-ir",
	[BC_KIND_OBJECT] = "bpf-object",
	[BC_KIND_MANIFEST] = "manifest",
	[BC_KIND_C_SOURCE] = "c-source",
	[BC_KIND_AOT] = "aot",
};

const char *bc_kind_name(enum bc_kind k)
{
	if ((unsigned)k >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "unknown";
	return kind_names[k];
}

static const unsigned char *skip_space(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
		p++;
	return p;
}

static bool starts_with(const unsigned char *p, const unsigned char *end, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(end - p) >= n && !memcmp(p, w, n);
}

/* Textual LLVM IR: a ';' comment first (bpftrace scripts comment with //),
 * or a line that only IR starts with. */
static bool looks_like_ir(const unsigned char *data, size_t size)
{
	static const char *const heads[] = {
		"define ", "declare ", "target triple", "target datalayout", "source_filename",
	};
	const unsigned char *p = skip_space(data, data + size), *end = data + size;

	if (p < end && *p == ';')
		return true;
	while (p < end) {
		for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
			if (starts_with(p, end, heads[i]))
				return true;
		p = memchr(p, '\n', end - p);
		if (!p)
			break;
		p++;
	}
	return false;
}

/*
 * A type manifest (docs/manifest.md): a JSON object whose "schema" key names
 * "bpfcheck-manifest/N". Other JSON is not taken for one; the key is looked
 * for in the first 4 KiB, where bpfcheck writes it first.
 */
static bool looks_like_manifest(const unsigned char *p, const unsigned char *end)
{
	static const char key[] = "\"schema\"";
	const unsigned char *lim = end - p > 4096 ? p + 4096 : end, *k;

	if (p >= end || *p != '{')
		return false;
	for (k = p; (k = memmem(k, lim - k, key, sizeof(key) - 1)); k++) {
		const unsigned char *v = skip_space(k + sizeof(key) - 1, lim);

		if (v < lim && *v == ':' &&
		    starts_with(skip_space(v + 1, lim), lim, "\"bpfcheck-manifest/"))
			return true;
	}
	return false;
}

/* bpftrace --aot's header: magic 0xA07, unused 0, header_len 48 (little
 * endian; bpftrace src/aot/aot.cpp). */
static bool is_aot_blob(const unsigned char *data, size_t size)
{
	static const unsigned char head[8] = { 0x07, 0x0a, 0, 0, 48, 0, 0, 0 };

	return size >= sizeof(head) && !memcmp(data, head, sizeof(head));
}

/*
 * Is every NUL byte of DATA inside a bpftrace comment (from // to the end of
 * the line, or a block comment), outside strings? Such a file is a script
 * with a stray byte that the lexer reports where it is, not binary data.
 */
static bool nul_only_in_comments(const unsigned char *data, size_t size)
{
	size_t i = 0;

	while (i < size) {
		unsigned char c = data[i];

		if (c == 0)
			return false;
		if (c == '"') {
			for (i++; i < size && data[i] != '"' && data[i] != '\n'; i++) {
				if (data[i] == '\\' && i + 1 < size && data[i + 1] != '\n')
					i++;
				if (data[i] == 0)
					return false;
			}
			i += i < size && data[i] == '"';
		} else if (c == '/' && i + 1 < size && data[i + 1] == '/') {
			while (i < size && data[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < size && data[i + 1] == '*') {
			for (i += 2; i < size && !(data[i] == '*' && i + 1 < size && data[i + 1] == '/');
			     i++)
				;
			i = i < size ? i + 2 : size;
		} else {
			i++;
		}
	}
	return true;
}

enum bc_kind bc_detect_kind(const unsigned char *data, size_t size)
{
	const unsigned char *p;
	bool nul;

	if (size >= 4 && !memcmp(data, "\177ELF", 4))
		return BC_KIND_OBJECT;
	if (size >= 4 && data[0] == 'B' && data[1] == 'C' && data[2] == 0xc0 && data[3] == 0xde)
		return BC_KIND_LLVM_BC;
	if (size >= 4 && data[0] == 0xde && data[1] == 0xc0 && data[2] == 0x17 && data[3] == 0x0b)
		return BC_KIND_LLVM_BC;	/* bitcode wrapper header */
	if (is_aot_blob(data, size))
		return BC_KIND_AOT;
	nul = size && memchr(data, '\0', size);
	if (!size || (nul && !nul_only_in_comments(data, size)))
		return BC_KIND_UNKNOWN;	/* empty, or binary data that is none of the above */
	p = skip_space(data, data + size);
	if (p == data + size)
		return BC_KIND_UNKNOWN;
	if (*p == '{' || *p == '[')	/* a bpftrace script cannot start with either */
		return !nul && looks_like_manifest(p, data + size) ? BC_KIND_MANIFEST : BC_KIND_UNKNOWN;
	if (looks_like_ir(data, size))
		return nul ? BC_KIND_UNKNOWN : BC_KIND_LLVM_IR;
	return BC_KIND_SCRIPT;
}

int bc_kind_refused_frame(enum bc_kind k, int limit)
{
	bool llvm = k == BC_KIND_LLVM_IR || k == BC_KIND_LLVM_BC || k == BC_KIND_C_SOURCE;

	return llvm ? limit : limit + 1;
}

bool bc_path_is_c_source(const char *path)
{
	size_t l = path ? strlen(path) : 0;

	return l > 2 && !strcmp(path + l - 2, ".c");
}

int bc_unit_fail(struct bc_unit *u, int err, const struct bc_span *span, const char *fmt, ...)
{
	va_list ap;

	if (err >= 0)
		err = -EINVAL;
	if (u->status)		/* keep the first (root-cause) failure */
		return err;
	u->status = err;
	va_start(ap, fmt);
	u->error = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (span)
		u->error_span = *span;
	return err;
}

static int index_lines(struct bc_unit *u)
{
	size_t n = 1, k = 0;

	for (size_t i = 0; i < u->size; i++)
		n += u->data[i] == '\n';
	u->line_starts = malloc(n * sizeof(*u->line_starts));
	if (!u->line_starts)
		return -ENOMEM;
	u->line_starts[k++] = 0;
	for (size_t i = 0; i < u->size; i++)
		if (u->data[i] == '\n')
			u->line_starts[k++] = i + 1;
	u->nr_lines = k;
	return 0;
}

static int finish_load(struct bc_unit *u)
{
	const unsigned char *p;
	int err;

	u->kind = bc_detect_kind(u->data, u->size);
	if (u->kind == BC_KIND_SCRIPT && bc_path_is_c_source(u->path))
		u->kind = BC_KIND_C_SOURCE;
	if (u->kind == BC_KIND_SCRIPT || u->kind == BC_KIND_LLVM_IR ||
	    u->kind == BC_KIND_MANIFEST || u->kind == BC_KIND_C_SOURCE) {
		err = index_lines(u);
		if (err)
			return bc_unit_fail(u, err, NULL, "out of memory");
	}
	if (u->kind != BC_KIND_UNKNOWN)
		return 0;
	if (!u->size)
		return bc_unit_fail(u, -EINVAL, NULL, "empty input: nothing to check");
	p = skip_space(u->data, u->data + u->size);
	if (p == u->data + u->size)
		return bc_unit_fail(u, -EINVAL, NULL, "empty input: only white space");
	if ((*p == '{' || *p == '[') && !memchr(u->data, '\0', u->size))
		return bc_unit_fail(u, -EINVAL, NULL,
				    "unrecognized input: JSON that is not a type manifest (no "
				    "\"schema\": \"bpfcheck-manifest/...\" key)");
	return bc_unit_fail(u, -EINVAL, NULL,
			    "unrecognized input: binary data that is not a BPF ELF object or LLVM bitcode");
}

static int set_paths(struct bc_unit *u, const char *path)
{
	memset(u, 0, sizeof(*u));
	u->path = strdup(path);
	u->display_path = strdup(strcmp(path, "-") ? path : "<stdin>");
	if (!u->path || !u->display_path)
		return -ENOMEM;
	return 0;
}

int bc_unit_load_mem(struct bc_unit *u, const char *path, const void *data, size_t size)
{
	int err = set_paths(u, path);

	if (err)
		return err;
	if (size > BC_MAX_INPUT_BYTES)
		return bc_unit_fail(u, -EFBIG, NULL, "input is %zu bytes, more than the %u-byte limit",
				    size, BC_MAX_INPUT_BYTES);
	u->data = malloc(size + 1);
	if (!u->data)
		return bc_unit_fail(u, -ENOMEM, NULL, "out of memory");
	if (size)
		memcpy(u->data, data, size);
	u->data[size] = 0;
	u->size = size;
	return finish_load(u);
}

static int read_fd(struct bc_unit *u, int fd)
{
	size_t cap = 64 << 10, n = 0;
	unsigned char *buf = malloc(cap);
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap >= BC_MAX_INPUT_BYTES) {
				free(buf);
				return -EFBIG;
			}
			if (BC_GROW(buf, cap, n + 1)) {
				free(buf);
				return -ENOMEM;
			}
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			return r;
		}
		if (!r)
			break;
		n += r;
	}
	if (BC_GROW(buf, cap, n + 1)) {	/* room for the NUL */
		free(buf);
		return -ENOMEM;
	}
	buf[n] = 0;
	u->data = buf;
	u->size = n;
	return 0;
}

int bc_unit_load(struct bc_unit *u, const char *path)
{
	struct stat st;
	int fd, err;

	err = set_paths(u, path);
	if (err)
		return err;
	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		/* O_NONBLOCK: opening a FIFO without a writer would block forever */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return bc_unit_fail(u, -errno, NULL, "cannot open: %s", strerror(errno));
		if (fstat(fd, &st)) {
			err = -errno;
			close(fd);
			return bc_unit_fail(u, err, NULL, "cannot stat: %s", strerror(-err));
		}
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return bc_unit_fail(u, -EISDIR, NULL, "is a directory");
		}
		/* a FIFO, socket or device may never end: only standard input
		 * ("-") is read as a stream */
		if (!S_ISREG(st.st_mode)) {
			close(fd);
			return bc_unit_fail(u, -EINVAL, NULL, "not a regular file (%s); give '-' to "
					    "read standard input", S_ISFIFO(st.st_mode) ? "a FIFO" :
					    S_ISCHR(st.st_mode) ? "a character device" :
					    S_ISBLK(st.st_mode) ? "a block device" :
					    S_ISSOCK(st.st_mode) ? "a socket" : "a special file");
		}
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
			err = -errno;
			close(fd);
			return bc_unit_fail(u, err, NULL, "cannot read: %s", strerror(-err));
		}
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > BC_MAX_INPUT_BYTES) {
			close(fd);
			return bc_unit_fail(u, -EFBIG, NULL, "input is %lld bytes, more than the %u-byte limit",
					    (long long)st.st_size, BC_MAX_INPUT_BYTES);
		}
	}
	err = read_fd(u, fd);
	if (fd != STDIN_FILENO)
		close(fd);
	if (err)
		return bc_unit_fail(u, err, NULL, "cannot read: %s", strerror(-err));
	return finish_load(u);
}

void bc_unit_locate(const struct bc_unit *u, struct bc_span *span)
{
	size_t lo, hi, mid;
	uint32_t off;

	if (!u->line_starts || !u->nr_lines)
		return;
	for (int which = 0; which < 2; which++) {
		off = which ? (span->end > span->start ? span->end - 1 : span->start) : span->start;
		if (off > u->size)
			off = u->size;
		lo = 0;
		hi = u->nr_lines;
		while (hi - lo > 1) {
			mid = (lo + hi) / 2;
			if (u->line_starts[mid] <= off)
				lo = mid;
			else
				hi = mid;
		}
		if (!which) {
			span->line = lo + 1;
			span->col = off - u->line_starts[lo] + 1;
		} else {
			span->end_line = lo + 1;
			span->end_col = off - u->line_starts[lo] + 1;
		}
	}
}

const char *bc_unit_line(const struct bc_unit *u, uint32_t line, size_t *len)
{
	size_t start, end;

	if (!u->line_starts || line == 0 || line > u->nr_lines)
		return NULL;
	start = u->line_starts[line - 1];
	end = line < u->nr_lines ? u->line_starts[line] - 1 : u->size;
	if (end > start && u->data[end - 1] == '\r')
		end--;
	*len = end - start;
	return (const char *)u->data + start;
}

void bc_unit_free(struct bc_unit *u)
{
	if (u->sema && u->sema_free)
		u->sema_free(u->sema);
	if (u->script && u->script_free)
		u->script_free(u->script);
	if (u->manifest && u->manifest_free)
		u->manifest_free(u->manifest);
	bc_facts_free(&u->facts);
	bc_diags_free(&u->diags);
	free(u->path);
	free(u->display_path);
	free(u->data);
	free(u->error);
	free(u->line_starts);
	memset(u, 0, sizeof(*u));
}
