/*
 * observe_metrics: counters for GET /metrics, in the Prometheus text
 * exposition format 0.0.4.
 *
 * Families (each with # HELP and # TYPE, even when it has no sample yet, so
 * a scraper sees the same families on every scrape):
 *   genie_mock_requests_total{workspace,route,status}      counter
 *   genie_mock_faults_total{rule}                          counter
 *   genie_mock_messages{status}                            gauge (store's)
 *   genie_mock_throttled_total{workspace}                  counter (429s)
 *   genie_mock_request_duration_seconds{route}             histogram
 *   genie_mock_observe_dropped_total{observer}             counter
 * route is the route name, or admin, metrics, unknown; workspace is "" when
 * the request named none; status "0" is a dropped connection.
 *
 * Each labelled series is a map entry whose labels point into the entry's
 * own key. Output sorts the series by their labels (numbers as numbers), so
 * two scrapes of the same state are byte-identical. Durations are kept in
 * integer microseconds: bucket bounds are exact and _sum prints exactly.
 */
#include "mockserver/observe_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Upper bounds in us and as Prometheus prints them ("le" labels). */
static const struct {
    int64_t us;
    const char *le;
} buckets[] = {
    {1000, "0.001"},  {2500, "0.0025"}, {5000, "0.005"},  {10000, "0.01"},
    {25000, "0.025"}, {50000, "0.05"},  {100000, "0.1"},  {250000, "0.25"},
    {500000, "0.5"},  {1000000, "1"},   {2500000, "2.5"}, {5000000, "5"},
    {10000000, "10"},
};
#define BUCKETS (sizeof buckets / sizeof buckets[0])

struct counter {
    const char *a, *b; /* labels, in the key; NULL when the family has fewer */
    int status;
    int64_t n;
};

struct histogram {
    const char *route;
    int64_t in_bucket[BUCKETS + 1]; /* per bucket, not cumulative; last: +Inf */
    int64_t count, sum_us;
};

/* Adds 1 to the counter under parts (n of them, the last maybe a status). */
static void count(struct mock_observe *ob, struct mock_obs_map *m,
                  const char *const *parts, size_t n, int status)
{
    bool created;
    struct counter *c = mock_obs_map_put(m, parts, n, sizeof *c, &created);
    if (c == NULL) {
        ob->dropped[MOCK_OBS_DROP_metrics]++;
        return;
    }
    if (created) {
        c->a = mock_obs_map_key(c, sizeof *c, 0);
        c->b = n > 1 ? mock_obs_map_key(c, sizeof *c, 1) : NULL;
        c->status = status;
    }
    c->n++;
}

void mock_obs_metrics_add(struct mock_observe *ob, const struct mock_event *ev)
{
    const char *ws = ev->workspace_id != NULL ? ev->workspace_id : "";
    const char *route = mock_obs_route_label(ev);
    char status[16];
    bool created;

    snprintf(status, sizeof status, "%d", ev->status);
    count(ob, &ob->requests, (const char *const[]){ws, route, status}, 3, ev->status);
    if (ev->fault != NULL)
        count(ob, &ob->faults, (const char *const[]){ev->fault}, 1, 0);
    if (ev->status == 429)
        count(ob, &ob->throttled, (const char *const[]){ws}, 1, 0);

    struct histogram *h = mock_obs_map_put(&ob->durations, (const char *const[]){route},
                                           1, sizeof *h, &created);
    if (h == NULL) {
        ob->dropped[MOCK_OBS_DROP_metrics]++;
        return;
    }
    if (created)
        h->route = mock_obs_map_key(h, sizeof *h, 0);
    int64_t us = ev->latency_us > 0 ? ev->latency_us : 0;
    size_t i = 0;
    while (i < BUCKETS && us > buckets[i].us)
        i++;
    h->in_bucket[i]++;
    h->count++;
    h->sum_us += us;
}

void mock_obs_metrics_clear(struct mock_observe *ob)
{
    mock_obs_map_clear(&ob->requests, NULL);
    mock_obs_map_clear(&ob->faults, NULL);
    mock_obs_map_clear(&ob->throttled, NULL);
    mock_obs_map_clear(&ob->durations, NULL);
}

/* ---- output ---- */

static int str_cmp(const char *x, const char *y)
{
    return strcmp(x != NULL ? x : "", y != NULL ? y : "");
}

static int counter_cmp(const void *x, const void *y)
{
    const struct counter *c = *(const struct counter *const *)x;
    const struct counter *d = *(const struct counter *const *)y;
    int r = str_cmp(c->a, d->a);
    if (r == 0)
        r = str_cmp(c->b, d->b);
    if (r == 0)
        r = (c->status > d->status) - (c->status < d->status);
    return r;
}

static int histogram_cmp(const void *x, const void *y)
{
    const struct histogram *h = *(const struct histogram *const *)x;
    const struct histogram *g = *(const struct histogram *const *)y;
    return strcmp(h->route, g->route);
}

/* The map's values as an array of pointers sorted by cmp; NULL and *n = 0
 * for an empty map; NULL with b failed when out of memory. */
static void **sorted(const struct mock_obs_map *m, int (*cmp)(const void *, const void *),
                     struct mock_obs_buf *b)
{
    if (m->count == 0)
        return NULL;
    void **v = malloc(m->count * sizeof *v);
    if (v == NULL) {
        b->failed = true;
        return NULL;
    }
    for (size_t i = 0; i < m->count; i++)
        v[i] = m->entries[i].value;
    qsort(v, m->count, sizeof *v, cmp);
    return v;
}

