/*
 * codec_write: the append-only JSON writer under the codec's encoders.
 * Used by the codec and by the programs for their own JSON output (admin API,
 * journal, audit log, reports).
 *
 * Why not cJSON: printing int64 values exactly (cJSON keeps numbers as
 * doubles, which lose digits above 2^53), and skipping the tree cJSON would
 * allocate and walk for every reply (DESIGN.md measured cJSON's printing at
 * ~3 us per KB). The writer prints straight into one growing buffer.
 *
 * Usage: a zero-initialised writer with `first = true`; begin/end pairs for
 * objects and arrays; a `key` for members of objects, NULL for elements of
 * arrays (and for the top level); gk_codec_write_finish() hands the buffer
 * over. Output is compact.
 *
 * Errors are sticky: after the first failure (out of memory, a caller bug
 * reported with gk_codec_write_fail) every call is a no-op and finish()
 * reports the first failure and frees the buffer, so the code that drives
 * the writer needs no error paths of its own.
 *
 * Thread-safety: a writer belongs to one caller.
 */
#ifndef GK_CODEC_WRITE_H
#define GK_CODEC_WRITE_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gk_codec_writer {
    char *buf;
    size_t len, cap;
    bool first;    /* no element yet in the innermost open container */
    enum gk_rc rc; /* GK_OK until the first failure */
    char msg[GK_ERR_MSG_MAX];
};

/* Records rc and the message unless something failed already. */
void gk_codec_write_fail(struct gk_codec_writer *w, enum gk_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Opens an object ('{') or an array ('['), as a member named key. */
void gk_codec_write_begin(struct gk_codec_writer *w, const char *key, char open);
/* Closes it ('}' or ']'). */
void gk_codec_write_end(struct gk_codec_writer *w, char close);
/* A string member, escaped; nothing at all when s is NULL. */
void gk_codec_write_str(struct gk_codec_writer *w, const char *key, const char *s);
/* A string, or JSON null when s is NULL. */
void gk_codec_write_str_or_null(struct gk_codec_writer *w, const char *key,
                                const char *s);
void gk_codec_write_null(struct gk_codec_writer *w, const char *key);
/* An int64 as an exact JSON number. */
void gk_codec_write_i64(struct gk_codec_writer *w, const char *key, int64_t v);
/* The same, but left out when v is 0 ("not set": timestamps, user ids). */
void gk_codec_write_i64_set(struct gk_codec_writer *w, const char *key, int64_t v);
/*
 * A double as a JSON number with exactly `decimals` digits after the point
 * (clamped to 0..9), rounded half away from zero: 12.5 with 3 is 12.500,
 * 1e20 with 1 is 100000000000000000000.0. Never depends on the locale (no
 * "12,500"). NaN and infinities, which JSON cannot carry, print as null.
 */
void gk_codec_write_double(struct gk_codec_writer *w, const char *key, double v,
                           int decimals);
void gk_codec_write_bool(struct gk_codec_writer *w, const char *key, bool b);
/* Fails with GK_INTERNAL_ERROR "<what>: required but NULL" when p is NULL. */
void gk_codec_write_require(struct gk_codec_writer *w, const void *p, const char *what);
/* true when an array of count elements should be written; a count without
 * an array is a caller bug (GK_INTERNAL_ERROR) and gives false. */
bool gk_codec_write_array_ok(struct gk_codec_writer *w, const void *arr, size_t count,
                             const char *what);
/* On success gives the NUL-terminated text to *out (caller frees) and its
 * length to *out_len (may be NULL); otherwise frees it and records the first
 * failure in err. */
enum gk_rc gk_codec_write_finish(struct gk_codec_writer *w, char **out, size_t *out_len,
                                 struct gk_err *err);

#endif
