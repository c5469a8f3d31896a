// SPDX-License-Identifier: Apache-2.0
/* The target file container: ELF sections through libelf (see target_file.h). */
#include "target_file.h"
#include "../base/array.h"
#include "../base/file_write.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* The metadata itself is small; a larger one is not ours. */
#define MAX_META	(16u << 20)

struct part {
	const char *name;	/* in the section string table */
	Elf_Scn *scn;
	size_t size;		/* decompressed, as recorded */
	const void *data;	/* decompressed; NULL until asked for */
	bool failed;
};

struct bc_tfile {
	char *name;
	char *identity;
	unsigned char *copy;	/* the bytes libelf reads */
	size_t size;
	Elf *elf;
	json_t *meta;
	struct part *parts;
	size_t nr_parts;
	pthread_mutex_t lock;	/* libelf is not thread-safe; parts load lazily */
};

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static bool valid_part_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n < 2 || n > 255 || name[0] != '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return false;
	return true;
}

/* The stored bytes of SCN: what the file holds (compressed or not). */
static int stored_bytes(Elf_Scn *scn, const unsigned char **p, size_t *n)
{
	GElf_Shdr sh;
	Elf_Data *d;

	/* parts are PROGBITS: NOBITS (no bytes in the file) or other types
	 * are not ours */
	if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
		return -EINVAL;
	d = elf_rawdata(scn, NULL);
	if (!d || (d->d_size && !d->d_buf))
		return -EINVAL;
	*p = d->d_buf;
	*n = d->d_size;
	return 0;
}

static uint32_t crc_of(const unsigned char *p, size_t n)
{
	uLong c = crc32(0L, Z_NULL, 0);

	while (n) {
		uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;

		c = crc32(c, p, k);
		p += k;
		n -= k;
	}
	return (uint32_t)c;
}

/* Decompressed bytes of SCN with at most MAX bytes; 0 or -EINVAL. Caller holds the lock. */
static int section_bytes(Elf_Scn *scn, size_t max, const void **data, size_t *size)
{
	GElf_Shdr sh;
	Elf_Data *d;

	if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
		return -EINVAL;
	if (sh.sh_flags & SHF_COMPRESSED) {
		GElf_Chdr ch;

		if (!gelf_getchdr(scn, &ch) || ch.ch_type != ELFCOMPRESS_ZLIB || ch.ch_size > max)
			return -EINVAL;
		if (elf_compress(scn, 0, 0) != 1)
			return -EINVAL;
	} else if (sh.sh_size > max) {
		return -EINVAL;
	}
	d = elf_getdata(scn, NULL);
	if (!d || (d->d_size && !d->d_buf) || d->d_size > max)
		return -EINVAL;
	*data = d->d_buf;
	*size = d->d_size;
	return 0;
}

static const char *meta_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char *make_identity(const char *name, const struct stat *st, const json_t *parts)
{
	char *real = name ? realpath(name, NULL) : NULL, *id = NULL, *crcs = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&crcs, &len);
	const json_t *p;
	size_t i;

	if (!m) {
		free(real);
		return NULL;
	}
	json_array_foreach(parts, i, p)
		fprintf(m, " %s=%08" PRIx64, meta_str(p, "name"),
			(uint64_t)json_integer_value(json_object_get(p, "crc32")));
	fclose(m);
	if (st && asprintf(&id, "%s %s dev=%ju ino=%ju size=%jd mtime=%jd.%09ld ctime=%jd.%09ld%s",
			   BC_TFILE_FORMAT, real ? real : name, (uintmax_t)st->st_dev,
			   (uintmax_t)st->st_ino, (intmax_t)st->st_size,
			   (intmax_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
			   (intmax_t)st->st_ctim.tv_sec, st->st_ctim.tv_nsec, crcs ? crcs : "") < 0)
		id = NULL;
	else if (!st && asprintf(&id, "%s memory%s", BC_TFILE_FORMAT, crcs ? crcs : "") < 0)
		id = NULL;
	free(crcs);
	free(real);
	return id;
}

