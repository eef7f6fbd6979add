/*
 * id: Genie-style identifiers, made deterministically.
 *
 * Real Genie ids (space, conversation, message, attachment) are 32 lowercase
 * hex digits: a UUIDv1 re-ordered time-first. The first 16 digits are "0"
 * and the 60-bit UUIDv1 timestamp (100-ns ticks since 1582-10-15) as 15
 * digits, so ids sort by creation time and ids made close together share a
 * prefix; the last 16 digits are the clock sequence and node, which here come
 * from a seeded struct gk_rng (with the RFC 4122 variant bits 10xx in the
 * first of them, as in real ids: "ae3e...", "bf19...", "9d43..."). Statement
 * ids are the same 32 digits in the 8-4-4-4-12 hyphenated form.
 *
 * A struct gk_id_gen makes ids: the same seed and the same sequence of wall
 * times give the same ids, and its ticks strictly increase even when many
 * ids are made in one millisecond or the clock steps back. Time is always an
 * argument (epoch milliseconds); nothing here reads a clock.
 *
 * Output buffers belong to the caller and must hold the matching *_SIZE
 * macro's bytes (length + NUL).
 *
 * Thread-safety: a struct gk_id_gen is plain state; guard it if shared. The
 * validation and decoding functions are pure.
 */
#ifndef GK_ID_H
#define GK_ID_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "common/rng.h"

#define GK_ID_LEN            32 /* "01f1c2a2ff3f113bae3e0bae29a420c0" */
#define GK_ID_SIZE           (GK_ID_LEN + 1)
#define GK_ID_UUID_LEN       36 /* "01f1c2a3-00be-1b07-9165-720eab466ddb" */
#define GK_ID_UUID_SIZE      (GK_ID_UUID_LEN + 1)
#define GK_ID_WORKSPACE_LEN  16 /* "1234567890123456" */
#define GK_ID_WORKSPACE_SIZE (GK_ID_WORKSPACE_LEN + 1)
#define GK_ID_PAT_LEN        36 /* "dapi" + 32 hex */
#define GK_ID_PAT_SIZE       (GK_ID_PAT_LEN + 1)

/*
 * Wall times are clamped to [0, GK_ID_MS_MAX] (1970 .. about year 5138) so a
 * tick always fits in 60 bits with room to spare for same-millisecond bumps.
 */
#define GK_ID_MS_MAX INT64_C(100000000000000)

struct gk_id_gen {
    struct gk_rng rng;  /* draws the clock-sequence and node half */
    uint64_t last_tick; /* last UUIDv1 tick handed out; 0 before the first */
};

/* Seeds g; the same seed and the same times give the same ids. */
void gk_id_gen_init(struct gk_id_gen *g, uint64_t seed);

/*
 * Writes a new 32-hex id for wall time now_ms into out (GK_ID_SIZE bytes).
 * Its tick is now_ms * 10000 ticks, or last tick + 1 when that would not be
 * larger (same millisecond, or the clock went back); gk_id_epoch_ms() gives
 * now_ms back unless more than 10000 ids were made within one millisecond.
 * Cannot fail.
 */
void gk_id_next(struct gk_id_gen *g, int64_t now_ms, char out[GK_ID_SIZE]);

/* As gk_id_next, in the 36-char hyphenated form statement ids use. */
void gk_id_next_uuid(struct gk_id_gen *g, int64_t now_ms, char out[GK_ID_UUID_SIZE]);

/*
 * Writes the hyphenated form of a valid 32-hex id into out. Returns GK_OK, or
 * GK_INVALID_PARAMETER_VALUE (out untouched) when id is not valid.
 */
enum gk_rc gk_id_to_uuid(const char *id, char out[GK_ID_UUID_SIZE], struct gk_err *err);

/* True when s is exactly 32 lowercase hex digits (NULL is not). */
bool gk_id_valid(const char *s);

/* True when s is exactly 8-4-4-4-12 lowercase hex digits (NULL is not). */
bool gk_id_uuid_valid(const char *s);

/*
 * Decodes the creation time of a time-ordered id (32-hex or hyphenated) into
 * *out_ms (epoch milliseconds, rounded down). Returns GK_OK, or
 * GK_INVALID_PARAMETER_VALUE naming the problem when id is malformed or not
 * time-ordered (older random ids such as "3c409c00b54a44c7..."); *out_ms is
 * then untouched.
 */
enum gk_rc gk_id_epoch_ms(const char *id, int64_t *out_ms, struct gk_err *err);

/* A user id: a positive int64 of 16 decimal digits, as in real responses. */
int64_t gk_id_user(struct gk_rng *r);

/* A workspace id: 16 decimal digits, no leading zero, into out. */
void gk_id_workspace(struct gk_rng *r, char out[GK_ID_WORKSPACE_SIZE]);

/*
 * A personal-access-token lookalike, "dapi" + 32 lowercase hex, into out.
 * Deterministic from r, so only for the mock and tests, never a real secret.
 */
void gk_id_pat(struct gk_rng *r, char out[GK_ID_PAT_SIZE]);

#endif
