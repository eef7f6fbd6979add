/*
 * observe: the observers' life cycle, the event fan-out and the journal.
 *
 * The journal is a ring of the last journal_max events. Each entry is one
 * allocation: the fixed fields, then copies of the strings it keeps, so
 * dropping the oldest is one free(). Output walks the ring newest first and
 * applies the filter as it goes; nothing is indexed, because the journal is
 * read by people and tests, rarely, while events arrive on every request.
 *
 * mock_observe_event never fails: each observer drops what it cannot keep
 * and counts it in ob->dropped, which /metrics shows
 * (genie_mock_observe_dropped_total), so a loss is visible, not silent.
 */
#include "mockserver/observe_internal.h"

#include "common/codec.h"
#include "common/codec_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX 100000

struct journal_entry {
    int64_t now_us, wall_ms, latency_us;
    int status;
    enum gk_route_id route;
    const char *label; /* mock_obs_route_label: static */
    const char *workspace_id, *principal, *method, *path, *fault, *request_id;
    char strings[]; /* the copies the pointers above point into */
};

enum gk_rc mock_observe_new(const struct mock_observe_opts *o, struct mock_observe **out,
                            struct gk_err *err)
{
    struct mock_observe *ob = calloc(1, sizeof *ob);
    *out = NULL;
    if (ob == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "observe: out of memory");
    ob->journal_max = o != NULL && o->journal_max != 0 ? o->journal_max : DEFAULT_MAX;
    ob->audit_max = o != NULL && o->audit_max != 0 ? o->audit_max : DEFAULT_MAX;
    ob->audit_log = o != NULL ? o->audit_log : NULL;
    ob->journal.max = ob->journal_max;
    ob->audit.max = ob->audit_max;
    *out = ob;
    return GK_OK;
}

void mock_observe_reset(struct mock_observe *ob)
{
    mock_obs_ring_clear(&ob->journal);
    mock_obs_ring_clear(&ob->audit);
    mock_obs_metrics_clear(ob);
    mock_obs_report_clear(ob);
    memset(ob->dropped, 0, sizeof ob->dropped);
}

void mock_observe_free(struct mock_observe *ob)
{
    if (ob == NULL)
        return;
    mock_observe_reset(ob);
    free(ob);
}

const char *mock_obs_route_label(const struct mock_event *ev)
{
    if (ev->route != GK_ROUTE_NONE)
        return gk_routes_name(ev->route);
    if (ev->path != NULL && strcmp(ev->path, "/metrics") == 0)
        return "metrics";
    if (ev->path != NULL &&
        (strncmp(ev->path, "/__admin/", 9) == 0 || strcmp(ev->path, "/__admin") == 0))
        return "admin";
    return "unknown";
}

bool mock_obs_is_admin(const struct mock_event *ev)
{
    const char *label = mock_obs_route_label(ev);
    return strcmp(label, "admin") == 0 || strcmp(label, "metrics") == 0;
}

void mock_obs_seconds(int64_t us, char buf[32])
{
    int64_t ms = us / 1000; /* toward zero: a poll 999 us early is "0" s, not "0.001" */
    uint64_t mag = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
    int n = snprintf(buf, 32, "%s%" PRIu64 ".%03" PRIu64, ms < 0 ? "-" : "", mag / 1000,
                     mag % 1000);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
}

/* ---- journal ---- */

static size_t str_room(const char *s)
{
    return s != NULL ? strlen(s) + 1 : 0;
}

/* Copies s to *at (advancing it); NULL stays NULL. */
static const char *str_copy(char **at, const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = memcpy(*at, s, n);
    *at += n;
    return d;
}