/* Every section must lie inside the file: a truncated file is caught here. */
static int check_layout(struct bc_tfile *f, char *err, size_t errlen)
{
	size_t shnum, shstrndx;
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;

	if (!gelf_getehdr(f->elf, &eh) || elf_getshdrnum(f->elf, &shnum) ||
	    elf_getshdrstrndx(f->elf, &shstrndx))
		return fail(err, errlen, -EINVAL, "its ELF headers are damaged");
	if (eh.e_shoff > f->size || shnum > (f->size - eh.e_shoff) / sizeof(Elf64_Shdr))
		return fail(err, errlen, -EINVAL, "it is truncated (the section table is cut off)");
	while ((scn = elf_nextscn(f->elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			return fail(err, errlen, -EINVAL, "a section header is damaged");
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > f->size || sh.sh_size > f->size - sh.sh_offset))
			return fail(err, errlen, -EINVAL, "it is truncated (section %zu ends "
				    "after the end of the file)", elf_ndxscn(scn));
	}
	return 0;
}

static Elf_Scn *find_scn(struct bc_tfile *f, const char *name)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(f->elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(f->elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (gelf_getshdr(scn, &sh) && (n = elf_strptr(f->elf, shstrndx, sh.sh_name)) &&
		    !strcmp(n, name))
			return scn;
	}
	return NULL;
}

static int read_meta(struct bc_tfile *f, char *err, size_t errlen)
{
	Elf_Scn *scn = find_scn(f, BC_TFILE_META);
	const void *data;
	json_error_t jerr;
	json_int_t version;
	size_t size;

	if (!scn)
		return fail(err, errlen, -EINVAL, "not a bpfcheck target file (an ELF file without "
			    "a %s section)", BC_TFILE_META);
	if (section_bytes(scn, MAX_META, &data, &size))
		return fail(err, errlen, -EINVAL, "its metadata is damaged (it does not "
			    "decompress)");
	f->meta = json_loadb(data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(f->meta))
		return fail(err, errlen, -EINVAL, "its metadata is damaged (%s)",
			    f->meta ? "not a JSON object" : jerr.text);
	if (!meta_str(f->meta, "format") || strcmp(meta_str(f->meta, "format"), BC_TFILE_FORMAT))
		return fail(err, errlen, -EINVAL, "not a bpfcheck target file (format '%s')",
			    meta_str(f->meta, "format") ? meta_str(f->meta, "format") : "none");
	if (!json_is_integer(json_object_get(f->meta, "version")))
		return fail(err, errlen, -EINVAL, "its metadata has no format version");
	version = json_integer_value(json_object_get(f->meta, "version"));
	if (version != BC_TFILE_VERSION)
		return fail(err, errlen, -EPROTONOSUPPORT, "it is format version %" JSON_INTEGER_FORMAT
			    "; this bpfcheck reads version %d%s", version, BC_TFILE_VERSION,
			    version > BC_TFILE_VERSION ? " (capture it again with this bpfcheck, "
			    "or use a newer bpfcheck)" : "");
	return 0;
}

/* The parts table: every part present, inside the file, with its CRC. */
static int read_parts(struct bc_tfile *f, char *err, size_t errlen)
{
	const json_t *parts = json_object_get(f->meta, "parts"), *p;
	size_t i;

	if (!json_is_array(parts) || json_array_size(parts) > BC_TFILE_MAX_PARTS)
		return fail(err, errlen, -EINVAL, "its metadata has no parts table");
	f->parts = calloc(json_array_size(parts) + 1, sizeof(*f->parts));
	if (!f->parts)
		return -ENOMEM;
	json_array_foreach(parts, i, p) {
		const char *name = meta_str(p, "name");
		json_t *size = json_object_get(p, "size"), *crc = json_object_get(p, "crc32");
		const unsigned char *bytes;
		size_t n;
		Elf_Scn *scn;

		if (!valid_part_name(name) || !json_is_integer(size) || !json_is_integer(crc) ||
		    json_integer_value(size) < 0 ||
		    (uint64_t)json_integer_value(size) > BC_TFILE_MAX_PART)
			return fail(err, errlen, -EINVAL, "its parts table is damaged (entry %zu)", i);
		for (size_t k = 0; k < f->nr_parts; k++)
			if (!strcmp(f->parts[k].name, name))
				return fail(err, errlen, -EINVAL, "its parts table lists %s twice", name);
		scn = find_scn(f, name);
		if (!scn)
			return fail(err, errlen, -EINVAL, "part %s is missing", name);
		if (stored_bytes(scn, &bytes, &n) ||
		    crc_of(bytes, n) != (uint32_t)json_integer_value(crc))
			return fail(err, errlen, -EINVAL, "part %s is damaged (its CRC does not match)",
				    name);
		f->parts[f->nr_parts++] = (struct part){
			.name = name, .scn = scn, .size = (size_t)json_integer_value(size),
		};
	}
	return 0;
}

