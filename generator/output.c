/*
 * output.c: the records file and the state journal on disk, and resume (see
 * output.h for the contract; output_record.c encodes the lines).
 *
 * Invariants:
 *  - Exactly one process appends to the files: both are fcntl-locked for as
 *    long as they are open, and every append goes through append_line, which
 *    writes the whole line (looping only over short writes and EINTR) and,
 *    when the write fails part-way, cuts the file back to *size so a later
 *    line never follows a fragment. *_size is therefore always the length of
 *    the file's valid lines.
 *  - entries[] holds one entry per key any line mentioned, with its flags
 *    (acked, done); index maps keys to positions in entries[] (open
 *    addressing, linear probing, at most half full). Keys are never removed,
 *    so no tombstones are needed.
 *  - Reading happens before the first append, with pread on the locked
 *    descriptor itself (never a second descriptor: closing it would drop
 *    the lock), and writes are O_APPEND, so neither moves the other.
 */
#include "generator/output.h"

#include "common/codec_write.h"
#include "common/log.h"
#include "generator/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EMPTY_SLOT SIZE_MAX
#define WHERE_MAX  (GK_ERR_MSG_MAX / 2)

struct gen_output_table {
    size_t *slots; /* index into entries[], or EMPTY_SLOT */
    size_t cap;    /* a power of two */
};

/* ---- the key index ---- */

static uint64_t hash_key(const char *key)
{
    uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++)
        h = (h ^ *p) * UINT64_C(1099511628211);
    return h;
}

static size_t find_slot(const struct gen_output *o, const char *key)
{
    const struct gen_output_table *t = o->index;
    size_t i = (size_t)hash_key(key) & (t->cap - 1);
    while (t->slots[i] != EMPTY_SLOT && strcmp(o->entries[t->slots[i]].key, key) != 0)
        i = (i + 1) & (t->cap - 1);
    return i;
}

static enum gk_rc table_grow(struct gen_output *o, struct gk_err *err)
{
    struct gen_output_table *t = o->index;
    size_t cap = t->cap > 0 ? t->cap * 2 : 64;
    size_t *slots = malloc(cap * sizeof *slots);
    if (slots == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "output: out of memory");
    for (size_t i = 0; i < cap; i++)
        slots[i] = EMPTY_SLOT;
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    for (size_t e = 0; e < o->entry_count; e++)
        t->slots[find_slot(o, o->entries[e].key)] = e;
    return GK_OK;
}

/* The entry of key, added (zeroed but for the key) when missing. */
static enum gk_rc entry_get(struct gen_output *o, const char *key,
                            struct gen_output_entry **out, struct gk_err *err)
{
    enum gk_rc rc;
    if ((o->entry_count + 1) * 2 > o->index->cap && (rc = table_grow(o, err)) != GK_OK)
        return rc;
    size_t slot = find_slot(o, key);
    if (o->index->slots[slot] == EMPTY_SLOT) {
        if (o->entry_count == o->entry_cap) {
            size_t cap = o->entry_cap > 0 ? o->entry_cap * 2 : 64;
            void *p = realloc(o->entries, cap * sizeof *o->entries);
            if (p == NULL)
                return gk_err_set(err, GK_OUT_OF_MEMORY, "output: out of memory");
            o->entries = p;
            o->entry_cap = cap;
        }
        struct gen_output_entry *e = &o->entries[o->entry_count];
        memset(e, 0, sizeof *e);
        snprintf(e->key, sizeof e->key, "%s", key);
        o->index->slots[slot] = o->entry_count++;
    }
    *out = &o->entries[o->index->slots[slot]];
    return GK_OK;
}

const struct gen_output_entry *gen_output_find(const struct gen_output *o,
                                               const char *key)
{
    if (o == NULL || o->index == NULL || o->index->cap == 0 || key == NULL)
        return NULL;
    size_t slot = find_slot(o, key);
    return o->index->slots[slot] == EMPTY_SLOT ? NULL
                                               : &o->entries[o->index->slots[slot]];
}

bool gen_output_done(const struct gen_output *o, const char *key)
{
    const struct gen_output_entry *e = gen_output_find(o, key);
    return e != NULL && e->done;
}

const struct gen_output_entry *gen_output_pending(const struct gen_output *o,
                                                  const char *key)
{
    const struct gen_output_entry *e = gen_output_find(o, key);
    return e != NULL && e->acked && !e->done ? e : NULL;
}

/* ---- files ---- */

