#include "common/log.h"
#include "tests/gk_test.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Each test runs in its own process (Criterion), so the logger's globals
 * start fresh; capture() points them at a non-blocking pipe. */
static int pipe_rd = -1;

static void capture(void)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    cr_assert_eq(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
    pipe_rd = fds[0];
    gk_log_set_fd(fds[1]);
}

/* Everything logged since the last call ("" when nothing was). */
static const char *captured(void)
{
    static char buf[65536];
    ssize_t n = read(pipe_rd, buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = '\0';
    return buf;
}

static int64_t fixed_time_ms(void)
{
    return 1741064767089; /* 2025-03-04T05:06:07.089Z */
}

static int evaluations;

static int bump(void)
{
    return ++evaluations;
}

Test(log, filtered_calls_do_not_evaluate_their_arguments)
{
    capture();
    gk_log_set_level(GK_LOG_LEVEL_WARN);
    GK_LOG_INFO("%d", bump());
    GK_LOG_DEBUG("%d", bump());
    GK_LOG_TRACE("%d", bump());
    cr_assert_eq(evaluations, 0, "a filtered call evaluated its arguments");
    cr_assert_str_eq(captured(), "");
    GK_LOG_WARN("%d", bump());
    GK_LOG_ERROR("%d", bump());
    cr_assert_eq(evaluations, 2);
    cr_assert_str_eq(captured(), "warn: 1\nerror: 2\n");
}

Test(log, each_level_shows_itself_and_the_more_severe_ones)
{
    static const struct {
        enum gk_log_level level;
        const char *expect;
    } cases[] = {
        {GK_LOG_LEVEL_ERROR, "error: e\n"},
        {GK_LOG_LEVEL_WARN, "error: e\nwarn: w\n"},
        {GK_LOG_LEVEL_INFO, "error: e\nwarn: w\ninfo: i\n"},
        {GK_LOG_LEVEL_DEBUG, "error: e\nwarn: w\ninfo: i\ndebug: d\n"},
        {GK_LOG_LEVEL_TRACE, "error: e\nwarn: w\ninfo: i\ndebug: d\ntrace: t\n"},
    };
    capture();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gk_log_set_level(cases[i].level);
        cr_assert_eq(gk_log_get_level(), cases[i].level);
        GK_LOG_ERROR("e");
        GK_LOG_WARN("w");
        GK_LOG_INFO("i");
        GK_LOG_DEBUG("d");
        GK_LOG_TRACE("t");
        cr_assert_str_eq(captured(), cases[i].expect, "level %s",
                         gk_log_level_name(cases[i].level));
    }
}

Test(log, the_default_level_is_info_and_bad_levels_are_clamped)
{
    cr_assert_eq(gk_log_get_level(), GK_LOG_LEVEL_INFO);
    cr_assert(gk_log_enabled(GK_LOG_LEVEL_INFO));
    cr_assert_not(gk_log_enabled(GK_LOG_LEVEL_DEBUG));
    gk_log_set_level((enum gk_log_level)99);
    cr_assert_eq(gk_log_get_level(), GK_LOG_LEVEL_TRACE);
    gk_log_set_level((enum gk_log_level) - 3);
    cr_assert_eq(gk_log_get_level(), GK_LOG_LEVEL_ERROR);
}

Test(log, a_line_has_time_program_level_and_message)
{
    capture();
    gk_log_init("genie-mock");
    gk_log_set_time_source(fixed_time_ms);
    GK_LOG_WARN("client %d polls every %s", 3, "200ms");
    cr_assert_str_eq(
        captured(),
        "2025-03-04T05:06:07.089Z genie-mock: warn: client 3 polls every 200ms\n");
}

Test(log, without_a_time_source_or_program_name_the_line_starts_with_the_level)
{
    capture();
    gk_log_init("genie-gen");
    GK_LOG_ERROR("x");
    gk_log_init(NULL);
    GK_LOG_ERROR("y");
    gk_log_init("");
    GK_LOG_ERROR("z");
    cr_assert_str_eq(captured(), "genie-gen: error: x\nerror: y\nerror: z\n");
}

