/*
 * summary.c: counters, samples and the two reports (see summary.h).
 *
 * Invariants: every count also lands in the run-wide counters and in its
 * workspace's, so the two always agree; samples are appended unsorted and
 * sorted by gen_summary_finish, which `finished` makes idempotent and every
 * add undoes. Category names are copied on first sight; a run has a handful
 * of workspaces and categories, so lookups are linear.
 */
#include "generator/summary.h"

#include "common/codec_write.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NO_WORKSPACE "(none)"

void gen_summary_init(struct gen_summary *s)
{
    memset(s, 0, sizeof *s);
    s->times.p50_ms = s->times.p95_ms = s->times.max_ms = -1;
}

static void counts_cleanup(struct gen_summary_counts *c)
{
    for (size_t i = 0; i < c->outcome_count; i++)
        free(c->outcomes[i].name);
    for (size_t i = 0; i < c->error_count; i++)
        free(c->errors[i].name);
    free(c->outcomes);
    free(c->errors);
}

void gen_summary_cleanup(struct gen_summary *s)
{
    if (s == NULL)
        return;
    counts_cleanup(&s->counts);
    free(s->times.ms);
    for (size_t i = 0; i < s->ws_count; i++) {
        counts_cleanup(&s->ws[i].counts);
        free(s->ws[i].times.ms);
        free(s->ws[i].post_us);
        free(s->ws[i].workspace_id);
    }
    free(s->ws);
    memset(s, 0, sizeof *s);
}

/* ---- adding ---- */

/* Makes room for one more element of size in *arr (count used, *cap held). */
static bool grow(void **arr, size_t count, size_t *cap, size_t size)
{
    if (count < *cap)
        return true;
    size_t n = *cap > 0 ? *cap * 2 : 16;
    void *p = realloc(*arr, n * size);
    if (p == NULL)
        return false;
    *arr = p;
    *cap = n;
    return true;
}

static enum gk_rc oom(struct gk_err *err)
{
    return gk_err_set(err, GK_OUT_OF_MEMORY, "summary: out of memory");
}

/* Adds one to name's count in the list (which grows by one name at most). */
static enum gk_rc bump(struct gen_summary_count **list, size_t *count, const char *name,
                       struct gk_err *err)
{
    for (size_t i = 0; i < *count; i++)
        if (strcmp((*list)[i].name, name) == 0) {
            (*list)[i].count++;
            return GK_OK;
        }
    /* The list's capacity is its count rounded up to a power of two. */
    size_t cap = *count;
    if ((cap & (cap - 1)) == 0) {
        void *p = realloc(*list, (cap > 0 ? cap * 2 : 1) * sizeof **list);
        if (p == NULL)
            return oom(err);
        *list = p;
    }
    char *copy = strdup(name);
    if (copy == NULL)
        return oom(err);
    (*list)[(*count)++] = (struct gen_summary_count){.name = copy, .count = 1};
    return GK_OK;
}

static enum gk_rc add_sample(struct gen_summary_times *t, int64_t ms, struct gk_err *err)
{
    if (!grow((void **)&t->ms, t->count, &t->cap, sizeof *t->ms))
        return oom(err);
    t->ms[t->count++] = ms;
    return GK_OK;
}

static struct gen_summary_ws *find_ws(struct gen_summary *s, const char *id,
                                      struct gk_err *err)
{
    if (id == NULL || id[0] == '\0')
        id = NO_WORKSPACE;
    for (size_t i = s->ws_count; i-- > 0;)
        if (strcmp(s->ws[i].workspace_id, id) == 0)
            return &s->ws[i];
    char *copy = strdup(id);
    if (copy == NULL || !grow((void **)&s->ws, s->ws_count, &s->ws_cap, sizeof *s->ws)) {
        free(copy);
        oom(err);
        return NULL;
    }
    struct gen_summary_ws *w = &s->ws[s->ws_count++];
    memset(w, 0, sizeof *w);
    w->workspace_id = copy;
    w->times.p50_ms = w->times.p95_ms = w->times.max_ms = -1;
    w->rate_per_min = -1;
    return w;
}

static bool is_error(const struct gen_record *r)
{
    return r->outcome == NULL || strcmp(r->outcome, "terminal") != 0 ||
           r->status != GK_MSG_COMPLETED;
}