static enum gk_rc io_error(struct gk_err *err, const char *path, const char *what, int e)
{
    return gk_err_set(err, GK_IO_ERROR, "%s: %s: %s", path, what, strerror(e));
}

/* Makes a new file's directory entry durable. Best effort: some file
 * systems refuse fsync on a directory, and the data itself is synced anyway. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".") : strndup(path, (size_t)(slash - path) + 1);
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

static enum gk_rc open_locked(const char *path, bool do_fsync, int *out_fd,
                              struct gk_err *err)
{
    bool created = true;
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
        created = false;
        fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
    }
    if (fd < 0)
        return io_error(err, path, "cannot open", errno);
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &lk) != 0) {
        int e = errno;
        struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        bool known = (e == EACCES || e == EAGAIN) && fcntl(fd, F_GETLK, &who) == 0 &&
                     who.l_type != F_UNLCK;
        close(fd);
        if (known)
            return gk_err_set(err, GK_IO_ERROR,
                              "%s: in use by another process (pid %ld): one genie-gen "
                              "per output file",
                              path, (long)who.l_pid);
        return io_error(err, path, "cannot lock", e);
    }
    if (created && do_fsync)
        sync_dir(path);
    *out_fd = fd;
    return GK_OK;
}

/*
 * Appends len bytes with as few write(2) calls as the kernel allows (one,
 * for a regular file, unless the disk fills up). On failure cuts the file
 * back to *size, so no fragment stays for the next line to follow.
 */
static enum gk_rc append_line(int fd, const char *path, int64_t *size, bool do_fsync,
                              const char *line, size_t len, struct gk_err *err)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, line + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            if (done > 0 && ftruncate(fd, (off_t)*size) != 0)
                GK_LOG_ERROR("%s: could not remove a partial line: %s", path,
                             strerror(errno));
            return io_error(err, path, "write failed", e);
        }
        done += (size_t)n;
    }
    *size += (int64_t)len;
    if (do_fsync && fsync(fd) != 0)
        return io_error(err, path, "fsync failed", errno);
    return GK_OK;
}

/* One line of a file being read back. */
struct line {
    const char *text;
    size_t len;        /* without the newline */
    bool terminated;   /* ended with a newline */
    bool last;         /* nothing follows it */
    const char *where; /* "path:N" */
};

typedef enum gk_rc (*line_fn)(struct gen_output *o, const struct line *l,
                              struct gk_err *err);

/* Marks e done with r's status; r's ids fill in what no ack said (a record
 * read before the state journal, or one whose ack was never written). */
static void note_record(struct gen_output_entry *e, const struct gen_record *r)
{
    e->done = true;
    e->status = r->status;
    if (e->conversation_id[0] == '\0')
        snprintf(e->conversation_id, sizeof e->conversation_id, "%s", r->conversation_id);
    if (e->message_id[0] == '\0')
        snprintf(e->message_id, sizeof e->message_id, "%s", r->message_id);
    if (e->created_ms == 0)
        e->created_ms = r->created_ms;
}

/* A state line: key, conversation_id, message_id (all required), created_ms. */
static enum gk_rc read_ack(struct gen_output *o, const struct line *l, struct gk_err *err)
{
    static const char *const ids[] = {"key", "conversation_id", "message_id"};
    const char *val[3];
    size_t cap[3] = {GEN_KEY_MAX, GEN_ID_MAX, GEN_ID_MAX};
    int64_t created_ms = 0;
    struct gen_json j;
    enum gk_rc rc = gen_json_parse(&j, l->where, l->text, l->len, err);

    for (int i = 0; i < 3 && rc == GK_OK; i++) {
        val[i] = gen_json_string(gen_json_get(j.root, ids[i]));
        if (val[i] == NULL || val[i][0] == '\0')
            rc = gen_json_fail(&j, "%s: expected a non-empty string", ids[i]);
        else if (strlen(val[i]) >= cap[i])
            rc = gen_json_fail(&j, "%s: longer than %zu bytes", ids[i], cap[i] - 1);
        else if (!gen_output_id_ok(val[i]))
            rc = gen_json_fail(&j, "%s: not printable UTF-8", ids[i]);
    }
    const struct gen_json_node *c = gen_json_get(j.root, "created_ms");
    if (rc == GK_OK && c != NULL && gen_json_kind(c) != GEN_JSON_NULL &&
        !gen_json_int64(c, &created_ms))
        rc = gen_json_fail(&j, "created_ms: expected an integer, got %s",
                           gen_json_kind_name(c));
    struct gen_output_entry *e = NULL;
    if (rc == GK_OK && (rc = entry_get(o, val[0], &e, err)) == GK_OK) {
        if (e->acked) {
            o->duplicate_acks++;
            GK_LOG_WARN("%s: a second acknowledgement for %s: keeping the first",
                        l->where, e->key);
        } else {
            e->acked = true;
            snprintf(e->conversation_id, sizeof e->conversation_id, "%s", val[1]);
            snprintf(e->message_id, sizeof e->message_id, "%s", val[2]);
            e->created_ms = created_ms;
        }
    }
    gen_json_cleanup(&j);
    return rc;
}

