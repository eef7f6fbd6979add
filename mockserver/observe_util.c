/*
 * observe_util: the buffer, ring and map under the observers (see
 * observe_internal.h).
 *
 * Ring invariant: until the ring is full, items sit at [0, count) in push
 * order and head is 0; the array grows by doubling, and reaches exactly max
 * slots when count does, so once full the oldest item is at head and a push
 * overwrites it. The i-th newest is therefore at (head + count - 1 - i) mod
 * cap in both states.
 *
 * Map: keys are tuples of strings, stored NUL-separated after the value in
 * one block, so a value's labels (workspace, route, ...) point into its own
 * block and live exactly as long as it. Parts contain no NUL, so the joined
 * form identifies the tuple. The index is linear probing over a power of
 * two at most half full; entries are never removed one by one (reset clears
 * the map), so there are no tombstones.
 */
#include "mockserver/observe_internal.h"

#include "common/codec_write.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buf ---- */

static bool buf_reserve(struct mock_obs_buf *b, size_t n)
{
    if (b->failed)
        return false;
    if (n < b->cap - b->len)
        return true;
    size_t cap = b->cap != 0 ? b->cap : 1024;
    while (n >= cap - b->len) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void mock_obs_buf_put(struct mock_obs_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void mock_obs_buf_puts(struct mock_obs_buf *b, const char *s)
{
    mock_obs_buf_put(b, s, strlen(s));
}

void mock_obs_buf_printf(struct mock_obs_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];

    if (b->failed)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        mock_obs_buf_put(b, small, (size_t)n);
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *mock_obs_buf_take(struct mock_obs_buf *b, size_t *len)
{
    if (!b->failed && b->p == NULL)
        mock_obs_buf_put(b, "", 0);
    if (b->failed) {
        free(b->p);
        *b = (struct mock_obs_buf){0};
        return NULL;
    }
    char *p = b->p;
    if (len != NULL)
        *len = b->len;
    *b = (struct mock_obs_buf){0};
    return p;
}

/* ---- ring ---- */

bool mock_obs_ring_push(struct mock_obs_ring *r, void *item)
{
    if (r->max == 0)
        return false;
    if (r->count == r->max) {
        free(r->items[r->head]);
        r->items[r->head] = item;
        r->head = (r->head + 1) % r->max;
        return true;
    }
    if (r->count == r->cap) {
        size_t cap = r->cap < 16 ? 16 : r->cap * 2;
        if (cap > r->max)
            cap = r->max;
        void **items = realloc(r->items, cap * sizeof *items);
        if (items == NULL)
            return false;
        r->items = items;
        r->cap = cap;
    }
    r->items[r->count++] = item;
    return true;
}

void *mock_obs_ring_newest(const struct mock_obs_ring *r, size_t i)
{
    return r->items[(r->head + r->count - 1 - i) % r->cap];
}

void mock_obs_ring_clear(struct mock_obs_ring *r)
{
    for (size_t i = 0; i < r->count; i++)
        free(r->items[i]);
    free(r->items);
    *r = (struct mock_obs_ring){.max = r->max};
}

/* ---- map ---- */

/* The value block is padded so the key after it needs no alignment, and
 * the value itself gets malloc's. */
static size_t value_room(size_t size)
{
    return (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
}

static uint64_t key_hash(const char *const *parts, size_t n, size_t *key_len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *s =
            (const unsigned char *)(parts[i] != NULL ? parts[i] : "");
        do { /* the NUL too: it separates the parts */
            h ^= *s;
            h *= 0x100000001b3ULL;
            len++;
        } while (*s++ != '\0');
    }
    *key_len = len;
    return h;
}

static bool key_equal(const struct mock_obs_entry *e, const char *const *parts, size_t n)
{
    const char *k = e->key;
    for (size_t i = 0; i < n; i++) {
        const char *s = parts[i] != NULL ? parts[i] : "";
        size_t len = strlen(s) + 1;
        if (memcmp(k, s, len) != 0)
            return false;
        k += len;
    }
    return true;
}

/* The index slot holding the key, or the empty slot where it would go. */
static size_t *find_slot(const struct mock_obs_map *m, uint64_t h, size_t key_len,
                         const char *const *parts, size_t n)
{
    size_t mask = m->index_cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        size_t *slot = &m->index[i];
        if (*slot == 0)
            return slot;
        const struct mock_obs_entry *e = &m->entries[*slot - 1];
        if (e->hash == h && e->key_len == key_len && key_equal(e, parts, n))
            return slot;
    }
}

void *mock_obs_map_get(const struct mock_obs_map *m, const char *const *parts, size_t n)
{
    size_t key_len;
    if (m->count == 0)
        return NULL;
    uint64_t h = key_hash(parts, n, &key_len);
    size_t *slot = find_slot(m, h, key_len, parts, n);
    return *slot != 0 ? m->entries[*slot - 1].value : NULL;
}

/* Doubles the index (and rebuilds it) so it stays at most half full. */
static bool grow_index(struct mock_obs_map *m)
{
    size_t cap = m->index_cap != 0 ? m->index_cap * 2 : 64;
    size_t *index = calloc(cap, sizeof *index);
    if (index == NULL)
        return false;
    for (size_t e = 0; e < m->count; e++) {
        size_t i = (size_t)m->entries[e].hash & (cap - 1);
        while (index[i] != 0)
            i = (i + 1) & (cap - 1);
        index[i] = e + 1;
    }
    free(m->index);
    m->index = index;
    m->index_cap = cap;
    return true;
}

void *mock_obs_map_put(struct mock_obs_map *m, const char *const *parts, size_t n,
                       size_t size, bool *created)
{
    size_t key_len;
    uint64_t h = key_hash(parts, n, &key_len);
    size_t *slot = m->index_cap != 0 ? find_slot(m, h, key_len, parts, n) : NULL;

    *created = false;
    if (slot != NULL && *slot != 0)
        return m->entries[*slot - 1].value;
    if (m->count >= MOCK_OBS_MAP_MAX)
        return NULL;
    if ((m->count + 1) * 2 > m->index_cap) {
        if (!grow_index(m))
            return NULL;
        slot = find_slot(m, h, key_len, parts, n);
    }
    if (m->count == m->cap) {
        size_t cap = m->cap != 0 ? m->cap * 2 : 16;
        struct mock_obs_entry *entries = realloc(m->entries, cap * sizeof *entries);
        if (entries == NULL)
            return NULL;
        m->entries = entries;
        m->cap = cap;
    }
    char *block = calloc(1, value_room(size) + key_len);
    if (block == NULL)
        return NULL;
    char *k = block + value_room(size);
    for (size_t i = 0, at = 0; i < n; i++) {
        const char *s = parts[i] != NULL ? parts[i] : "";
        size_t len = strlen(s) + 1;
        memcpy(k + at, s, len);
        at += len;
    }
    *slot = m->count + 1;
    m->entries[m->count++] = (struct mock_obs_entry){h, key_len, k, block};
    *created = true;
    return block;
}

const char *mock_obs_map_key(const void *value, size_t size, size_t i)
{
    const char *k = (const char *)value + value_room(size);
    while (i-- > 0)
        k += strlen(k) + 1;
    return k;
}

void mock_obs_map_clear(struct mock_obs_map *m, void (*free_inner)(void *value))
{
    for (size_t i = 0; i < m->count; i++) {
        if (free_inner != NULL)
            free_inner(m->entries[i].value);
        free(m->entries[i].value);
    }
    free(m->entries);
    free(m->index);
    *m = (struct mock_obs_map){0};
}

/* ---- text ---- */

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0], cp, min;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

bool mock_obs_sanitize(char *s, bool controls)
{
    bool changed = false;
    unsigned char *p = (unsigned char *)s;
    while (*p != '\0') {
        size_t n = utf8_seq(p);
        if (n == 0 || (controls && n == 1 && (*p < 0x20 || *p == 0x7f))) {
            *p++ = '?';
            changed = true;
        } else {
            p += n;
        }
    }
    return changed;
}

void mock_obs_write_text(struct gk_codec_writer *w, const char *key, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 1;
    if (s == NULL) {
        gk_codec_write_null(w, key);
        return;
    }
    while (*p != '\0' && (n = utf8_seq(p)) != 0)
        p += n;
    if (*p == '\0') { /* the usual case: no copy */
        gk_codec_write_str(w, key, s);
        return;
    }
    char *copy = strdup(s);
    if (copy == NULL) {
        gk_codec_write_fail(w, GK_OUT_OF_MEMORY, "observe: out of memory");
        return;
    }
    mock_obs_sanitize(copy, false);
    gk_codec_write_str(w, key, copy);
    free(copy);
}