Test(log, long_program_names_are_cut)
{
    char name[200];
    memset(name, 'p', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    capture();
    gk_log_init(name);
    GK_LOG_ERROR("m");
    const char *line = captured();
    cr_assert_eq(strspn(line, "p"), GK_LOG_PROG_MAX);
    cr_assert_str_eq(line + GK_LOG_PROG_MAX, ": error: m\n");
}

Test(log, newlines_and_control_bytes_in_a_message_are_escaped)
{
    static const struct {
        const char *msg;
        const char *line;
    } cases[] = {
        {"two\nlines", "info: two\\nlines\n"},
        {"cr\r\n", "info: cr\\r\\n\n"},
        {"bell\a esc\x1b del\x7f", "info: bell\\x07 esc\\x1b del\\x7f\n"},
        {"tab\tstays", "info: tab\tstays\n"},
        {"utf-8 caf\xc3\xa9 stays", "info: utf-8 caf\xc3\xa9 stays\n"},
        {"back\\slash", "info: back\\slash\n"},
    };
    capture();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        GK_LOG_INFO("%s", cases[i].msg);
        cr_assert_str_eq(captured(), cases[i].line, "case %zu", i);
    }
}

Test(log, a_long_message_is_cut_with_a_marker_and_stays_one_line)
{
    static char big[3 * GK_LOG_LINE_MAX];
    capture();
    gk_log_init("genie-gen");
    gk_log_set_time_source(fixed_time_ms);
    /* Plain bytes, then bytes that double when escaped: both must stop at
     * the cap with room for the marker. */
    for (int round = 0; round < 2; round++) {
        memset(big, round == 0 ? 'x' : '\n', sizeof big - 1);
        GK_LOG_INFO("%s", big);
        const char *line = captured();
        size_t len = strlen(line);
        cr_assert_leq(len, GK_LOG_LINE_MAX);
        cr_assert_geq(len, GK_LOG_LINE_MAX - 4, "cut far too early: %zu", len);
        cr_assert_eq(strchr(line, '\n'), line + len - 1, "more than one line");
        const char *tail = GK_LOG_TRUNCATED "\n";
        cr_assert_str_eq(line + len - strlen(tail), tail);
    }
}

Test(log, a_message_that_just_fits_has_no_marker)
{
    static char msg[GK_LOG_LINE_MAX];
    size_t room = GK_LOG_LINE_MAX - 1 - strlen(GK_LOG_TRUNCATED) - strlen("info: ");
    memset(msg, 'y', room);
    capture();
    GK_LOG_INFO("%s", msg);
    const char *line = captured();
    cr_assert_eq(strlen(line), strlen("info: ") + room + 1);
    cr_assert_null(strstr(line, GK_LOG_TRUNCATED));
    msg[room] = 'y';
    GK_LOG_INFO("%s", msg);
    cr_assert_not_null(strstr(captured(), GK_LOG_TRUNCATED));
}

Test(log, logging_keeps_errno)
{
    capture();
    errno = ENOENT;
    GK_LOG_ERROR("open failed: %s", strerror(errno));
    cr_assert_eq(errno, ENOENT);
    gk_log_set_fd(-1); /* a failing write must not leak EBADF either */
    GK_LOG_ERROR("lost");
    cr_assert_eq(errno, ENOENT);
}

Test(log, set_fd_returns_the_previous_fd)
{
    cr_assert_eq(gk_log_set_fd(7), 2);
    cr_assert_eq(gk_log_set_fd(2), 7);
}