/* A record line: a valid record with a key. */
static enum gk_rc read_record(struct gen_output *o, const struct line *l,
                              struct gk_err *err)
{
    struct gen_record_copy c;
    struct gen_output_entry *e;
    enum gk_rc rc = gen_output_record_decode(l->text, l->len, l->where, &c, err);
    if (rc != GK_OK)
        return rc;
    if ((rc = entry_get(o, c.rec.key, &e, err)) == GK_OK) {
        if (e->done) {
            o->duplicate_records++;
            GK_LOG_WARN("%s: a second record for %s: keeping the first", l->where,
                        e->key);
        } else {
            note_record(e, &c.rec);
        }
    }
    gen_record_copy_cleanup(&c);
    return rc;
}

/*
 * Lines of a file read with pread on the locked descriptor itself: POSIX
 * drops a process's fcntl locks on a file when it closes ANY descriptor of
 * that file, so reading through a dup or a second open would unlock it.
 */
struct reader {
    int fd;
    int64_t off; /* file offset of buf[0] */
    char *buf;
    size_t len, cap; /* bytes held, room */
    size_t pos;      /* start of the next line in buf */
    bool eof;
};

/* The next line, newline included if there is one, into *line (lent until
 * the next call) and *n; 0 at the end of the file, -1 on a read error. */
static int next_line(struct reader *r, const char **line, size_t *n)
{
    for (;;) {
        char *nl =
            r->pos < r->len ? memchr(r->buf + r->pos, '\n', r->len - r->pos) : NULL;
        if (nl != NULL || (r->eof && r->pos < r->len)) {
            *line = r->buf + r->pos;
            *n = nl != NULL ? (size_t)(nl - *line) + 1 : r->len - r->pos;
            r->pos += *n;
            return 1;
        }
        if (r->eof)
            return 0;
        /* Keep the unfinished line, make room, read more after it. */
        if (r->pos > 0)
            memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->off += (int64_t)r->pos;
        r->len -= r->pos;
        r->pos = 0;
        if (r->len == r->cap) {
            size_t cap = r->cap > 0 ? r->cap * 2 : 65536;
            char *p = realloc(r->buf, cap + 1);
            if (p == NULL) {
                errno = ENOMEM;
                return -1;
            }
            r->buf = p;
            r->cap = cap;
        }
        ssize_t got = pread(r->fd, r->buf + r->len, r->cap - r->len,
                            (off_t)(r->off + (int64_t)r->len));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        r->eof = got == 0;
        r->len += (size_t)got;
    }
}

/* A torn write leaves a prefix of one of our lines: it starts with '{', or,
 * after a power cut on some file systems, is zeroed blocks. Anything else
 * means the path names some other file, which is not ours to cut. */
static bool looks_torn(const char *text, size_t len)
{
    if (len > 0 && text[0] == '{')
        return true;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '\0')
            return false;
    return true;
}

/*
 * Reads fd's file line by line through fn. The last line may be torn: if
 * fn rejects it, it is cut away; if it is whole but lacks its newline, the
 * newline is added. Any other rejected line fails the whole read. *size
 * ends as the length of the file's valid lines.
 */
