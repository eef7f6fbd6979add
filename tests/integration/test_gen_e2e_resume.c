/*
 * gen_e2e (resume): genie-gen killed and run again against one in-process
 * genie-mock. The real program (genie-gen, next to this test binary in the
 * build folder) runs as a child and gets SIGKILL at a few points, each
 * while a question it asked is still unanswered; then a run to the end.
 * Afterwards:
 *
 *   - every planned question has exactly one record (no loss, no
 *     duplicate), and the state journal one acknowledgement per key, the
 *     one its record names;
 *   - no question was asked again once its POST was acknowledged: each
 *     record's message was created by exactly one question POST; the only
 *     messages without a record are those whose POST was answered in the
 *     moment of a kill, before genie-gen could journal it (at most one per
 *     kill and workspace);
 *   - the rate held across the restarts, in every 60 s window.
 *
 * SIGINT is the polite stop: in-flight messages finish, exit status 130,
 * and the next run completes. And a conversation cut by a crash between a
 * turn that ended it and the "skipped" records of its later turns is
 * completed on resume (in-process, from a records file made for it).
 */
#include "generator/config.h"
#include "generator/plan.h"
#include "tests/gk_test.h"
#include "tests/integration/gen_e2e.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEYS_MAX          256
#define TWO_CONVERSATIONS ((const char *const[]){"--conversations", "2", NULL})
#define RUN_DEADLINE_US   (20 * INT64_C(1000000)) /* real time, per child */

/* genie-gen in the build folder of this binary (<build>/tests/...). */
static void gen_path(char *out, size_t cap)
{
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    cr_assert(n > 0, "cannot find this test binary: %s", strerror(errno));
    self[n] = '\0';
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(self, '/');
        cr_assert_not_null(slash);
        *slash = '\0';
    }
    snprintf(out, cap, "%s/genie-gen", self);
    cr_assert_eq(access(out, X_OK), 0, "%s is not built (make test builds it)", out);
}

/* Starts genie-gen with the suite's command line and an environment of
 * PATH and the sanitizers' settings only (no HOME, no DATABRICKS_*). */
static pid_t spawn(const struct e2e *e, const char *const *more)
{
    static const char *const pass[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
    char path[600], vars[3][512];
    const char *argv[64], *envp[5];
    size_t ne = 0;
    pid_t pid;

    gen_path(path, sizeof path);
    e2e_argv(e, more, argv, 64);
    argv[0] = path;
    envp[ne++] = "PATH=/usr/bin:/bin";
    for (size_t i = 0; i < 3; i++)
        if (getenv(pass[i]) != NULL) {
            snprintf(vars[i], sizeof vars[i], "%s=%s", pass[i], getenv(pass[i]));
            envp[ne++] = vars[i];
        }
    envp[ne] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, e->log,
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    int rc = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv, (char *const *)envp);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "posix_spawn %s: %s", path, strerror(rc));
    return pid;
}

/* The keys of the complete lines of a JSON-lines file (a line being
 * written is not complete yet). Returns how many. */
static size_t file_keys(const char *path, char (*keys)[GEN_KEY_MAX], size_t cap)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t lcap = 0, n = 0;
    ssize_t len;
    if (f == NULL)
        return 0;
    while ((len = getline(&line, &lcap, f)) > 0 && n < cap) {
        if (line[len - 1] != '\n')
            break;
        cJSON *j = cJSON_ParseWithLength(line, (size_t)len);
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(j, "key");
        if (cJSON_IsString(k))
            snprintf(keys[n++], GEN_KEY_MAX, "%s", k->valuestring);
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
    return n;
}

static bool has_key(char (*keys)[GEN_KEY_MAX], size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0)
            return true;
    return false;
}

/* Records written, questions acknowledged (acks may be NULL), and those
 * of them that have no record yet. */
static void progress(const struct e2e *e, size_t *records, size_t *pending, size_t *acks)
{
    static char rec[KEYS_MAX][GEN_KEY_MAX], ack[KEYS_MAX][GEN_KEY_MAX];
    size_t nr = file_keys(e->output, rec, KEYS_MAX);
    size_t na = file_keys(e->state, ack, KEYS_MAX);
    *records = nr;
    if (acks != NULL)
        *acks = na;
    *pending = 0;
    for (size_t i = 0; i < na; i++)
        *pending += !has_key(rec, nr, ack[i]);
}

