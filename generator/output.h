/*
 * output: genie-gen's two durable files, and resuming from them.
 *
 * The records file (gen_config.output) gets one JSON line per finished
 * message, the state journal (gen_config.state) one JSON line per question
 * POST the server acknowledged:
 *
 *     {"key":"123/01ef/c0/m0","conversation_id":"01f0...","message_id":"01f0...",
 *      "created_ms":1700000000000}
 *
 * written the moment the POST is acknowledged, before the first poll. Each
 * line goes out with a single write(2) on an O_APPEND descriptor, so it is in
 * the file (the page cache) when the call returns, and, with fsync
 * configured, on disk. A crash can therefore leave at most one torn line per
 * file, the last, and nothing else.
 *
 * Resume (gen_output_open on existing files) reads both files back:
 *   - a last line that lacks its newline but parses completely is kept and
 *     its newline added (a JSON object has no proper prefix that is itself
 *     an object, so the line is whole: keeping it avoids asking again a
 *     question whose acknowledgement it records);
 *   - a last line that does not parse is dropped, and truncated away before
 *     anything is appended, so the file stays valid JSON lines; but only if
 *     it looks like a torn line of ours (it starts with '{', or is all NUL
 *     bytes, as zeroed blocks after a power cut): a path that names some
 *     other file gets an error, never a truncation;
 *   - a bad line anywhere else is an error naming the file and line: that is
 *     not a crash, and guessing would risk asking questions twice;
 *   - a key with two records keeps the first (and counts a duplicate).
 * The result is the set of keys that have a record (done: never asked or
 * written again) and the keys acknowledged without a record (pending: to be
 * polled, not asked again), with their conversation and message ids.
 *
 * Both files are locked (fcntl write locks) while open, so a second genie-gen
 * on the same files fails at once instead of asking every question twice.
 * POSIX drops those locks when the process closes ANY descriptor of the
 * file: nothing else in the program may open these paths while they are
 * open here.
 *
 * The record line (gen_output_record_encode) has these members, always all
 * of them, in this order (null where the record says "unknown"):
 *   run_id, key, workspace_id, space_id, conversation_id, message_id, kind,
 *   question, status, outcome, error_type, error_message, sql, row_count,
 *   attachment_ids (array), created_ms, terminal_ms, time_to_terminal_ms,
 *   polls, retries, throttled, result_rows, result_columns (array or null).
 * Empty strings and a GK_MSG_UNKNOWN status are written as null; so are
 * negative row_count, time_to_terminal_ms and result_rows, and zero
 * created_ms and terminal_ms. attachment_ids and result_columns are split at
 * commas (gen_record keeps them comma-separated). Bytes that are not UTF-8
 * are written as U+FFFD, so strict readers accept every line.
 *
 * Ownership: struct gen_output is caller-allocated; gen_output_open fills it
 * and gen_output_close releases it. Entries returned by the lookups are lent
 * and stay valid until the next gen_output_ack or gen_output_write.
 * Thread-safety: none; one run loop owns the output.
 */
#ifndef GEN_OUTPUT_H
#define GEN_OUTPUT_H

#include "generator/gen.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_ID_MAX 40 /* conversation and message ids, NUL included */

/* What the files say about one question key. */
struct gen_output_entry {
    char key[GEN_KEY_MAX];
    char conversation_id[GEN_ID_MAX]; /* from the ack, else the record; "" if neither */
    char message_id[GEN_ID_MAX];      /* likewise */
    int64_t created_ms;               /* likewise; 0 when unknown */
    enum gk_msg_status status;        /* the record's final status (done only) */
    bool acked;                       /* a state line exists */
    bool done;                        /* a record exists */
};

struct gen_output_table; /* private: the key index */

struct gen_output {
    int records_fd, state_fd; /* -1 when closed */
    char *records_path, *state_path;
    bool fsync;
    int64_t records_size, state_size; /* bytes; where a failed write is cut back to */

    /* Everything the files said at open, then what this run added. */
    struct gen_output_entry *entries;
    size_t entry_count, entry_cap;
    struct gen_output_table *index;

    /* What resume found (for the summary and the log). */
    size_t resumed_done;      /* keys with a record at open */
    size_t resumed_pending;   /* keys acked without a record at open */
    size_t torn_dropped;      /* unparseable last lines removed (0..2) */
    size_t torn_completed;    /* whole last lines that got their newline (0..2) */
    size_t duplicate_records; /* records for a key that had one: ignored */
    size_t duplicate_acks;    /* state lines for a key that had one: ignored */
    int64_t records_written;  /* lines appended by this run */
    int64_t acks_written;
};

