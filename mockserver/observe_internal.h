/*
 * observe_internal: what the observe*.c files share, PRIVATE to them.
 *
 * Three small containers (observe_util.c) carry every observer:
 *   buf   a growable text buffer whose failure is sticky (like the JSON
 *         writer), for the metrics text, the audit list and the report text;
 *   ring  the last `max` pointers pushed, owning them (free());
 *   map   string-tuple keys to zeroed values, one allocation per entry,
 *         never shrinking (cleared as a whole), iterated in insertion order
 *         so every output is deterministic.
 * Each observer keeps its state in struct mock_observe below and exposes an
 * _add (one event), a _clear (reset) and the public output functions.
 *
 * Thread-safety: none (the mock's lock is held around every call).
 */
#ifndef MOCK_OBSERVE_INTERNAL_H
#define MOCK_OBSERVE_INTERNAL_H

#include "mockserver/observe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOCK_OBS_US_PER_S INT64_C(1000000)
/* Entries one map holds at most; past that new keys are dropped (counted). */
#define MOCK_OBS_MAP_MAX  ((size_t)1 << 20)

/* ---- buf ---- */

struct mock_obs_buf {
    char *p;
    size_t len, cap;
    bool failed; /* out of memory once: every later call is a no-op */
};

void mock_obs_buf_put(struct mock_obs_buf *b, const char *s, size_t n);
void mock_obs_buf_puts(struct mock_obs_buf *b, const char *s);
void mock_obs_buf_printf(struct mock_obs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The NUL-terminated text (caller frees) and its length; NULL (buffer freed)
 * when anything failed. */
char *mock_obs_buf_take(struct mock_obs_buf *b, size_t *len);

/* ---- ring ---- */

struct mock_obs_ring {
    void **items;
    size_t cap;   /* grows by doubling up to max */
    size_t max;   /* items kept */
    size_t head;  /* oldest item once full; 0 until then */
    size_t count; /* items held */
};

/* Appends item, taking it over; when full, frees the oldest. False (out of
 * memory): item is NOT taken, the caller frees it. */
bool mock_obs_ring_push(struct mock_obs_ring *r, void *item);
/* The i-th newest item (0: the newest), i < count. */
void *mock_obs_ring_newest(const struct mock_obs_ring *r, size_t i);
/* Frees every item and the array; keeps max. */
void mock_obs_ring_clear(struct mock_obs_ring *r);

/* ---- map ---- */

struct mock_obs_entry {
    uint64_t hash;
    size_t key_len;  /* the parts, each with its NUL */
    const char *key; /* inside the value's block */
    void *value;     /* one block: the value, then the key */
};

struct mock_obs_map {
    struct mock_obs_entry *entries; /* insertion order */
    size_t count, cap;
    size_t *index; /* open addressing: 0 empty, else entry index + 1 */
    size_t index_cap;
};

/* The value stored under the key parts[0..n) (a NULL part reads as ""), or
 * NULL. */
void *mock_obs_map_get(const struct mock_obs_map *m, const char *const *parts, size_t n);
/* The same, creating a zeroed value of size bytes when absent (*created then
 * true). NULL when out of memory or the map is full. */
void *mock_obs_map_put(struct mock_obs_map *m, const char *const *parts, size_t n,
                       size_t size, bool *created);
/* Part i of the key stored with value (of size bytes), as a C string that
 * lives as long as the value. */
const char *mock_obs_map_key(const void *value, size_t size, size_t i);
/* Calls free_inner (if not NULL) on each value, then frees everything. */
void mock_obs_map_clear(struct mock_obs_map *m, void (*free_inner)(void *value));

/* ---- text ---- */

struct gk_codec_writer;

/* Replaces, in place, each byte that is not part of well-formed UTF-8 (and,
 * when controls, each C0 control and DEL) with '?': request paths and
 * headers are client bytes, and JSON lines and terminals want text. True
 * when anything changed. */
bool mock_obs_sanitize(char *s, bool controls);
/* gk_codec_write_str_or_null, with s sanitized (not controls: JSON escapes
 * them) when it is not well-formed UTF-8. */
void mock_obs_write_text(struct gk_codec_writer *w, const char *key, const char *s);

/* ---- the observers ---- */

/* X(name): what can lose data, for genie_mock_observe_dropped_total. */
#define MOCK_OBS_DROP_MAP(X) X(journal) X(audit) X(audit_log) X(metrics) X(report)

enum mock_obs_drop {
#define MOCK_OBS_DROP_ENUM(name) MOCK_OBS_DROP_##name,
    MOCK_OBS_DROP_MAP(MOCK_OBS_DROP_ENUM)
#undef MOCK_OBS_DROP_ENUM
        MOCK_OBS_DROP_COUNT
};

enum mock_obs_kind {
#define MOCK_OBS_KIND_ENUM(field, what) MOCK_OBS_KIND_##field,
    MOCK_REPORT_MAP(MOCK_OBS_KIND_ENUM)
#undef MOCK_OBS_KIND_ENUM
        MOCK_OBS_KIND_COUNT
};

struct mock_observe {
    size_t journal_max, audit_max;
    FILE *audit_log;
    struct mock_obs_ring journal, audit;
    /* metrics */
    struct mock_obs_map requests, faults, throttled, durations;
    /* report */
    struct mock_obs_map principals, messages, retry, rejected, deleted;
    int64_t dropped[MOCK_OBS_DROP_COUNT];
};

/* The route as metrics and the journal filter name it: the route name, or
 * "admin" (/__admin/...), "metrics" (/metrics), "unknown". Static. */
const char *mock_obs_route_label(const struct mock_event *ev);
/* True for the mock's own endpoints (/__admin/..., /metrics). */
bool mock_obs_is_admin(const struct mock_event *ev);
/* us as seconds, up to 3 decimals, trailing zeros dropped ("0.4", "12"). */
void mock_obs_seconds(int64_t us, char buf[32]);

void mock_obs_audit_add(struct mock_observe *ob, const struct mock_event *ev);
void mock_obs_metrics_add(struct mock_observe *ob, const struct mock_event *ev);
void mock_obs_metrics_clear(struct mock_observe *ob);
void mock_obs_report_add(struct mock_observe *ob, const struct mock_event *ev);
void mock_obs_report_clear(struct mock_observe *ob);

#endif
