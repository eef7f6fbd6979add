/*
 * bench: figures for the hot paths, printed, never asserted (these machines
 * are shared and noisy; compare runs on one machine, and prefer medians).
 *
 *   micro   route matching, message encoding, a 5,000-row query result,
 *           the sliding-window limiter: ns per operation;
 *   http    genie-mock in-process on loopback, hammered on its poll
 *           endpoint (GET message) by a libcurl multi client with keep-alive
 *           connections: requests per second and latency percentiles;
 *   gen     genie-gen (gen_run, in-process) against genie-mock at a time
 *           scale: the question rate each workspace achieved, as a fraction
 *           of the configured rate (the pacer's target is >= 0.97), the 60 s
 *           windows over the rate (must be 0), and genie-gen's CPU time per
 *           1,000 messages (its thread only: the mock runs on others).
 *
 * usage: bench [seconds-per-http-run]   (default 3)
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "common/clock.h"
#include "common/codec.h"
#include "common/log.h"
#include "common/rlimit.h"
#include "common/routes.h"
#include "generator/config.h"
#include "generator/run.h"
#include "mockserver/mock.h"

#include <cJSON.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static volatile size_t sink;

static void report(const char *what, int64_t n, int64_t us)
{
    printf("%-44s %10.0f ns/op  %12.0f op/s\n", what, us * 1000.0 / (double)n,
           (double)n * 1e6 / (double)(us > 0 ? us : 1));
}

static void bench_routes(void)
{
    const char *path = "/api/2.0/genie/spaces/01f0920e2b2c3400b2a74de452e6b438/conversations/"
                       "01f1e57b415f51a0a4b2e0c42f07cdca/messages/01f1e57b415f51a195956ae77e1570c9";
    struct gk_route_match m;
    int64_t n = 1000000, t0 = gk_clock_system_mono_us();
    for (int64_t i = 0; i < n; i++) {
        gk_routes_match(GK_HTTP_GET, path, strlen(path), &m, NULL);
        sink += (size_t)m.route;
    }
    report("routes: match get_message", n, gk_clock_system_mono_us() - t0);
}

static void bench_encode(const struct mock *m, const struct mock_msg *msg)
{
    struct mock_msg_view v;
    int64_t n = 200000, t0 = gk_clock_system_mono_us();
    for (int64_t i = 0; i < n; i++) {
        char *out;
        size_t len;
        mock_store_view(m, msg, INT64_MAX / 4, &v);
        gk_codec_encode_message(&v.m, NULL, &out, &len, NULL);
        sink += len;
        free(out);
    }
    report("codec: view + encode a COMPLETED message", n, gk_clock_system_mono_us() - t0);
}

static void bench_rows(const struct mock_space *space)
{
    struct mock_answer a;
    int64_t n = 20, bytes = 0, t0;
    if (mock_answer_make(space, "List all orders", true, 1, &a, NULL) != GK_OK)
        return;
    t0 = gk_clock_system_mono_us();
    for (int64_t i = 0; i < n; i++) {
        struct gk_statement_response s = {0};
        char *out;
        size_t len = 0;
        if (mock_answer_rows(&a, 5000, "01f1e57b-451f-18c0-b4fe-270595953e66", &s, NULL) ==
                GK_OK &&
            gk_codec_encode_statement_response(&s, NULL, &out, &len, NULL) == GK_OK)
            free(out);
        bytes = (int64_t)len;
        gk_types_statement_response_cleanup(&s);
    }
    int64_t us = gk_clock_system_mono_us() - t0;
    char what[64];
    snprintf(what, sizeof what, "answer: make + encode 5,000 rows (%lld KB)",
             (long long)bytes / 1024);
    report(what, n, us);
    mock_answer_cleanup(&a);
}

static void bench_rlimit(void)
{
    struct gk_rlimit rl;
    int64_t n = 5000000, t0;
    gk_rlimit_init(&rl, 5, 60000000, NULL);
    t0 = gk_clock_system_mono_us();
    for (int64_t i = 0; i < n; i++)
        sink += (size_t)gk_rlimit_take(&rl, i * 3000000);
    report("rlimit: take (5 per 60 s)", n, gk_clock_system_mono_us() - t0);
    gk_rlimit_cleanup(&rl);
}

/* ---- HTTP: GET message with `conns` keep-alive connections ---- */

