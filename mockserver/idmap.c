/*
 * idmap: linear probing over a power-of-two table, FNV-1a hashing. The load
 * (live + tombstones) stays under 3/4; growing or rebuilding re-inserts live
 * entries only, which also clears the tombstones.
 */
#include "mockserver/idmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char tombstone;
#define TOMB ((void *)&tombstone)

static uint64_t hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The slot holding key, or the first free one its probe passes. */
static struct mock_idmap_slot *find(const struct mock_idmap *m, const char *key, bool for_insert)
{
    struct mock_idmap_slot *free_slot = NULL;
    size_t mask = m->cap - 1;
    for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
        struct mock_idmap_slot *s = &m->slots[i];
        if (s->value == NULL)
            return for_insert && free_slot != NULL ? free_slot : (for_insert ? s : NULL);
        if (s->value == TOMB) {
            if (free_slot == NULL)
                free_slot = s;
        } else if (strcmp(s->key, key) == 0) {
            return s;
        }
    }
}

static bool rebuild(struct mock_idmap *m, size_t cap)
{
    struct mock_idmap old = *m;
    struct mock_idmap_slot *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return false;
    m->slots = slots;
    m->cap = cap;
    m->used = m->dead = 0;
    for (size_t i = 0; i < old.cap; i++) {
        struct mock_idmap_slot *s = &old.slots[i];
        if (s->value != NULL && s->value != TOMB) {
            struct mock_idmap_slot *d = find(m, s->key, true);
            memcpy(d->key, s->key, sizeof d->key);
            d->value = s->value;
            m->used++;
        }
    }
    free(old.slots);
    return true;
}

void *mock_idmap_get(const struct mock_idmap *m, const char *key)
{
    if (m->cap == 0)
        return NULL;
    struct mock_idmap_slot *s = find(m, key, false);
    return s != NULL ? s->value : NULL;
}

bool mock_idmap_put(struct mock_idmap *m, const char *key, void *value)
{
    if (value == NULL || strlen(key) >= MOCK_IDMAP_KEY_MAX)
        return false;
    if ((m->used + m->dead + 1) * 4 > m->cap * 3) {
        size_t cap = m->cap ? m->cap : 64;
        while ((m->used + 1) * 2 > cap)
            cap *= 2;
        if (!rebuild(m, cap))
            return false;
    }
    struct mock_idmap_slot *s = find(m, key, true);
    if (s->value == NULL || s->value == TOMB) {
        if (s->value == TOMB)
            m->dead--;
        m->used++;
        memset(s->key, 0, sizeof s->key);
        memcpy(s->key, key, strlen(key));
    }
    s->value = value;
    return true;
}

void *mock_idmap_del(struct mock_idmap *m, const char *key)
{
    if (m->cap == 0)
        return NULL;
    struct mock_idmap_slot *s = find(m, key, false);
    if (s == NULL)
        return NULL;
    void *v = s->value;
    s->value = TOMB;
    m->used--;
    m->dead++;
    return v;
}

void mock_idmap_cleanup(struct mock_idmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}