static void journal_add(struct mock_observe *ob, const struct mock_event *ev)
{
    size_t room = str_room(ev->workspace_id) + str_room(ev->principal) +
                  str_room(ev->method) + str_room(ev->path) + str_room(ev->fault) +
                  str_room(ev->request_id);
    struct journal_entry *e = malloc(sizeof *e + room);
    if (e == NULL) {
        ob->dropped[MOCK_OBS_DROP_journal]++;
        return;
    }
    char *at = e->strings;
    e->now_us = ev->now_us;
    e->wall_ms = ev->wall_ms;
    e->latency_us = ev->latency_us;
    e->status = ev->status;
    e->route = ev->route;
    e->label = mock_obs_route_label(ev);
    e->workspace_id = str_copy(&at, ev->workspace_id);
    e->principal = str_copy(&at, ev->principal);
    e->method = str_copy(&at, ev->method);
    e->path = str_copy(&at, ev->path);
    e->fault = str_copy(&at, ev->fault);
    e->request_id = str_copy(&at, ev->request_id);
    if (!mock_obs_ring_push(&ob->journal, e)) {
        free(e);
        ob->dropped[MOCK_OBS_DROP_journal]++;
    }
}

/* A filter string matches when it is unset (NULL or "") or equal. */
static bool str_matches(const char *want, const char *got)
{
    return want == NULL || want[0] == '\0' || (got != NULL && strcmp(want, got) == 0);
}

static bool journal_matches(const struct journal_entry *e,
                            const struct mock_journal_filter *f)
{
    if (f == NULL)
        return true;
    return str_matches(f->workspace_id, e->workspace_id) &&
           str_matches(f->principal, e->principal) && str_matches(f->method, e->method) &&
           str_matches(f->route, e->label) && str_matches(f->fault, e->fault) &&
           (f->status == 0 || f->status == e->status) && e->now_us >= f->since_us;
}

static void journal_write(struct gk_codec_writer *w, const struct journal_entry *e)
{
    char when[GK_CODEC_TIME_MAX];
    gk_codec_write_begin(w, NULL, '{');
    if (gk_codec_time_format(e->wall_ms, when, NULL) == GK_OK)
        gk_codec_write_str(w, "time", when);
    else
        gk_codec_write_null(w, "time");
    gk_codec_write_i64(w, "time_us", e->now_us);
    mock_obs_write_text(w, "workspace_id", e->workspace_id);
    mock_obs_write_text(w, "principal", e->principal);
    mock_obs_write_text(w, "method", e->method);
    mock_obs_write_text(w, "path", e->path);
    gk_codec_write_str_or_null(
        w, "route", e->route != GK_ROUTE_NONE ? gk_routes_name(e->route) : NULL);
    gk_codec_write_i64(w, "status", e->status);
    gk_codec_write_double(w, "latency_ms", (double)e->latency_us / 1000.0, 3);
    mock_obs_write_text(w, "fault", e->fault);
    mock_obs_write_text(w, "request_id", e->request_id);
    gk_codec_write_end(w, '}');
}

char *mock_observe_journal(const struct mock_observe *ob,
                           const struct mock_journal_filter *f, size_t *len)
{
    struct gk_codec_writer w = {.first = true};
    char *out = NULL;
    size_t shown = 0;

    gk_codec_write_begin(&w, NULL, '{');
    gk_codec_write_begin(&w, "events", '[');
    for (size_t i = 0; i < ob->journal.count; i++) {
        const struct journal_entry *e = mock_obs_ring_newest(&ob->journal, i);
        if (f != NULL && f->limit != 0 && shown == f->limit)
            break;
        if (!journal_matches(e, f))
            continue;
        journal_write(&w, e);
        shown++;
    }
    gk_codec_write_end(&w, ']');
    gk_codec_write_end(&w, '}');
    if (gk_codec_write_finish(&w, &out, len, NULL) != GK_OK)
        return NULL;
    return out;
}

/* ---- fan-out ---- */

void mock_observe_event(struct mock_observe *ob, const struct mock_event *ev)
{
    if (ob == NULL || ev == NULL)
        return;
    journal_add(ob, ev);
    mock_obs_audit_add(ob, ev);
    mock_obs_metrics_add(ob, ev);
    mock_obs_report_add(ob, ev);
}