/*
 * Opens (creating them 0644 when missing) the records file and the state
 * journal, locks them, reads them back as described above and leaves them
 * ready for appends. fsync: fsync each line after writing it (and the
 * directory after creating a file). Returns GK_OK; GK_IO_ERROR naming the
 * path and the system's reason (including "in use by another process (pid
 * N)"); GK_BAD_CONFIG "<path>:<line>: ..." for a bad line that is not the
 * last; GK_INVALID_PARAMETER_VALUE for NULL or equal paths; GK_OUT_OF_MEMORY.
 * On error nothing is left open (gen_output_close is still safe).
 */
enum gk_rc gen_output_open(struct gen_output *o, const char *records_path,
                           const char *state_path, bool fsync, struct gk_err *err);

/* The same with the paths and fsync setting of a loaded config. */
enum gk_rc gen_output_open_config(struct gen_output *o, const struct gen_config *cfg,
                                  struct gk_err *err);

/*
 * fsyncs (whatever the fsync setting: once is cheap) and closes both files
 * and frees everything. Returns GK_OK or GK_IO_ERROR when the final fsync or
 * close failed (everything is released all the same). Safe on a zeroed or
 * closed struct.
 */
enum gk_rc gen_output_close(struct gen_output *o, struct gk_err *err);

/* The entry for key, or NULL when neither file mentions it. Lent. */
const struct gen_output_entry *gen_output_find(const struct gen_output *o,
                                               const char *key);
/* true when key has a record: it is never asked or written again. */
bool gen_output_done(const struct gen_output *o, const char *key);
/* The entry of an acknowledged question without a record (to be polled, not
 * asked), or NULL. Lent. */
const struct gen_output_entry *gen_output_pending(const struct gen_output *o,
                                                  const char *key);

/*
 * Journals the acknowledged POST of key: appends the state line (and fsyncs
 * it when configured) before returning. Call it before the first poll.
 * Returns GK_OK; GK_INVALID_STATE when key already has an ack or a record
 * (asking twice is a bug); GK_INVALID_PARAMETER_VALUE for a key or id that
 * is empty, too long or not gen_output_id_ok; GK_IO_ERROR (the partial line is cut away
 * again); GK_OUT_OF_MEMORY.
 */
enum gk_rc gen_output_ack(struct gen_output *o, const char *key,
                          const char *conversation_id, const char *message_id,
                          int64_t created_ms, struct gk_err *err);

/*
 * Appends r's line to the records file (and fsyncs it when configured)
 * before returning, and marks r->key done. Returns GK_OK; GK_INVALID_STATE
 * when the key already has a record; GK_INVALID_PARAMETER_VALUE for a key,
 * run_id, conversation_id or message_id that is not gen_output_id_ok (the
 * last three may be empty); GK_IO_ERROR (the partial line is cut away again);
 * GK_OUT_OF_MEMORY.
 */
enum gk_rc gen_output_write(struct gen_output *o, const struct gen_record *r,
                            struct gk_err *err);

/*
 * true when s is what a key or an id must be: non-empty UTF-8 without
 * control characters, so it is written and read back byte for byte.
 */
bool gen_output_id_ok(const char *s);

/*
 * The record's JSON line, newline included, into *out (caller frees) and its
 * length into *out_len (may be NULL). Returns GK_OK or GK_OUT_OF_MEMORY.
 */
enum gk_rc gen_output_record_encode(const struct gen_record *r, char **out,
                                    size_t *out_len, struct gk_err *err);

/* A record read back: rec's borrowed strings point into the copies here. */
struct gen_record_copy {
    struct gen_record rec;
    char *workspace_id, *space_id, *kind, *question, *outcome;
};

/*
 * Decodes one record line (len bytes, newline optional) into out: the
 * inverse of gen_output_record_encode. Members missing or null read as
 * "unknown" (the values listed at the top); unknown members are ignored, so
 * files of later versions still read. where names the line in messages
 * ("out.jsonl:12"). Returns GK_OK; GK_BAD_CONFIG "<where>: ..." when the
 * line is not a JSON object, has no key, or a member of the wrong type;
 * GK_OUT_OF_MEMORY. On error out holds nothing to free.
 */
enum gk_rc gen_output_record_decode(const char *line, size_t len, const char *where,
                                    struct gen_record_copy *out, struct gk_err *err);

/* Frees what a decoded record owns and zeroes it. NULL is a no-op. */
void gen_record_copy_cleanup(struct gen_record_copy *c);

#endif