Test(log, level_names_parse_in_any_case)
{
    static const struct {
        const char *name;
        enum gk_log_level level;
    } cases[] = {
        {"error", GK_LOG_LEVEL_ERROR}, {"WARN", GK_LOG_LEVEL_WARN},
        {"Info", GK_LOG_LEVEL_INFO},   {"debug", GK_LOG_LEVEL_DEBUG},
        {"tRaCe", GK_LOG_LEVEL_TRACE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum gk_log_level l = GK_LOG_LEVEL_COUNT;
        cr_assert_eq(gk_log_level_from_name(cases[i].name, &l, NULL), GK_OK, "%s",
                     cases[i].name);
        cr_assert_eq(l, cases[i].level, "%s", cases[i].name);
    }
    for (int i = 0; i < GK_LOG_LEVEL_COUNT; i++) {
        enum gk_log_level l = GK_LOG_LEVEL_COUNT;
        cr_assert_eq(gk_log_level_from_name(gk_log_level_name(i), &l, NULL), GK_OK);
        cr_assert_eq(l, (enum gk_log_level)i);
    }
    cr_assert_str_eq(gk_log_level_name(GK_LOG_LEVEL_COUNT), "unknown");
    cr_assert_str_eq(gk_log_level_name((enum gk_log_level) - 1), "unknown");
}

Test(log, a_bad_level_name_is_an_error_that_names_it)
{
    static const char *const bad[] = {"loud", "", "warning", "err", "info ", "trace2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct gk_err err = {0};
        enum gk_log_level l = GK_LOG_LEVEL_DEBUG;
        cr_assert_eq(gk_log_level_from_name(bad[i], &l, &err), GK_BAD_CONFIG, "%s",
                     bad[i]);
        cr_assert_eq(l, GK_LOG_LEVEL_DEBUG, "left unchanged");
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", bad[i]);
        cr_assert_not_null(strstr(err.msg, quoted), "%s", err.msg);
        cr_assert_not_null(strstr(err.msg, "error, warn, info, debug, trace"), "%s",
                           err.msg);
    }
    cr_assert_eq(gk_log_level_from_name(NULL, &(enum gk_log_level){0}, NULL),
                 GK_BAD_CONFIG);
}

Test(log, timestamps_are_rfc3339_utc_with_milliseconds)
{
    static const struct {
        int64_t ms;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {1, "1970-01-01T00:00:00.001Z"},
        {-1, "1969-12-31T23:59:59.999Z"},
        {951782400000, "2000-02-29T00:00:00.000Z"},
        {951868799999, "2000-02-29T23:59:59.999Z"},
        {4107542400000, "2100-03-01T00:00:00.000Z"}, /* 2100 is not a leap year */
        {1741064767089, "2025-03-04T05:06:07.089Z"},
        {253402300799999, "9999-12-31T23:59:59.999Z"},
        {-62135596800000, "0001-01-01T00:00:00.000Z"},
        {-62167219200000, "0000-01-01T00:00:00.000Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[GK_LOG_TIME_MAX];
        size_t n = gk_log_format_time(cases[i].ms, buf);
        cr_assert_str_eq(buf, cases[i].text, "%lld", (long long)cases[i].ms);
        cr_assert_eq(n, strlen(cases[i].text));
    }
}

Test(log, timestamps_agree_with_gmtime_across_four_centuries)
{
    /* A prime step walks through every month, leap day and time of day. */
    for (int64_t s = -2208988800; s < 10413792000; s += 86399 * 7 + 3601) {
        char mine[GK_LOG_TIME_MAX], theirs[96];
        time_t t = (time_t)s;
        struct tm tm;
        cr_assert_not_null(gmtime_r(&t, &tm));
        snprintf(theirs, sizeof theirs, "%04d-%02d-%02dT%02d:%02d:%02d.042Z",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec);
        gk_log_format_time(s * 1000 + 42, mine);
        cr_assert_str_eq(mine, theirs);
    }
}

Test(log, extreme_timestamps_fit_the_buffer)
{
    char buf[GK_LOG_TIME_MAX];
    cr_assert_lt(gk_log_format_time(INT64_MAX, buf), GK_LOG_TIME_MAX);
    cr_assert_lt(gk_log_format_time(INT64_MIN, buf), GK_LOG_TIME_MAX);
    cr_assert_eq(buf[strlen(buf) - 1], 'Z');
}

#define THREADS 4
#define LINES   500

static void *log_many(void *arg)
{
    int id = (int)(intptr_t)arg;
    char pad[600];
    memset(pad, 'a' + id, sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    for (int i = 0; i < LINES; i++)
        GK_LOG_INFO("t%d %d %s", id, i, pad);
    return NULL;
}

Test(log, lines_from_several_threads_never_interleave)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    gk_log_set_fd(fileno(f));
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        cr_assert_eq(pthread_create(&th[t], NULL, log_many, (void *)(intptr_t)t), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);

    rewind(f);
    char line[1024];
    int seen[THREADS] = {0}, total = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        int id, i, used = 0;
        cr_assert_eq(sscanf(line, "info: t%d %d %n", &id, &i, &used), 2, "torn: %s",
                     line);
        cr_assert(id >= 0 && id < THREADS);
        cr_assert_eq(strspn(line + used, (char[]){(char)('a' + id), 0}), 599, "torn: %s",
                     line);
        cr_assert_str_eq(line + used + 599, "\n");
        seen[id]++;
        total++;
    }
    cr_assert_eq(total, THREADS * LINES);
    for (int t = 0; t < THREADS; t++)
        cr_assert_eq(seen[t], LINES);
    fclose(f);
}