static enum gk_rc count(struct gen_summary_counts *c, struct gen_summary_times *t,
                        const struct gen_record *r, const char *outcome,
                        const char *category, struct gk_err *err)
{
    enum gk_rc rc;
    size_t st = r->status <= GK_MSG_STATUS_COUNT && (int)r->status >= 0
                    ? (size_t)r->status
                    : (size_t)GK_MSG_UNKNOWN;
    c->records++;
    c->by_status[st]++;
    c->retries += r->retries;
    c->throttled += r->throttled;
    if ((rc = bump(&c->outcomes, &c->outcome_count, outcome, err)) != GK_OK)
        return rc;
    if (category != NULL) {
        c->error_records++;
        if ((rc = bump(&c->errors, &c->error_count, category, err)) != GK_OK)
            return rc;
    }
    if (strcmp(outcome, "terminal") == 0 && r->time_to_terminal_ms >= 0)
        return add_sample(t, r->time_to_terminal_ms, err);
    return GK_OK;
}

enum gk_rc gen_summary_add(struct gen_summary *s, const struct gen_record *r,
                           struct gk_err *err)
{
    const char *outcome =
        r->outcome != NULL && r->outcome[0] != '\0' ? r->outcome : "unknown";
    char category[160];
    enum gk_rc rc;

    s->finished = false;
    if (is_error(r))
        snprintf(category, sizeof category, "%s/%s", outcome,
                 r->error_type[0] != '\0' ? r->error_type
                                          : gk_types_msg_status_name(r->status));
    struct gen_summary_ws *w = find_ws(s, r->workspace_id, err);
    if (w == NULL)
        return GK_OUT_OF_MEMORY;
    const char *cat = is_error(r) ? category : NULL;
    if ((rc = count(&s->counts, &s->times, r, outcome, cat, err)) != GK_OK)
        return rc;
    return count(&w->counts, &w->times, r, outcome, cat, err);
}

enum gk_rc gen_summary_add_post(struct gen_summary *s, const char *workspace_id,
                                int64_t now_us, struct gk_err *err)
{
    struct gen_summary_ws *w = find_ws(s, workspace_id, err);
    s->finished = false;
    if (w == NULL)
        return GK_OUT_OF_MEMORY;
    if (!grow((void **)&w->post_us, w->post_count, &w->post_cap, sizeof *w->post_us))
        return oom(err);
    w->post_us[w->post_count++] = now_us;
    return GK_OK;
}

int64_t gen_summary_posts(const struct gen_summary *s)
{
    int64_t n = 0;
    for (size_t i = 0; i < s->ws_count; i++)
        n += (int64_t)s->ws[i].post_count;
    return n;
}

/* ---- computing ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t gen_summary_percentile(const int64_t *sorted, size_t n, double p)
{
    if (n == 0)
        return -1;
    double rank = ceil(p * (double)n / 100.0); /* p * n first: exact for integers */
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return sorted[i < n ? i : n - 1];
}

int64_t gen_summary_peak(const int64_t *sorted, size_t n, int64_t window_us)
{
    int64_t best = 0;
    for (size_t lo = 0, hi = 0; hi < n; hi++) {
        while (sorted[lo] <= sorted[hi] - window_us)
            lo++;
        if ((int64_t)(hi - lo + 1) > best)
            best = (int64_t)(hi - lo + 1);
    }
    return best;
}

static void finish_times(struct gen_summary_times *t)
{
    if (t->count > 0)
        qsort(t->ms, t->count, sizeof *t->ms, cmp_i64);
    t->p50_ms = gen_summary_percentile(t->ms, t->count, 50);
    t->p95_ms = gen_summary_percentile(t->ms, t->count, 95);
    t->max_ms = t->count > 0 ? t->ms[t->count - 1] : -1;
}

void gen_summary_finish(struct gen_summary *s)
{
    if (s->finished)
        return;
    finish_times(&s->times);
    for (size_t i = 0; i < s->ws_count; i++) {
        struct gen_summary_ws *w = &s->ws[i];
        finish_times(&w->times);
        if (w->post_count > 0)
            qsort(w->post_us, w->post_count, sizeof *w->post_us, cmp_i64);
        w->peak_60s = gen_summary_peak(w->post_us, w->post_count, GEN_SUMMARY_WINDOW_US);
        w->span_min = 0;
        w->rate_per_min = -1;
        if (w->post_count >= 2) {
            w->span_min = (double)(w->post_us[w->post_count - 1] - w->post_us[0]) / 60e6;
            if (w->span_min > 0)
                w->rate_per_min = (double)(w->post_count - 1) / w->span_min;
        }
    }
    s->finished = true;
}

