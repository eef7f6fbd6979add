/*
 * codec_doc: the JSON reading layer shared by the codec's decoders. PRIVATE
 * to common/codec_*.c (the only files besides envelope.c allowed to see
 * cJSON); nothing outside the codec includes this header.
 *
 * A struct gk_codec_doc is one parsed body plus a sticky error: the first
 * failure is recorded (in the doc and in the caller's gk_err) and every
 * getter returns NULL / 0 from then on, so a decoder fills its struct
 * straight through and checks once, at gk_codec_doc_close().
 *
 * Getters are lenient (the response rules): a missing member or one of an
 * unexpected type reads as absent. Strict request decoding uses the doc only
 * to parse, and checks types itself.
 *
 * Exact int64: cJSON keeps numbers as doubles, which cannot hold every
 * integer above 2^53, so gk_codec_doc_open() remembers the original text of
 * the integers that might not fit (see codec_doc.c) and the int64 getters
 * read those digits instead of the double.
 *
 * Thread-safety: a doc belongs to one caller.
 */
#ifndef GK_CODEC_DOC_H
#define GK_CODEC_DOC_H

#include "common/err.h"

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gk_codec_bignum;

struct gk_codec_doc {
    cJSON *root;
    struct gk_codec_bignum *big; /* sorted by item once paired */
    size_t big_count;
    enum gk_rc rc; /* GK_OK until the first failure */
    struct gk_err *err;
};

/*
 * Zeroes out_size bytes at out (the decoder's result), then parses data[0,
 * len) into d->root. Fails with fail_rc ("body: ..." message) when the body
 * is empty, not JSON, followed by anything but whitespace, or not an
 * object; with GK_INTERNAL_ERROR when out is NULL. Always pair with
 * gk_codec_doc_close(), which frees the tree whatever happened.
 */
enum gk_rc gk_codec_doc_open(struct gk_codec_doc *d, const char *data, size_t len,
                             void *out, size_t out_size, enum gk_rc fail_rc,
                             struct gk_err *err);
/* Frees the tree; returns the first failure recorded (GK_OK if none). */
enum gk_rc gk_codec_doc_close(struct gk_codec_doc *d);

/* Records rc and the message unless something failed already. */
void gk_codec_doc_fail(struct gk_codec_doc *d, enum gk_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* calloc(n, size), recording GK_OUT_OF_MEMORY; NULL when n is 0 or after a
 * failure. */
void *gk_codec_doc_alloc(struct gk_codec_doc *d, size_t n, size_t size);
/* strdup, recording GK_OUT_OF_MEMORY. */
char *gk_codec_doc_dup(struct gk_codec_doc *d, const char *s);

/* The member named key (case-sensitive) or NULL; obj may be NULL. */
const cJSON *gk_codec_doc_member(const cJSON *obj, const char *key);
/* The member if it is an object, else NULL. */
const cJSON *gk_codec_doc_obj(const cJSON *obj, const char *key);
/* The first element of the array member (NULL if none or not an array) and
 * the number of elements in *count. */
const cJSON *gk_codec_doc_arr(const cJSON *obj, const char *key, size_t *count);
/* A copy of the string member, or NULL. */
char *gk_codec_doc_str(struct gk_codec_doc *d, const cJSON *obj, const char *key);
/*
 * A copy of a required id: the non-empty string under key, or else under
 * alt (NULL: no alternative). When neither is there, records GK_BAD_RESPONSE
 * "<where><key>: missing" and returns NULL.
 */
char *gk_codec_doc_id(struct gk_codec_doc *d, const cJSON *obj, const char *key,
                      const char *alt, const char *where);
/* true only for a JSON true. */
bool gk_codec_doc_bool(const cJSON *obj, const char *key);
/* An int64 from a JSON number (exact, integral, in range) or a numeric
 * string; false (and *v untouched) otherwise. */
bool gk_codec_doc_item_i64(const struct gk_codec_doc *d, const cJSON *item, int64_t *v);
/* The int64 member, or 0 when it cannot be read. */
int64_t gk_codec_doc_i64(const struct gk_codec_doc *d, const cJSON *obj, const char *key);
/* "string", "number", "boolean", "null", "array", "object" (for messages). */
const char *gk_codec_doc_type_name(const cJSON *item);
/* A string, number or boolean as text (numbers exact); NULL for anything
 * else (null, objects, arrays). */
char *gk_codec_doc_text(struct gk_codec_doc *d, const cJSON *item);

#endif