static void nap_ms(long ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* When to stop a child: at least this many records and acknowledgements,
 * and a question asked that has no record yet. */
struct stop {
    size_t records, acks;
    int sig;        /* 0: let it finish */
    bool after_429; /* and the mock has just refused a question with 429 */
};

/* Whether the mock has refused a question POST with 429. */
static bool refused_a_question(const struct mock *m)
{
    struct mock_journal_filter f = {.method = "POST", .status = 429, .limit = 1};
    size_t len = 0;
    pthread_mutex_lock((pthread_mutex_t *)&m->lock);
    char *text = mock_observe_journal(m->observe, &f, &len);
    pthread_mutex_unlock((pthread_mutex_t *)&m->lock);
    bool yes = text != NULL && strstr(text, "\"time_us\"") != NULL;
    free(text);
    return yes;
}

/*
 * Runs genie-gen with `more` until the files show what `at` asks, then
 * sends it at.sig. Returns its wait status; *sent says whether the signal
 * went out (the run may end first).
 */
static int run_child(const struct e2e *e, const char *const *more, struct stop at,
                     bool *sent)
{
    pid_t pid = spawn(e, more);
    int64_t deadline = gk_clock_system_mono_us() + RUN_DEADLINE_US;
    int status = 0;
    *sent = false;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        cr_assert_neq(w, -1, "waitpid: %s", strerror(errno));
        if (w == pid)
            return status;
        if (gk_clock_system_mono_us() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            cr_assert_fail("genie-gen ran more than %lld s (log in %s)",
                           (long long)(RUN_DEADLINE_US / 1000000), e->log);
        }
        size_t done = 0, pending = 0, acks = 0;
        if (at.sig != 0 && !*sent) {
            progress(e, &done, &pending, &acks);
            if (done >= at.records && acks >= at.acks && pending > 0 &&
                (!at.after_429 || refused_a_question(e->m))) {
                cr_assert_eq(kill(pid, at.sig), 0);
                *sent = true;
            }
        }
        nap_ms(1);
    }
}

/* Ids of a JSON-lines file: key -> message_id (all lines; they must be
 * complete now). */
struct ids {
    char key[KEYS_MAX][GEN_KEY_MAX];
    char msg[KEYS_MAX][40];
    size_t n;
};

static void read_acks(const char *path, struct ids *out)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    out->n = 0;
    cr_assert_not_null(f);
    while ((len = getline(&line, &cap, f)) > 0) {
        cr_assert_eq(line[len - 1], '\n', "%s: a torn line was left", path);
        cJSON *j = cJSON_ParseWithLength(line, (size_t)len);
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(j, "key");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message_id");
        cr_assert(cJSON_IsString(k) && cJSON_IsString(m), "%s: %s", path, line);
        cr_assert_lt(out->n, KEYS_MAX);
        snprintf(out->key[out->n], GEN_KEY_MAX, "%s", k->valuestring);
        snprintf(out->msg[out->n], 40, "%s", m->valuestring);
        out->n++;
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
}

/* The checks of a run with `more` that was stopped `stops` times and
 * completed. */