/* ---- the human report ---- */

static void print_seconds(FILE *out, int64_t ms)
{
    fprintf(out, "%lld.%03lld s", (long long)(ms / 1000), (long long)(ms % 1000));
}

static void print_list(FILE *out, const char *label, const struct gen_summary_count *l,
                       size_t n)
{
    if (n == 0)
        return;
    fprintf(out, "  %-18s", label);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s %lld", i > 0 ? ", " : "", l[i].name, (long long)l[i].count);
    fputc('\n', out);
}

enum gk_rc gen_summary_print(struct gen_summary *s, FILE *out, struct gk_err *err)
{
    const struct gen_summary_counts *c = &s->counts;

    gen_summary_finish(s);
    fprintf(out, "genie-gen: %lld message%s, %lld completed, %lld with errors\n",
            (long long)c->records, c->records == 1 ? "" : "s",
            (long long)c->by_status[GK_MSG_COMPLETED], (long long)c->error_records);
    if (s->resumed_done > 0 || s->resumed_pending > 0)
        fprintf(out, "  %-18s%lld recorded by earlier runs, %lld picked up and polled\n",
                "resumed", (long long)s->resumed_done, (long long)s->resumed_pending);
    if (c->records > 0) {
        fprintf(out, "  %-18s", "status");
        for (int i = 0, n = 0; i <= GK_MSG_STATUS_COUNT; i++)
            if (c->by_status[i] > 0)
                fprintf(out, "%s%s %lld", n++ > 0 ? ", " : "",
                        gk_types_msg_status_name((enum gk_msg_status)i),
                        (long long)c->by_status[i]);
        fputc('\n', out);
    }
    print_list(out, "outcome", c->outcomes, c->outcome_count);
    print_list(out, "errors", c->errors, c->error_count);
    if (s->times.count > 0) {
        fprintf(out, "  %-18sp50 ", "time to terminal");
        print_seconds(out, s->times.p50_ms);
        fputs(", p95 ", out);
        print_seconds(out, s->times.p95_ms);
        fputs(", max ", out);
        print_seconds(out, s->times.max_ms);
        fprintf(out, " (%zu messages)\n", s->times.count);
    }
    fprintf(out, "  %-18s%lld, 429s %lld\n", "retries", (long long)c->retries,
            (long long)c->throttled);
    if (s->ws_count > 0)
        fprintf(out, "  %-20s %8s %6s %6s %9s %8s %7s %5s\n", "workspace", "messages",
                "errors", "POSTs", "rate/min", "peak/60s", "retries", "429s");
    for (size_t i = 0; i < s->ws_count; i++) {
        const struct gen_summary_ws *w = &s->ws[i];
        char rate[32] = "-";
        if (w->rate_per_min >= 0)
            snprintf(rate, sizeof rate, "%.2f", w->rate_per_min);
        fprintf(out, "  %-20s %8lld %6lld %6zu %9s %8lld %7lld %5lld\n", w->workspace_id,
                (long long)w->counts.records, (long long)w->counts.error_records,
                w->post_count, rate, (long long)w->peak_60s, (long long)w->counts.retries,
                (long long)w->counts.throttled);
    }
    if (fflush(out) != 0 || ferror(out))
        return gk_err_set(err, GK_IO_ERROR, "summary: cannot write: %s", strerror(errno));
    return GK_OK;
}

/* ---- the JSON report ---- */

static void put_named(struct gk_codec_writer *w, const char *key,
                      const struct gen_summary_count *l, size_t n)
{
    gk_codec_write_begin(w, key, '{');
    for (size_t i = 0; i < n; i++)
        gk_codec_write_i64(w, l[i].name, l[i].count);
    gk_codec_write_end(w, '}');
}

static void put_i64_or_null(struct gk_codec_writer *w, const char *key, int64_t v)
{
    if (v >= 0)
        gk_codec_write_i64(w, key, v);
    else
        gk_codec_write_null(w, key);
}

