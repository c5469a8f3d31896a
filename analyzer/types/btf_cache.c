// SPDX-License-Identifier: Apache-2.0
/* The persistent record of answers about one BTF file (see btf_cache.h). */
#include "btf_cache.h"
#include "btf_types.h"
#include "../core/cache_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define FORMAT "bpfcheck-btf-cache/1"

struct bc_btf_cache {
	char *file;		/* DIR/btf-<hash>.json */
	char *dir;
	char *identity;
	json_t *entries;	/* key -> answer as JSON text; NULL until read */
	json_t *parsed;		/* key -> answer, for the keys asked so far */
	bool warm;
	bool dirty;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* What makes two BTF files the same file with the same content. */
static char *identity_of(const char *btf_path, const struct stat *st)
{
	char *id, *real = realpath(btf_path, NULL);
	struct utsname u = { 0 };
	bool kernel = !strcmp(real ? real : btf_path, BC_BTF_VMLINUX);
	int n;

	/* sysfs times say nothing of the kernel: its own strings do */
	if (kernel && uname(&u))
		memset(&u, 0, sizeof(u));
	n = asprintf(&id, "%s %s %s dev=%ju ino=%ju size=%jd mtime=%jd.%09ld ctime=%jd.%09ld %s %s",
		     FORMAT, BC_VERSION, real ? real : btf_path, (uintmax_t)st->st_dev,
		     (uintmax_t)st->st_ino, (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
		     st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec, st->st_ctim.tv_nsec,
		     u.release, u.version);
	free(real);
	return n < 0 ? NULL : id;
}

/* The record's entries when FILE holds a valid record for IDENTITY. */
static json_t *read_record(const char *file, const char *identity)
{
	json_t *root = bc_cache_read_json(file, BC_BTF_CACHE_MAX_BYTES), *entries = NULL;

	if (json_is_object(root) &&
	    json_is_string(json_object_get(root, "identity")) &&
	    !strcmp(json_string_value(json_object_get(root, "identity")), identity) &&
	    json_is_object(json_object_get(root, "entries")) &&
	    json_object_size(json_object_get(root, "entries")) <= BC_BTF_CACHE_MAX_ENTRIES)
		entries = json_incref(json_object_get(root, "entries"));
	json_decref(root);
	return entries;
}

/* Reads the record on first use: a run that asks nothing pays nothing. */
static json_t *entries_of(struct bc_btf_cache *c)
{
	if (c->entries)
		return c->entries;
	c->entries = read_record(c->file, c->identity);
	c->warm = c->entries != NULL;
	if (!c->entries)
		c->entries = json_object();
	return c->entries;
}

/* Takes IDENTITY (also on failure). */
static struct bc_btf_cache *cache_new(const char *dir, char *identity)
{
	struct bc_btf_cache *c = calloc(1, sizeof(*c));

	if (!c) {
		free(identity);
		return NULL;
	}
	c->dir = strdup(dir);
	c->identity = identity;
	if (!c->dir || !c->identity ||
	    asprintf(&c->file, "%s/btf-%016" PRIx64 ".json", dir, fnv1a(c->identity)) < 0) {
		c->file = NULL;
		goto nomem;
	}
	c->parsed = json_object();
	if (!c->parsed)
		goto nomem;
	return c;
nomem:
	free(c->file);
	free(c->dir);
	free(c->identity);
	free(c);
	errno = ENOMEM;
	return NULL;
}

struct bc_btf_cache *bc_btf_cache_open(const char *dir, const char *btf_path)
{
	struct stat st;

	if (!dir || !*dir || !btf_path) {
		errno = ENOENT;
		return NULL;
	}
	if (stat(btf_path, &st))
		return NULL;
	return cache_new(dir, identity_of(btf_path, &st));
}

struct bc_btf_cache *bc_btf_cache_open_identity(const char *dir, const char *identity)
{
	char *id;

	if (!dir || !*dir || !identity) {
		errno = ENOENT;
		return NULL;
	}
	if (asprintf(&id, "%s %s in-memory %s", FORMAT, BC_VERSION, identity) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return cache_new(dir, id);
}

/* Answers are kept as JSON text in the record and parsed when asked for:
 * a run reads the record whole but parses only its own few answers. */
json_t *bc_btf_cache_get(struct bc_btf_cache *c, const char *key)
{
	json_t *v, *text;

	if (!c || !key)
		return NULL;
	v = json_object_get(c->parsed, key);
	if (v)
		return v;
	text = json_object_get(entries_of(c), key);
	if (!json_is_string(text))
		return NULL;
	v = json_loadb(json_string_value(text), json_string_length(text), JSON_REJECT_DUPLICATES,
		       NULL);
	if (!v || json_object_set_new(c->parsed, key, v))
		return NULL;
	return v;
}

void bc_btf_cache_put(struct bc_btf_cache *c, const char *key, json_t *value)
{
	char *text;

	if (!c || !key || !value || !entries_of(c) ||
	    json_object_size(c->entries) >= BC_BTF_CACHE_MAX_ENTRIES) {
		json_decref(value);
		return;
	}
	text = json_dumps(value, JSON_COMPACT);
	if (text && !json_object_set_new(c->entries, key, json_string(text))) {
		c->dirty = true;
		json_object_set(c->parsed, key, value);
	}
	free(text);
	json_decref(value);
}

bool bc_btf_cache_warm(struct bc_btf_cache *c)
{
	return c && entries_of(c) && c->warm;
}

static int write_record(struct bc_btf_cache *c)
{
	/* what other handles and processes recorded since this one read the
	 * record is kept: the record only ever grows (to the cap) */
	json_t *disk = read_record(c->file, c->identity), *root;

	if (disk && json_object_size(disk) + json_object_size(entries_of(c)) <=
			    BC_BTF_CACHE_MAX_ENTRIES)
		json_object_update_missing(c->entries, disk);
	json_decref(disk);
	root = json_pack("{s:s, s:O}", "identity", c->identity, "entries", entries_of(c));
	int err;

	if (!root)
		return -ENOMEM;
	err = bc_cache_write_json(c->dir, c->file, root);
	json_decref(root);
	return err;
}

int bc_btf_cache_close(struct bc_btf_cache *c)
{
	int err = 0;

	if (!c)
		return 0;
	if (c->dirty)
		err = write_record(c);
	json_decref(c->entries);
	json_decref(c->parsed);
	free(c->file);
	free(c->dir);
	free(c->identity);
	free(c);
	return err;
}
