/*
 * idmap: an open-addressing hash map from id strings to pointers.
 *
 * The mock looks up every conversation and message by its 32-hex id on every
 * request; this keeps that O(1) without a dependency. Keys are copied (up to
 * MOCK_IDMAP_KEY_MAX bytes); values are borrowed. Deleted slots become
 * tombstones and the table is rebuilt when they pile up.
 *
 * Thread-safety: none; the caller's lock guards it.
 */
#ifndef MOCK_IDMAP_H
#define MOCK_IDMAP_H

#include <stdbool.h>
#include <stddef.h>

#define MOCK_IDMAP_KEY_MAX 40

struct mock_idmap_slot {
    char key[MOCK_IDMAP_KEY_MAX];
    void *value; /* NULL: empty; the tombstone marker: deleted */
};

struct mock_idmap {
    struct mock_idmap_slot *slots;
    size_t cap;  /* a power of two, or 0 */
    size_t used; /* live entries */
    size_t dead; /* tombstones */
};

/* The value stored under key, or NULL. */
void *mock_idmap_get(const struct mock_idmap *m, const char *key);
/* Stores value (non-NULL) under key, replacing any. False: out of memory,
 * or a key longer than MOCK_IDMAP_KEY_MAX - 1 bytes. */
bool mock_idmap_put(struct mock_idmap *m, const char *key, void *value);
/* Removes key; returns its value, or NULL when absent. */
void *mock_idmap_del(struct mock_idmap *m, const char *key);
/* Frees the table (not the values) and zeroes m. */
void mock_idmap_cleanup(struct mock_idmap *m);

#endif