static enum gk_rc read_lines(struct gen_output *o, int fd, const char *path,
                             int64_t *size, line_fn fn, struct gk_err *err)
{
    struct reader r = {.fd = fd};
    struct stat st;
    char where[WHERE_MAX];
    size_t lineno = 0, n;
    int64_t start = 0;
    const char *text;
    int got = 0;
    enum gk_rc rc = GK_OK;

    if (fstat(fd, &st) != 0)
        return io_error(err, path, "cannot stat", errno);
    while (rc == GK_OK && (got = next_line(&r, &text, &n)) > 0) {
        struct gk_err local = {0};
        struct line l = {.text = text, .len = n, .where = where};
        l.terminated = text[n - 1] == '\n';
        l.len -= l.terminated;
        l.last = start + (int64_t)n >= (int64_t)st.st_size;
        snprintf(where, sizeof where, "%s:%zu", path, ++lineno);
        rc = fn(o, &l, &local);
        if (rc != GK_OK &&
            (rc == GK_OUT_OF_MEMORY || !l.last || !looks_torn(l.text, l.len))) {
            gk_err_set(err, local.rc, "%s", local.msg);
        } else if (rc != GK_OK) {
            /* A torn write: the crash this file is built to survive. */
            GK_LOG_WARN("%s: dropping the unfinished last line (%s)", where, local.msg);
            o->torn_dropped++;
            rc = ftruncate(fd, (off_t)start) == 0
                     ? GK_OK
                     : io_error(err, path, "cannot remove the unfinished last line",
                                errno);
            break;
        } else if (!l.terminated) {
            GK_LOG_WARN("%s: the last line lacked its newline: adding it", where);
            int64_t at = start + (int64_t)n;
            rc = append_line(fd, path, &at, false, "\n", 1, err);
            o->torn_completed++;
            n++;
        }
        start += (int64_t)n;
    }
    if (rc == GK_OK && got < 0)
        rc = io_error(err, path, "read failed", errno);
    free(r.buf);
    *size = start;
    return rc;
}

/* ---- the public API ---- */

enum gk_rc gen_output_open(struct gen_output *o, const char *records_path,
                           const char *state_path, bool fsync, struct gk_err *err)
{
    struct stat a, b;
    enum gk_rc rc;

    memset(o, 0, sizeof *o);
    o->records_fd = o->state_fd = -1;
    if (records_path == NULL || state_path == NULL || records_path[0] == '\0' ||
        state_path[0] == '\0')
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "output: the records file and the state journal need paths");
    if (strcmp(records_path, state_path) == 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "state: must differ from output (%s)", records_path);
    o->fsync = fsync;
    o->records_path = strdup(records_path);
    o->state_path = strdup(state_path);
    o->index = calloc(1, sizeof *o->index);
    if (o->records_path == NULL || o->state_path == NULL || o->index == NULL) {
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, "output: out of memory");
    } else if ((rc = open_locked(records_path, fsync, &o->records_fd, err)) == GK_OK &&
               (rc = open_locked(state_path, fsync, &o->state_fd, err)) == GK_OK) {
        if (fstat(o->records_fd, &a) == 0 && fstat(o->state_fd, &b) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            rc = gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                            "state: %s is the same file as output %s", state_path,
                            records_path);
        else if ((rc = table_grow(o, err)) == GK_OK &&
                 (rc = read_lines(o, o->records_fd, records_path, &o->records_size,
                                  read_record, err)) == GK_OK)
            rc = read_lines(o, o->state_fd, state_path, &o->state_size, read_ack, err);
    }
    if (rc != GK_OK) {
        gen_output_close(o, NULL);
        return rc;
    }
    for (size_t i = 0; i < o->entry_count; i++) {
        o->resumed_done += o->entries[i].done;
        o->resumed_pending += o->entries[i].acked && !o->entries[i].done;
    }
    return GK_OK;
}

enum gk_rc gen_output_open_config(struct gen_output *o, const struct gen_config *cfg,
                                  struct gk_err *err)
{
    if (cfg->state != NULL)
        return gen_output_open(o, cfg->output, cfg->state, cfg->fsync, err);
    size_t len = cfg->output != NULL ? strlen(cfg->output) : 0;
    char *state = malloc(len + sizeof ".state");
    if (state == NULL) {
        memset(o, 0, sizeof *o);
        o->records_fd = o->state_fd = -1;
        return gk_err_set(err, GK_OUT_OF_MEMORY, "output: out of memory");
    }
    snprintf(state, len + sizeof ".state", "%s.state", len > 0 ? cfg->output : "");
    enum gk_rc rc = gen_output_open(o, cfg->output, state, cfg->fsync, err);
    free(state);
    return rc;
}

static enum gk_rc close_file(int *fd, const char *path, struct gk_err *err)
{
    enum gk_rc rc = GK_OK;
    if (*fd < 0)
        return GK_OK;
    if (fsync(*fd) != 0)
        rc = io_error(err, path, "fsync failed", errno);
    if (close(*fd) != 0 && rc == GK_OK)
        rc = io_error(err, path, "close failed", errno);
    *fd = -1;
    return rc;
}