struct conn {
    CURL *h;
    int64_t started_us;
};

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
    (void)p, (void)ud;
    return s * n;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void bench_http(struct mock *m, const char *url, const char *auth, int conns,
                       double seconds)
{
    CURLM *multi = curl_multi_init();
    struct conn *cs = calloc((size_t)conns, sizeof *cs);
    struct curl_slist *hdrs = curl_slist_append(NULL, auth);
    size_t cap = 1 << 22, nlat = 0;
    int64_t *lat = malloc(cap * sizeof *lat), errors = 0;
    int64_t t0 = gk_clock_system_mono_us(), end = t0 + (int64_t)(seconds * 1e6);

    for (int i = 0; i < conns; i++) {
        cs[i].h = curl_easy_init();
        curl_easy_setopt(cs[i].h, CURLOPT_URL, url);
        curl_easy_setopt(cs[i].h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(cs[i].h, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(cs[i].h, CURLOPT_PRIVATE, &cs[i]);
        curl_easy_setopt(cs[i].h, CURLOPT_TIMEOUT_MS, 10000L);
        cs[i].started_us = gk_clock_system_mono_us();
        curl_multi_add_handle(multi, cs[i].h);
    }
    int running = conns;
    while (running > 0) {
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            struct conn *c;
            long status = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            int64_t now = gk_clock_system_mono_us();
            if (msg->data.result != CURLE_OK || status != 200)
                errors++;
            else if (nlat < cap)
                lat[nlat++] = now - c->started_us;
            curl_multi_remove_handle(multi, c->h);
            if (now < end) {
                c->started_us = now;
                curl_multi_add_handle(multi, c->h);
                running++;
            }
        }
        if (running > 0)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    int64_t us = gk_clock_system_mono_us() - t0;
    qsort(lat, nlat, sizeof *lat, cmp_i64);
    printf("http: GET message, %2d connections, %u thread%s  %9.0f req/s  p50 %6.3f ms  "
           "p99 %6.3f ms  errors %lld\n",
           conns, m->opts.threads ? m->opts.threads : 1, m->opts.threads > 1 ? "s" : " ",
           (double)nlat * 1e6 / (double)us, nlat ? lat[nlat / 2] / 1000.0 : 0,
           nlat ? lat[nlat * 99 / 100] / 1000.0 : 0, (long long)errors);
    for (int i = 0; i < conns; i++)
        curl_easy_cleanup(cs[i].h);
    curl_slist_free_all(hdrs);
    curl_multi_cleanup(multi);
    free(lat);
    free(cs);
}

/* ---- gen: genie-gen against genie-mock at a time scale ---- */

#define GEN_SCALE 3000.0
#define GEN_RATE  4
#define WINDOW_US (60 * INT64_C(1000000))

static const char *no_env(const char *name, void *ctx)
{
    (void)name, (void)ctx;
    return NULL;
}

static int64_t cpu_us(void)
{
    struct rusage ru;
#ifdef RUSAGE_THREAD
    getrusage(RUSAGE_THREAD, &ru);
#else
    getrusage(RUSAGE_SELF, &ru); /* includes the mock's threads */
#endif
    return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
           ru.ru_stime.tv_usec;
}

/* Question POST times (mock clock) of workspace ws, oldest first, from the
 * mock's journal. Returns how many (at most cap). */
static size_t question_times(struct mock *m, const char *ws, int64_t *t, size_t cap)
{
    struct mock_journal_filter f = {.workspace_id = ws, .method = "POST"};
    size_t len = 0, n = 0;
    pthread_mutex_lock(&m->lock);
    char *text = mock_observe_journal(m->observe, &f, &len);
    pthread_mutex_unlock(&m->lock);
    cJSON *j = text != NULL ? cJSON_ParseWithLength(text, len) : NULL;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(j, "events"))
    {
        const cJSON *route = cJSON_GetObjectItemCaseSensitive(ev, "route");
        if (n < cap && cJSON_IsString(route) &&
            (strcmp(route->valuestring, "start_conversation") == 0 ||
             strcmp(route->valuestring, "create_message") == 0))
            t[n++] = (int64_t)cJSON_GetObjectItemCaseSensitive(ev, "time_us")->valuedouble;
    }
    cJSON_Delete(j);
    free(text);
    for (size_t i = 0; i < n / 2; i++) { /* the journal is newest first */
        int64_t x = t[i];
        t[i] = t[n - 1 - i];
        t[n - 1 - i] = x;
    }
    return n;
}

/* POSTs that open a window [t, t + window_us) holding more than limit. */
static int windows_over(const int64_t *t, size_t n, int64_t window_us, int limit)
{
    int over = 0;
    for (size_t i = 0; i < n; i++) {
        int in = 0;
        for (size_t j = i; j < n && t[j] < t[i] + window_us; j++)
            in++;
        over += in > limit;
    }
    return over;
}

/* The most question POSTs in a 60 s window of workspace ws as genie-gen
 * counted them (its summary's peak_60s), or -1. */
static int64_t summary_peak(const char *path, const char *ws)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    int64_t peak = -1;
    if (f == NULL)
        return -1;
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    cJSON *j = cJSON_ParseWithLength(buf, len);
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(j, "workspaces"))
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(w, "workspace_id");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(w, "peak_60s");
        if (cJSON_IsString(id) && strcmp(id->valuestring, ws) == 0 && cJSON_IsNumber(p))
            peak = (int64_t)p->valuedouble;
    }
    cJSON_Delete(j);
    return peak;
}