static void expect_complete_once(struct e2e *e, const char *const *more, size_t stops)
{
    struct gen_config cfg;
    struct gen_plan plan = {0};
    struct e2e_records rs;
    struct e2e_events evs;
    static struct ids acks;

    e2e_load(e, &cfg, more);
    e2e_plan(e, &cfg, &plan);
    e2e_records_read(e->output, &rs);
    e2e_expect_one_record_each(&rs, &plan);

    /* One acknowledgement per key, naming the message its record names. */
    read_acks(e->state, &acks);
    for (size_t i = 0; i < acks.n; i++) {
        for (size_t j = i + 1; j < acks.n; j++)
            cr_assert_str_neq(acks.key[i], acks.key[j], "%s acknowledged twice",
                              acks.key[i]);
        const struct gen_record *r = e2e_record(&rs, acks.key[i]);
        cr_assert_str_eq(r->message_id, acks.msg[i], "%s", acks.key[i]);
    }

    /* Each record's message was made by one question POST; the rest of
     * the POSTs that made a message are those answered as genie-gen died. */
    e2e_events_read(e->m, &evs);
    size_t orphans = 0;
    for (size_t i = 0; i < evs.n; i++) {
        const struct e2e_event *a = &evs.ev[i];
        if (!a->question || a->status != 200)
            continue;
        bool recorded = false;
        for (size_t k = 0; k < rs.n; k++)
            recorded |= strcmp(rs.r[k].rec.message_id, a->message_id) == 0;
        orphans += !recorded;
    }
    cr_assert_leq(orphans, stops * cfg.workspace_count,
                  "%zu messages asked for were never recorded (%zu kills)", orphans,
                  stops);
    for (size_t k = 0; k < rs.n; k++) {
        if (rs.r[k].rec.message_id[0] == '\0')
            continue;
        size_t made = 0;
        for (size_t i = 0; i < evs.n; i++)
            made += evs.ev[i].question && evs.ev[i].status == 200 &&
                    strcmp(evs.ev[i].message_id, rs.r[k].rec.message_id) == 0;
        cr_assert_eq(made, 1, "%s: message %s made by %zu POSTs", rs.r[k].rec.key,
                     rs.r[k].rec.message_id, made);
    }

    /* The rate held across the restarts. */
    int64_t window = E2E_WINDOW_US - (int64_t)(E2E_JITTER_REAL_US * e->scale);
    for (size_t i = 0; i < cfg.workspace_count; i++) {
        const char *ws = cfg.workspaces[i].workspace_id;
        int64_t at = 0;
        int most = e2e_max_questions_in_window(&evs, ws, window, &at);
        cr_assert_leq(most, (int)cfg.rate_per_min,
                      "workspace %s got %d questions in the %.3f s from %.3f s", ws, most,
                      (double)window / 1e6, (double)at / 1e6);
    }
    e2e_events_free(&evs);
    e2e_records_free(&rs);
    gen_plan_cleanup(&plan);
    gen_config_free(&cfg);
}

Test(gen_e2e, resumes_after_sigkill_without_duplicate_or_loss, .init = e2e_watchdog)
{
    struct e2e e;
    size_t kills = 0, records = 0, pending = 0;
    bool sent;
    e2e_start(&e, "default", E2E_SCALE);
    e2e_write_config(&e, false, NULL);
    /* Killed after 1, 8 and 16 records (each time with a question asked
     * and not yet answered), then run to the end. */
    static const size_t at[] = {1, 8, 16};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        int st = run_child(&e, TWO_CONVERSATIONS,
                           (struct stop){.records = at[i], .sig = SIGKILL}, &sent);
        if (!sent) {
            cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                      "genie-gen failed (log in %s)", e.log);
            break;
        }
        cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        kills++;
    }
    cr_assert_geq(kills, 2, "genie-gen finished before it could be killed twice");
    int st = run_child(&e, TWO_CONVERSATIONS, (struct stop){0}, &sent);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the last run failed (log in %s)",
              e.log);
    progress(&e, &records, &pending, NULL);
    cr_assert_eq(pending, 0);
    expect_complete_once(&e, TWO_CONVERSATIONS, kills);
    e2e_stop(&e);
    GK_ASSERT_NO_LEAKS();
}

/*
 * Interrupted just after the mock refused a question with 429 (rate-limited
 * allows 3 a minute, genie-gen asks 4): the refused question waits to be
 * asked again and is not asked once stopping, so the stop waits only for
 * the messages being polled (not the 30 s grace period).
 */
Test(gen_e2e, stops_on_sigint_once_in_flight_messages_end_and_resumes,
     .init = e2e_watchdog)
{
    struct e2e e;
    size_t records = 0, pending = 0;
    bool sent;
    e2e_start(&e, "rate-limited", E2E_SCALE);
    e2e_write_config(&e, false, NULL);
    int st = run_child(&e, TWO_CONVERSATIONS,
                       (struct stop){.sig = SIGINT, .after_429 = true}, &sent);
    cr_assert(sent, "genie-gen finished before it could be interrupted");
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 130, "exit status %d (log in %s)",
              WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st), e.log);
    /* Nothing it asked was left without its record, and it summed up. */
    progress(&e, &records, &pending, NULL);
    cr_assert_eq(pending, 0, "%zu questions asked and not recorded", pending);
    cr_assert_eq(access(e.summary, R_OK), 0, "no summary after SIGINT");
    st = run_child(&e, TWO_CONVERSATIONS, (struct stop){0}, &sent);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the second run failed (log in %s)",
              e.log);
    expect_complete_once(&e, TWO_CONVERSATIONS,
                         0); /* a polite stop leaves nothing asked */
    e2e_stop(&e);
    GK_ASSERT_NO_LEAKS();
}