/* A label value escaped as the format asks: \\, \" and \n. */
static void label(struct mock_obs_buf *b, const char *name, const char *value, bool comma)
{
    const char *run = value;
    mock_obs_buf_printf(b, "%s%s=\"", comma ? "," : "", name);
    for (const char *p = value; *p != '\0'; p++) {
        const char *esc = *p == '\\'   ? "\\\\"
                          : *p == '"'  ? "\\\""
                          : *p == '\n' ? "\\n"
                                       : NULL;
        if (esc == NULL)
            continue;
        mock_obs_buf_put(b, run, (size_t)(p - run));
        mock_obs_buf_puts(b, esc);
        run = p + 1;
    }
    mock_obs_buf_puts(b, run);
    mock_obs_buf_put(b, "\"", 1);
}

static void family(struct mock_obs_buf *b, const char *name, const char *type,
                   const char *help)
{
    mock_obs_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One counter family whose series have the labels names[0..n). */
static void counters(struct mock_obs_buf *b, const struct mock_obs_map *m,
                     const char *name, const char *help, const char *const *names,
                     size_t n)
{
    struct counter **v = (struct counter **)sorted(m, counter_cmp, b);
    family(b, name, "counter", help);
    for (size_t i = 0; v != NULL && i < m->count; i++) {
        char status[16];
        const char *values[3] = {v[i]->a, v[i]->b, status};
        snprintf(status, sizeof status, "%d", v[i]->status);
        mock_obs_buf_printf(b, "%s{", name);
        for (size_t k = 0; k < n; k++)
            label(b, names[k], values[k], k > 0);
        mock_obs_buf_printf(b, "} %" PRId64 "\n", v[i]->n);
    }
    free(v);
}

static void histograms(struct mock_obs_buf *b, const struct mock_obs_map *m)
{
    static const char name[] = "genie_mock_request_duration_seconds";
    struct histogram **v = (struct histogram **)sorted(m, histogram_cmp, b);
    family(b, name, "histogram",
           "Time spent answering requests (fault delays included), by route.");
    for (size_t i = 0; v != NULL && i < m->count; i++) {
        int64_t cumulative = 0;
        for (size_t k = 0; k <= BUCKETS; k++) {
            cumulative += v[i]->in_bucket[k];
            mock_obs_buf_printf(b, "%s_bucket{", name);
            label(b, "route", v[i]->route, false);
            label(b, "le", k < BUCKETS ? buckets[k].le : "+Inf", true);
            mock_obs_buf_printf(b, "} %" PRId64 "\n", cumulative);
        }
        mock_obs_buf_printf(b, "%s_sum{", name);
        label(b, "route", v[i]->route, false);
        mock_obs_buf_printf(b, "} %" PRId64 ".%06" PRId64 "\n",
                            v[i]->sum_us / MOCK_OBS_US_PER_S,
                            v[i]->sum_us % MOCK_OBS_US_PER_S);
        mock_obs_buf_printf(b, "%s_count{", name);
        label(b, "route", v[i]->route, false);
        mock_obs_buf_printf(b, "} %" PRId64 "\n", v[i]->count);
    }
    free(v);
}

char *mock_observe_metrics(const struct mock_observe *ob,
                           const int64_t messages_by_status[GK_MSG_STATUS_COUNT],
                           size_t *len)
{
    static const char *const drop_names[] = {
#define MOCK_OBS_DROP_NAME(name) #name,
        MOCK_OBS_DROP_MAP(MOCK_OBS_DROP_NAME)
#undef MOCK_OBS_DROP_NAME
    };
    struct mock_obs_buf b = {0};

    counters(
        &b, &ob->requests, "genie_mock_requests_total",
        "Requests answered, by workspace, route and HTTP status (0: connection dropped).",
        (const char *const[]){"workspace", "route", "status"}, 3);
    counters(&b, &ob->faults, "genie_mock_faults_total",
             "Fault rules fired, by rule name.", (const char *const[]){"rule"}, 1);
    family(&b, "genie_mock_messages", "gauge",
           "Messages in the store, by MessageStatus.");
    for (int s = 0; s < GK_MSG_STATUS_COUNT; s++) {
        mock_obs_buf_puts(&b, "genie_mock_messages{");
        label(&b, "status", gk_types_msg_status_name((enum gk_msg_status)s), false);
        mock_obs_buf_printf(&b, "} %" PRId64 "\n",
                            messages_by_status != NULL ? messages_by_status[s] : 0);
    }
    counters(&b, &ob->throttled, "genie_mock_throttled_total",
             "Requests answered 429 Too Many Requests, by workspace.",
             (const char *const[]){"workspace"}, 1);
    histograms(&b, &ob->durations);
    family(&b, "genie_mock_observe_dropped_total", "counter",
           "Events (or audit lines) an observer could not keep: out of memory or a write "
           "error.");
    for (int d = 0; d < MOCK_OBS_DROP_COUNT; d++) {
        mock_obs_buf_puts(&b, "genie_mock_observe_dropped_total{");
        label(&b, "observer", drop_names[d], false);
        mock_obs_buf_printf(&b, "} %" PRId64 "\n", ob->dropped[d]);
    }
    return mock_obs_buf_take(&b, len);
}