static void put_counts(struct gk_codec_writer *w, const struct gen_summary_counts *c,
                       const struct gen_summary_times *t)
{
    gk_codec_write_i64(w, "records", c->records);
    gk_codec_write_begin(w, "by_status", '{');
    for (int i = 0; i <= GK_MSG_STATUS_COUNT; i++)
        if (c->by_status[i] > 0)
            gk_codec_write_i64(w, gk_types_msg_status_name((enum gk_msg_status)i),
                               c->by_status[i]);
    gk_codec_write_end(w, '}');
    put_named(w, "by_outcome", c->outcomes, c->outcome_count);
    gk_codec_write_i64(w, "error_records", c->error_records);
    put_named(w, "errors", c->errors, c->error_count);
    gk_codec_write_begin(w, "time_to_terminal_ms", '{');
    gk_codec_write_i64(w, "count", (int64_t)t->count);
    put_i64_or_null(w, "p50", t->p50_ms);
    put_i64_or_null(w, "p95", t->p95_ms);
    put_i64_or_null(w, "max", t->max_ms);
    gk_codec_write_end(w, '}');
    gk_codec_write_i64(w, "retries", c->retries);
    gk_codec_write_i64(w, "throttled", c->throttled);
}

enum gk_rc gen_summary_encode(struct gen_summary *s, char **out, size_t *out_len,
                              struct gk_err *err)
{
    struct gk_codec_writer w = {.first = true};
    char *text = NULL;
    size_t len = 0;

    *out = NULL;
    gen_summary_finish(s);
    gk_codec_write_begin(&w, NULL, '{');
    put_counts(&w, &s->counts, &s->times);
    gk_codec_write_begin(&w, "resumed", '{');
    gk_codec_write_i64(&w, "done", s->resumed_done);
    gk_codec_write_i64(&w, "pending", s->resumed_pending);
    gk_codec_write_end(&w, '}');
    gk_codec_write_begin(&w, "workspaces", '[');
    for (size_t i = 0; i < s->ws_count; i++) {
        const struct gen_summary_ws *ws = &s->ws[i];
        gk_codec_write_begin(&w, NULL, '{');
        gk_codec_write_str(&w, "workspace_id", ws->workspace_id);
        put_counts(&w, &ws->counts, &ws->times);
        gk_codec_write_i64(&w, "posts", (int64_t)ws->post_count);
        gk_codec_write_double(&w, "span_min", ws->span_min, 3);
        if (ws->rate_per_min >= 0)
            gk_codec_write_double(&w, "rate_per_min", ws->rate_per_min, 3);
        else
            gk_codec_write_null(&w, "rate_per_min");
        gk_codec_write_i64(&w, "peak_60s", ws->peak_60s);
        gk_codec_write_end(&w, '}');
    }
    gk_codec_write_end(&w, ']');
    gk_codec_write_end(&w, '}');
    enum gk_rc rc = gk_codec_write_finish(&w, &text, &len, err);
    if (rc != GK_OK)
        return rc;
    char *grown = realloc(text, len + 2);
    if (grown == NULL) {
        free(text);
        return oom(err);
    }
    grown[len++] = '\n';
    grown[len] = '\0';
    *out = grown;
    if (out_len != NULL)
        *out_len = len;
    return GK_OK;
}

enum gk_rc gen_summary_write(struct gen_summary *s, const char *path, struct gk_err *err)
{
    char *text = NULL, *tmp = NULL;
    size_t len = 0, done = 0;
    int fd = -1, e = 0;
    enum gk_rc rc = gen_summary_encode(s, &text, &len, err);

    if (rc != GK_OK)
        return rc;
    size_t cap = strlen(path) + sizeof ".tmp";
    if ((tmp = malloc(cap)) == NULL) {
        free(text);
        return oom(err);
    }
    snprintf(tmp, cap, "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        e = errno;
    while (e == 0 && done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            e = n < 0 ? errno : EIO;
        else
            done += (size_t)n;
    }
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (fd >= 0 && close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e != 0) {
        if (fd >= 0)
            unlink(tmp);
        rc = gk_err_set(err, GK_IO_ERROR, "summary: cannot write %s: %s", path,
                        strerror(e));
    }
    free(tmp);
    free(text);
    return rc;
}