static void bench_gen(void)
{
    struct mock_opts o = {.scenario_path = "default", .has_seed = true, .seed = 1,
                          .time_scale = GEN_SCALE};
    struct gen_config cfg = {0};
    struct gk_err err = {0};
    struct mock *m = NULL;
    char dir[] = "/tmp/gk-bench-gen-XXXXXX", conf[64], out[64], state[80], sum[64], scale[16];
    int64_t *t = malloc(100000 * sizeof *t);

    if (t == NULL || mkdtemp(dir) == NULL || mock_new(&o, &m, &err) != GK_OK ||
        mock_start(m, &err) != GK_OK) {
        fprintf(stderr, "bench: gen: %s\n", gk_err_str(&err));
        exit(1);
    }
    snprintf(conf, sizeof conf, "%s/gen.json", dir);
    snprintf(out, sizeof out, "%s/records.jsonl", dir);
    snprintf(state, sizeof state, "%s.state", out);
    snprintf(sum, sizeof sum, "%s/summary.json", dir);
    snprintf(scale, sizeof scale, "%g", GEN_SCALE);
    FILE *f = fopen(conf, "w");
    fprintf(f, "{\"workspaces\": [");
    for (size_t i = 0; i < m->ws_count; i++)
        fprintf(f, "%s{\"workspace_id\": \"%s\", \"host\": \"http://127.0.0.1:%u\", "
                   "\"token\": \"%s\"}",
                i ? ", " : "", m->ws[i].def->workspace_id, (unsigned)mock_port(m, i),
                m->ws[i].def->principals[0].token);
    fprintf(f, "]}\n");
    fclose(f);
    const char *argv[] = {"genie-gen", "--config", conf, "--output", out, "--summary", sum,
                          "--time-scale", scale, "--rate", "4", "--conversations", "80",
                          "--seed", "1", "--log-level", "error", NULL};
    if (gen_config_load(&cfg, (int)(sizeof argv / sizeof argv[0]) - 1, (char *const *)argv,
                        no_env, NULL, &err) != GK_OK) {
        fprintf(stderr, "bench: gen: %s\n", gk_err_str(&err));
        exit(1);
    }
    gk_log_set_level(GK_LOG_LEVEL_ERROR);

    /* genie-gen's summary goes to stderr: not part of the figures. */
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
    fflush(stderr);
    dup2(null, STDERR_FILENO);
    close(null);
    struct gen_run_opts ro = {.cfg = &cfg};
    int64_t cpu0 = cpu_us(), t0 = gk_clock_system_mono_us();
    enum gk_rc rc = gen_run(&ro, &err);
    int64_t cpu = cpu_us() - cpu0, real = gk_clock_system_mono_us() - t0;
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    if (rc != GK_OK)
        fprintf(stderr, "bench: gen: %s\n", gk_err_str(&err));

    size_t messages = 0;
    char line[1 << 14];
    if ((f = fopen(out, "r")) != NULL) {
        while (fgets(line, sizeof line, f) != NULL)
            messages += strchr(line, '\n') != NULL;
        fclose(f);
    }
    printf("gen: %zu messages, %zu workspaces at %d questions/min, time scale %gx, %.1f s\n",
           messages, cfg.workspace_count, GEN_RATE, GEN_SCALE, (double)real / 1e6);
    for (size_t i = 0; i < m->ws_count; i++) {
        const char *ws = m->ws[i].def->workspace_id;
        size_t n = question_times(m, ws, t, 100000);
        double span_min = n > 1 ? (double)(t[n - 1] - t[0]) / 60e6 : 0;
        double rate = span_min > 0 ? (double)(n - 1) / span_min : 0;
        int64_t peak = summary_peak(sum, ws);
        /* The mock stamps a POST when it arrives: 0.1 ms of real time
         * between two POSTs' trips is 0.3 s of its clock here, so windows
         * on its clock also count that jitter (figures, for comparison). */
        int64_t jitter = (int64_t)(GEN_SCALE * 1000);
        printf("gen: workspace %s  %zu POSTs  %.3f/min = %.3f of the rate\n", ws, n, rate,
               rate / GEN_RATE);
        printf("gen:   60 s windows over the rate: %s as sent (genie-gen's clock: peak %lld "
               "per 60 s); as received, on the mock's clock: %d allowing 1 ms of real-time "
               "jitter, %d strictly\n",
               peak >= 0 && peak <= GEN_RATE ? "0" : "SOME", (long long)peak,
               windows_over(t, n, WINDOW_US - jitter, GEN_RATE),
               windows_over(t, n, WINDOW_US, GEN_RATE));
    }
    printf("gen: CPU %.1f ms per 1,000 messages (genie-gen's thread; %.3f s in all)\n",
           messages ? (double)cpu / 1000.0 * 1000.0 / (double)messages : 0.0, (double)cpu / 1e6);
    gen_config_free(&cfg);
    mock_free(m);
    unlink(out);
    unlink(state);
    unlink(sum);
    unlink(conf);
    rmdir(dir);
    free(t);
}