static int open_copy(struct bc_tfile *f, const struct stat *st, char *err, size_t errlen)
{
	int ret;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(err, errlen, -EINVAL, "libelf: %s", elf_errmsg(-1));
	if (f->size < EI_NIDENT || memcmp(f->copy, ELFMAG, SELFMAG))
		return fail(err, errlen, -EINVAL, "not a bpfcheck target file (not an ELF file)");
	if (f->copy[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, -EINVAL, "not a bpfcheck target file (not a 64-bit ELF "
			    "file)");
	f->elf = elf_memory((char *)f->copy, f->size);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF)
		return fail(err, errlen, -EINVAL, "its ELF headers are damaged");
	if ((ret = check_layout(f, err, errlen)) || (ret = read_meta(f, err, errlen)) ||
	    (ret = read_parts(f, err, errlen)))
		return ret;
	f->identity = make_identity(st ? f->name : NULL, st, json_object_get(f->meta, "parts"));
	return f->identity ? 0 : -ENOMEM;
}

static struct bc_tfile *tfile_new(const char *name)
{
	struct bc_tfile *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->name = strdup(name ? name : "<memory>");
	if (!f->name || pthread_mutex_init(&f->lock, NULL)) {
		free(f->name);
		free(f);
		return NULL;
	}
	return f;
}

int bc_tfile_open_mem(const void *data, size_t size, const char *name, struct bc_tfile **out,
		      char *err, size_t errlen)
{
	struct bc_tfile *f;
	int ret;

	*out = NULL;
	if (!(f = tfile_new(name)))
		return -ENOMEM;
	f->copy = malloc(size ? size : 1);
	if (!f->copy) {
		bc_tfile_close(f);
		return -ENOMEM;
	}
	if (size)
		memcpy(f->copy, data, size);
	f->size = size;
	ret = open_copy(f, NULL, err, errlen);
	if (ret) {
		bc_tfile_close(f);
		return ret;
	}
	*out = f;
	return 0;
}