enum gk_rc gen_output_close(struct gen_output *o, struct gk_err *err)
{
    if (o == NULL)
        return GK_OK;
    enum gk_rc a = close_file(&o->records_fd, o->records_path, err);
    enum gk_rc b = close_file(&o->state_fd, o->state_path, err);
    free(o->records_path);
    free(o->state_path);
    free(o->entries);
    if (o->index != NULL)
        free(o->index->slots);
    free(o->index);
    memset(o, 0, sizeof *o);
    o->records_fd = o->state_fd = -1;
    return a != GK_OK ? a : b;
}

static enum gk_rc check_text(const char *what, const char *s, size_t cap,
                             struct gk_err *err)
{
    if (s == NULL || s[0] == '\0')
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: missing", what);
    if (strlen(s) >= cap)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: longer than %zu bytes",
                          what, cap - 1);
    if (!gen_output_id_ok(s))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: not printable UTF-8",
                          what);
    return GK_OK;
}

enum gk_rc gen_output_ack(struct gen_output *o, const char *key,
                          const char *conversation_id, const char *message_id,
                          int64_t created_ms, struct gk_err *err)
{
    struct gk_codec_writer w = {.first = true};
    struct gen_output_entry *e;
    char *line = NULL;
    size_t len;
    enum gk_rc rc;

    if ((rc = check_text("key", key, GEN_KEY_MAX, err)) != GK_OK ||
        (rc = check_text("conversation_id", conversation_id, GEN_ID_MAX, err)) != GK_OK ||
        (rc = check_text("message_id", message_id, GEN_ID_MAX, err)) != GK_OK)
        return rc;
    const struct gen_output_entry *old = gen_output_find(o, key);
    if (old != NULL && (old->acked || old->done))
        return gk_err_set(err, GK_INVALID_STATE, "%s: already %s", key,
                          old->done ? "has a record" : "asked (acknowledged)");
    gk_codec_write_begin(&w, NULL, '{');
    gk_codec_write_str(&w, "key", key);
    gk_codec_write_str(&w, "conversation_id", conversation_id);
    gk_codec_write_str(&w, "message_id", message_id);
    gk_codec_write_i64(&w, "created_ms", created_ms);
    gk_codec_write_end(&w, '}');
    if ((rc = gk_codec_write_finish(&w, &line, &len, err)) != GK_OK)
        return rc;
    char *grown = realloc(line, len + 2);
    if (grown == NULL) {
        free(line);
        return gk_err_set(err, GK_OUT_OF_MEMORY, "output: out of memory");
    }
    line = grown;
    line[len++] = '\n';
    line[len] = '\0';
    if ((rc = entry_get(o, key, &e, err)) == GK_OK &&
        (rc = append_line(o->state_fd, o->state_path, &o->state_size, o->fsync, line, len,
                          err)) == GK_OK) {
        e->acked = true;
        snprintf(e->conversation_id, sizeof e->conversation_id, "%s", conversation_id);
        snprintf(e->message_id, sizeof e->message_id, "%s", message_id);
        e->created_ms = created_ms;
        o->acks_written++;
    }
    free(line);
    return rc;
}

enum gk_rc gen_output_write(struct gen_output *o, const struct gen_record *r,
                            struct gk_err *err)
{
    struct gen_output_entry *e;
    char *line = NULL;
    size_t len;
    enum gk_rc rc;

    if ((rc = check_text("key", r->key, GEN_KEY_MAX, err)) != GK_OK ||
        (r->run_id[0] != '\0' &&
         (rc = check_text("run_id", r->run_id, sizeof r->run_id, err)) != GK_OK) ||
        (r->conversation_id[0] != '\0' &&
         (rc = check_text("conversation_id", r->conversation_id, GEN_ID_MAX, err)) !=
             GK_OK) ||
        (r->message_id[0] != '\0' &&
         (rc = check_text("message_id", r->message_id, GEN_ID_MAX, err)) != GK_OK))
        return rc;
    if (gen_output_done(o, r->key))
        return gk_err_set(err, GK_INVALID_STATE, "%s: already has a record", r->key);
    if ((rc = gen_output_record_encode(r, &line, &len, err)) == GK_OK &&
        (rc = entry_get(o, r->key, &e, err)) == GK_OK &&
        (rc = append_line(o->records_fd, o->records_path, &o->records_size, o->fsync,
                          line, len, err)) == GK_OK) {
        note_record(e, r);
        o->records_written++;
    }
    free(line);
    return rc;
}