static struct mock *start_mock(unsigned threads, struct mock_conv **conv,
                               struct mock_msg **msg)
{
    struct mock_opts o = {.has_seed = true, .seed = 1, .threads = threads};
    struct gk_err err = {0};
    struct mock *m;
    if (mock_new(&o, &m, &err) != GK_OK || mock_start(m, &err) != GK_OK) {
        fprintf(stderr, "bench: %s\n", gk_err_str(&err));
        exit(1);
    }
    struct mock_ws *ws = &m->ws[0];
    const struct mock_principal *p = &ws->def->principals[0];
    if (mock_store_start(ws, &ws->spaces[0], p, "What were total sales by region last month?", NULL,
                         conv, msg, &err) != GK_OK) {
        fprintf(stderr, "bench: %s\n", gk_err_str(&err));
        exit(1);
    }
    return m;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    struct mock_conv *conv;
    struct mock_msg *msg;
    char url[512], auth[256];

    curl_global_init(CURL_GLOBAL_DEFAULT);
    printf("geniekit bench (figures, not verdicts; compare runs on one machine)\n\n");
    struct mock *m = start_mock(1, &conv, &msg);
    bench_routes();
    bench_encode(m, msg);
    bench_rows(conv->space);
    bench_rlimit();
    printf("\n");

    snprintf(auth, sizeof auth, "Authorization: Bearer %s", m->ws[0].def->principals[0].token);
    for (unsigned threads = 1; threads <= 2; threads++) {
        if (threads > 1) {
            mock_free(m);
            m = start_mock(threads, &conv, &msg);
        }
        snprintf(url, sizeof url,
                 "http://127.0.0.1:%u/api/2.0/genie/spaces/%s/conversations/%s/messages/%s",
                 (unsigned)mock_port(m, 0), conv->space->space_id, conv->id, msg->id);
        bench_http(m, url, auth, 1, seconds);
        bench_http(m, url, auth, 16, seconds);
        bench_http(m, url, auth, 50, seconds);
    }
    mock_free(m);
    printf("\n");
    bench_gen();
    curl_global_cleanup();
    return 0;
}