/*
 * Killed right after its fourth question in a minute (at 4 a minute), a
 * genie-gen run again at once knows nothing of those POSTs from its pacer:
 * it must still not ask a fifth question within that minute. At 60x the
 * restart takes a second or two of the mock's clock, not the 15 s a
 * question waits for the next.
 */
Test(gen_e2e, keeps_the_rate_across_a_restart, .init = e2e_watchdog)
{
    static const char *const more[] = {"--conversations", "3", NULL};
    struct e2e e;
    bool sent;
    e2e_start(&e, "happy", 60);
    e2e_write_config(&e, false, NULL);
    int st = run_child(&e, more, (struct stop){.acks = 4, .sig = SIGKILL}, &sent);
    cr_assert(sent && WIFSIGNALED(st), "genie-gen was not killed (log in %s)", e.log);
    st = run_child(&e, more, (struct stop){0}, &sent);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the second run failed (log in %s)",
              e.log);
    expect_complete_once(&e, more, 1);
    e2e_stop(&e);
    GK_ASSERT_NO_LEAKS();
}

/* Killed after the record of a turn that ends its conversation (FAILED)
 * and before the "skipped" records of the turns after it: the resumed run
 * writes them and ends (it used to wait for them forever). */
Test(gen_e2e, resumes_a_conversation_cut_between_its_failed_turn_and_the_skipped_ones,
     .init = e2e_watchdog)
{
    struct e2e e;
    struct gen_config cfg;
    struct gen_plan plan = {0};
    struct e2e_records rs;
    struct gk_err err = {0};
    char *line = NULL;
    size_t len = 0;

    e2e_start(&e, "happy", E2E_SCALE);
    e2e_write_config(&e, false, NULL);
    e2e_load(&e, &cfg, (const char *const[]){"--conversations", "2", NULL});
    e2e_plan(&e, &cfg, &plan);
    const struct gen_question *q = &plan.questions[0];
    cr_assert(q->turn == 0 && q->turns >= 2);
    struct gen_record rec = {.run_id = "0123456789abcdef0123456789abcdef",
                             .workspace_id = "1000000000000001",
                             .space_id = cfg.workspaces[0].spaces[0].space_id,
                             .conversation_id = "01f0000000000000a000000000000001",
                             .message_id = "01f0000000000000a000000000000002",
                             .kind = "start",
                             .question = q->text,
                             .status = GK_MSG_FAILED,
                             .outcome = "terminal",
                             .error_type = "SQL_EXECUTION_EXCEPTION",
                             .row_count = -1,
                             .result_rows = -1};
    snprintf(rec.key, sizeof rec.key, "%s", q->key);
    cr_assert_eq(gen_output_record_encode(&rec, &line, &len, &err), GK_OK);
    FILE *f = fopen(e.output, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(line, 1, len, f), len);
    fclose(f);
    free(line);

    cr_assert_eq(e2e_run(&e, &cfg, NULL, &err), GK_OK, "%s", gk_err_str(&err));
    e2e_records_read(e.output, &rs);
    e2e_expect_one_record_each(&rs, &plan);
    for (int t = 1; t < q->turns; t++) {
        const struct gen_record *r = e2e_record(&rs, plan.questions[t].key);
        cr_assert_str_eq(r->outcome, "skipped", "%s", plan.questions[t].key);
        cr_assert_str_eq(r->conversation_id, rec.conversation_id);
    }
    for (size_t i = (size_t)q->turns; i < plan.count; i++)
        cr_assert_str_eq(e2e_record(&rs, plan.questions[i].key)->outcome, "terminal");
    e2e_records_free(&rs);
    gen_plan_cleanup(&plan);
    gen_config_free(&cfg);
    e2e_stop(&e);
    GK_ASSERT_NO_LEAKS();
}
