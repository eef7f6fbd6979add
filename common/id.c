/*
 * id: layout of a 32-hex Genie id, most significant digit first:
 *
 *   digit 0       "0"  (the top nibble of a 64-bit word holding a 60-bit tick)
 *   digits 1-15   UUIDv1 tick: 100-ns intervals since 1582-10-15
 *                 = unix_ms * 10000 + GK_ID_EPOCH_OFFSET
 *   digits 16-31  64 random bits with the top two forced to 10 (RFC 4122
 *                 variant), so digit 16 is one of 8, 9, a, b
 *
 * Invariant of struct gk_id_gen: last_tick is the largest tick handed out, and
 * each new tick is max(now tick, last_tick + 1). Ticks stay below 2^60
 * because wall times are clamped to GK_ID_MS_MAX, which leaves ~3e16 ticks of
 * headroom for same-millisecond bumps.
 */
#include "common/id.h"

#include <stdio.h>
#include <string.h>

/* 1970-01-01 minus 1582-10-15 in 100-ns ticks (RFC 4122, section 4.1.4). */
#define GK_ID_EPOCH_OFFSET UINT64_C(0x01B21DD213814000)
#define GK_ID_TICKS_PER_MS UINT64_C(10000)
#define GK_ID_VARIANT_MASK UINT64_C(0xC000000000000000)
#define GK_ID_VARIANT_RFC  UINT64_C(0x8000000000000000)
#define GK_ID_USER_MIN     INT64_C(1000000000000000) /* smallest 16-digit value */
#define GK_ID_USER_MAX     INT64_C(9999999999999999)

static const char hex_digits[] = "0123456789abcdef";

/* Writes v as 16 lowercase hex digits (no NUL). */
static void put_hex64(char *out, uint64_t v)
{
    for (int i = 15; i >= 0; i--) {
        out[i] = hex_digits[v & 0xf];
        v >>= 4;
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

void gk_id_gen_init(struct gk_id_gen *g, uint64_t seed)
{
    gk_rng_init(&g->rng, seed);
    g->last_tick = 0;
}

void gk_id_next(struct gk_id_gen *g, int64_t now_ms, char out[GK_ID_SIZE])
{
    if (now_ms < 0)
        now_ms = 0;
    if (now_ms > GK_ID_MS_MAX)
        now_ms = GK_ID_MS_MAX;
    uint64_t tick = (uint64_t)now_ms * GK_ID_TICKS_PER_MS + GK_ID_EPOCH_OFFSET;
    if (tick <= g->last_tick)
        tick = g->last_tick + 1;
    g->last_tick = tick;

    uint64_t low = gk_rng_next(&g->rng);
    low = (low & ~GK_ID_VARIANT_MASK) | GK_ID_VARIANT_RFC;
    put_hex64(out, tick);
    put_hex64(out + 16, low);
    out[GK_ID_LEN] = '\0';
}

/* Hyphen positions of the 8-4-4-4-12 form. */
static bool is_hyphen_pos(size_t i)
{
    return i == 8 || i == 13 || i == 18 || i == 23;
}

/* Copies a 32-hex id into the hyphenated form; id must be valid. */
static void hyphenate(const char *id, char out[GK_ID_UUID_SIZE])
{
    size_t k = 0;
    for (size_t i = 0; i < GK_ID_UUID_LEN; i++)
        out[i] = is_hyphen_pos(i) ? '-' : id[k++];
    out[GK_ID_UUID_LEN] = '\0';
}

void gk_id_next_uuid(struct gk_id_gen *g, int64_t now_ms, char out[GK_ID_UUID_SIZE])
{
    char id[GK_ID_SIZE];
    gk_id_next(g, now_ms, id);
    hyphenate(id, out);
}

enum gk_rc gk_id_to_uuid(const char *id, char out[GK_ID_UUID_SIZE], struct gk_err *err)
{
    if (!gk_id_valid(id))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "id: expected 32 lowercase hex digits");
    hyphenate(id, out);
    return GK_OK;
}

bool gk_id_valid(const char *s)
{
    if (s == NULL)
        return false;
    for (size_t i = 0; i < GK_ID_LEN; i++)
        if (hex_value(s[i]) < 0) /* also stops at a NUL before the end */
            return false;
    return s[GK_ID_LEN] == '\0';
}

bool gk_id_uuid_valid(const char *s)
{
    if (s == NULL)
        return false;
    for (size_t i = 0; i < GK_ID_UUID_LEN; i++) {
        if (is_hyphen_pos(i) ? s[i] != '-' : hex_value(s[i]) < 0)
            return false;
    }
    return s[GK_ID_UUID_LEN] == '\0';
}

enum gk_rc gk_id_epoch_ms(const char *id, int64_t *out_ms, struct gk_err *err)
{
    char plain[GK_ID_SIZE];
    if (gk_id_valid(id)) {
        memcpy(plain, id, GK_ID_SIZE);
    } else if (gk_id_uuid_valid(id)) {
        size_t k = 0;
        for (size_t i = 0; i < GK_ID_UUID_LEN; i++)
            if (!is_hyphen_pos(i))
                plain[k++] = id[i];
        plain[k] = '\0';
    } else {
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "id: expected 32 lowercase hex digits or an 8-4-4-4-12 UUID");
    }
    if (plain[0] != '0')
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "id: \"%s\" is not time-ordered (first digit is not 0)", id);

    uint64_t tick = 0;
    for (size_t i = 1; i < 16; i++)
        tick = tick << 4 | (uint64_t)hex_value(plain[i]);
    if (tick < GK_ID_EPOCH_OFFSET)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "id: \"%s\" has a time before 1970", id);
    /* (2^60 - offset) / 10000 fits easily in int64. */
    *out_ms = (int64_t)((tick - GK_ID_EPOCH_OFFSET) / GK_ID_TICKS_PER_MS);
    return GK_OK;
}

int64_t gk_id_user(struct gk_rng *r)
{
    return gk_rng_range(r, GK_ID_USER_MIN, GK_ID_USER_MAX);
}

void gk_id_workspace(struct gk_rng *r, char out[GK_ID_WORKSPACE_SIZE])
{
    int64_t v = gk_rng_range(r, GK_ID_USER_MIN, GK_ID_USER_MAX);
    /* 16 digits exactly: snprintf cannot truncate. */
    snprintf(out, GK_ID_WORKSPACE_SIZE, "%lld", (long long)v);
}

void gk_id_pat(struct gk_rng *r, char out[GK_ID_PAT_SIZE])
{
    memcpy(out, "dapi", 4);
    put_hex64(out + 4, gk_rng_next(r));
    put_hex64(out + 20, gk_rng_next(r));
    out[GK_ID_PAT_LEN] = '\0';
}