int bc_tfile_open(const char *path, struct bc_tfile **out, char *err, size_t errlen)
{
	struct bc_tfile *f;
	struct stat st;
	size_t n = 0;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, -errno, "%s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, -EINVAL, "not a regular file");
	}
	if ((uint64_t)st.st_size > (uint64_t)BC_TFILE_MAX_PART * 2) {
		close(fd);
		return fail(err, errlen, -EINVAL, "not a bpfcheck target file (%jd bytes is too "
			    "large)", (intmax_t)st.st_size);
	}
	if (!(f = tfile_new(path))) {
		close(fd);
		return -ENOMEM;
	}
	f->copy = malloc(st.st_size ? st.st_size : 1);
	while (f->copy && n < (size_t)st.st_size) {
		ssize_t r = read(fd, f->copy + n, st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	if (!f->copy) {
		bc_tfile_close(f);
		return -ENOMEM;
	}
	f->size = n;
	ret = open_copy(f, &st, err, errlen);
	if (ret) {
		bc_tfile_close(f);
		return ret;
	}
	*out = f;
	return 0;
}

void bc_tfile_close(struct bc_tfile *f)
{
	if (!f)
		return;
	if (f->elf)
		elf_end(f->elf);
	json_decref(f->meta);
	free(f->parts);
	free(f->copy);
	free(f->identity);
	free(f->name);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

const json_t *bc_tfile_meta(const struct bc_tfile *f)
{
	return f->meta;
}

const char *bc_tfile_name(const struct bc_tfile *f)
{
	return f->name;
}

const char *bc_tfile_identity(const struct bc_tfile *f)
{
	return f->identity;
}

size_t bc_tfile_size(const struct bc_tfile *f)
{
	return f->size;
}

size_t bc_tfile_nr_parts(const struct bc_tfile *f)
{
	return f->nr_parts;
}

const char *bc_tfile_part_name(const struct bc_tfile *f, size_t i)
{
	return i < f->nr_parts ? f->parts[i].name : NULL;
}

size_t bc_tfile_part_size(const struct bc_tfile *f, size_t i)
{
	return i < f->nr_parts ? f->parts[i].size : 0;
}

long bc_tfile_find(const struct bc_tfile *f, const char *name)
{
	for (size_t i = 0; name && i < f->nr_parts; i++)
		if (!strcmp(f->parts[i].name, name))
			return (long)i;
	return -1;
}

int bc_tfile_part(struct bc_tfile *f, const char *name, const void **data, size_t *size,
		  char *err, size_t errlen)
{
	long i = bc_tfile_find(f, name);
	struct part *p;
	int ret = 0;

	if (i < 0)
		return fail(err, errlen, -ENOENT, "%s: no part %s", f->name, name ? name : "");
	p = &f->parts[i];
	pthread_mutex_lock(&f->lock);
	if (!p->data && !p->failed) {
		const void *d;
		size_t n;

		if (section_bytes(p->scn, p->size, &d, &n) || n != p->size)
			p->failed = true;
		else
			p->data = n ? d : "";
	}
	if (p->failed)
		ret = fail(err, errlen, -EINVAL, "%s: part %s is damaged (it does not decompress "
			   "to its %zu bytes)", f->name, name, p->size);
	else {
		*data = p->data;
		*size = p->size;
	}
	pthread_mutex_unlock(&f->lock);
	return ret;
}

/* ---- writing ---- */

struct wpart {
	char *name;
	void *data;
	size_t size;
};

struct bc_tfile_writer {
	struct wpart *parts;
	size_t nr_parts, cap_parts;
};

struct bc_tfile_writer *bc_tfile_writer_new(void)
{
	return calloc(1, sizeof(struct bc_tfile_writer));
}

void bc_tfile_writer_free(struct bc_tfile_writer *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nr_parts; i++) {
		free(w->parts[i].name);
		free(w->parts[i].data);
	}
	free(w->parts);
	free(w);
}

int bc_tfile_writer_add(struct bc_tfile_writer *w, const char *name, const void *data,
			size_t size)
{
	struct wpart *v;

	if (!valid_part_name(name) || !strcmp(name, BC_TFILE_META) || size > BC_TFILE_MAX_PART ||
	    w->nr_parts >= BC_TFILE_MAX_PARTS)
		return -EINVAL;
	for (size_t i = 0; i < w->nr_parts; i++)
		if (!strcmp(w->parts[i].name, name))
			return -EEXIST;
	if (BC_GROW(w->parts, w->cap_parts, w->nr_parts + 1))
		return -ENOMEM;
	v = &w->parts[w->nr_parts];
	v->name = strdup(name);
	v->data = malloc(size ? size : 1);
	if (!v->name || !v->data) {
		free(v->name);
		free(v->data);
		return -ENOMEM;
	}
	if (size)
		memcpy(v->data, data, size);
	v->size = size;
	w->nr_parts++;
	return 0;
}

/* Adds section NAME with DATA, compressed; its stored bytes' CRC in *CRC. */
static int add_section(Elf *e, size_t name_off, void *data, size_t size, uint32_t *crc)
{
	Elf_Scn *scn = elf_newscn(e);
	GElf_Shdr sh;
	Elf_Data *d;

	if (!scn || !(d = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
		return -EIO;
	d->d_buf = data;
	d->d_size = size;
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	d->d_version = EV_CURRENT;
	sh.sh_name = name_off;
	sh.sh_type = SHT_PROGBITS;
	sh.sh_addralign = 1;
	sh.sh_size = size;
	if (!gelf_update_shdr(scn, &sh))
		return -EIO;
	if (size && elf_compress(scn, ELFCOMPRESS_ZLIB, 0) < 0)
		return -EIO;
	d = elf_getdata(scn, NULL);
	if (!d)
		return -EIO;
	*crc = crc_of(d->d_buf, d->d_size);
	elf_flagscn(scn, ELF_C_SET, ELF_F_DIRTY);
	return 0;
}

/* The section name table: "\0" then each name; offsets in OFFS. */
static char *name_table(const struct bc_tfile_writer *w, size_t *offs, size_t *len)
{
	size_t n = 1 + strlen(BC_TFILE_META) + 1 + strlen(".shstrtab") + 1;
	char *t, *p;

	for (size_t i = 0; i < w->nr_parts; i++)
		n += strlen(w->parts[i].name) + 1;
	t = calloc(1, n);
	if (!t)
		return NULL;
	p = t + 1;
	for (size_t i = 0; i < w->nr_parts; i++) {
		offs[i] = (size_t)(p - t);
		p = stpcpy(p, w->parts[i].name) + 1;
	}
	offs[w->nr_parts] = (size_t)(p - t);
	p = stpcpy(p, BC_TFILE_META) + 1;
	offs[w->nr_parts + 1] = (size_t)(p - t);
	stpcpy(p, ".shstrtab");
	*len = n;
	return t;
}

static int write_elf(struct bc_tfile_writer *w, json_t *meta, int fd, char *err, size_t errlen)
{
	size_t *offs = calloc(w->nr_parts + 2, sizeof(*offs)), strtab_len = 0;
	char *strtab = offs ? name_table(w, offs, &strtab_len) : NULL, *meta_text = NULL;
	json_t *parts = json_array();
	Elf *e = NULL;
	GElf_Ehdr eh;
	Elf_Scn *scn;
	GElf_Shdr sh;
	Elf_Data *d;
	uint32_t crc;
	int ret = -ENOMEM;

	if (!offs || !strtab || !parts)
		goto out;
	ret = fail(err, errlen, -EIO, "libelf: %s", elf_errmsg(-1));
	if (elf_version(EV_CURRENT) == EV_NONE || !(e = elf_begin(fd, ELF_C_WRITE, NULL)) ||
	    !gelf_newehdr(e, ELFCLASS64) || !gelf_getehdr(e, &eh))
		goto libelf;
	eh.e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? ELFDATA2MSB : ELFDATA2LSB;
	eh.e_type = ET_NONE;
	eh.e_machine = EM_NONE;
	eh.e_version = EV_CURRENT;
	if (!gelf_update_ehdr(e, &eh))
		goto libelf;
	for (size_t i = 0; i < w->nr_parts; i++) {
		json_t *p;

		if (add_section(e, offs[i], w->parts[i].data, w->parts[i].size, &crc))
			goto libelf;
		p = json_pack("{s:s, s:I, s:I}", "name", w->parts[i].name, "size",
			      (json_int_t)w->parts[i].size, "crc32", (json_int_t)crc);
		if (!p || json_array_append_new(parts, p))
			goto nomem;
	}
	if (json_object_set_new(meta, "format", json_string(BC_TFILE_FORMAT)) ||
	    json_object_set_new(meta, "version", json_integer(BC_TFILE_VERSION)) ||
	    json_object_set(meta, "parts", parts))
		goto nomem;
	meta_text = json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS);
	if (!meta_text)
		goto nomem;
	if (add_section(e, offs[w->nr_parts], meta_text, strlen(meta_text), &crc))
		goto libelf;
	/* the section name table, last */
	if (!(scn = elf_newscn(e)) || !(d = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
		goto libelf;
	d->d_buf = strtab;
	d->d_size = strtab_len;
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	d->d_version = EV_CURRENT;
	sh.sh_name = offs[w->nr_parts + 1];
	sh.sh_type = SHT_STRTAB;
	sh.sh_addralign = 1;
	if (!gelf_update_shdr(scn, &sh) || !gelf_getehdr(e, &eh))
		goto libelf;
	eh.e_shstrndx = elf_ndxscn(scn);	/* < SHN_LORESERVE: parts are capped */
	if (!gelf_update_ehdr(e, &eh) || elf_update(e, ELF_C_WRITE) < 0)
		goto libelf;
	ret = 0;
	goto out;
nomem:
	ret = fail(err, errlen, -ENOMEM, "out of memory");
	goto out;
libelf:
	ret = fail(err, errlen, -EIO, "libelf: %s", elf_errmsg(-1));
out:
	if (e)
		elf_end(e);
	free(meta_text);
	json_decref(parts);
	free(strtab);
	free(offs);
	return ret;
}

int bc_tfile_writer_write(struct bc_tfile_writer *w, json_t *meta, const char *path, char *err,
			  size_t errlen)
{
	struct bc_file_write f;
	char *why = NULL;
	int ret;

	if (!json_is_object(meta))
		return fail(err, errlen, -EINVAL, "no metadata");
	ret = bc_file_write_begin(&f, path, &why);
	if (!ret) {
		ret = write_elf(w, meta, f.fd, err, errlen);
		if (ret)
			bc_file_write_abort(&f);
		else
			ret = bc_file_write_commit(&f, NULL, NULL, &why);
	}
	if (ret && why)
		fail(err, errlen, ret, "%s", why);
	free(why);
	return ret;
}
