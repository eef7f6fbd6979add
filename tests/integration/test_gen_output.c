/*
 * gen_output: the records file, the state journal and resuming from them
 * (generator/output.h), on real files in a temporary directory.
 */
#include "common/log.h"
#include "generator/output.h"
#include "tests/gk_test.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Resume warns about what it repairs; the tests check the counters instead. */
static void quiet(void)
{
    gk_log_set_level(GK_LOG_LEVEL_ERROR);
}

TestSuite(gen_output, .init = quiet);

struct tmp {
    char dir[64];
    char records[128];
    char state[128];
};

static void tmp_init(struct tmp *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/gk-gen-output-XXXXXX");
    cr_assert_not_null(mkdtemp(t->dir));
    snprintf(t->records, sizeof t->records, "%s/out.jsonl", t->dir);
    snprintf(t->state, sizeof t->state, "%s/out.jsonl.state", t->dir);
}

static void tmp_cleanup(struct tmp *t)
{
    unlink(t->records);
    unlink(t->state);
    rmdir(t->dir);
}

/* The whole file, read through a descriptor of its own (caller frees). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, mem);
    fclose(mem);
    fclose(f);
    return buf;
}

static void spill(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* A record with every field set (strings are literals: never freed). */
static struct gen_record sample(const char *key)
{
    struct gen_record r = {0};
    snprintf(r.run_id, sizeof r.run_id, "run-1");
    snprintf(r.key, sizeof r.key, "%s", key);
    r.workspace_id = "1234";
    r.space_id = "01ef";
    snprintf(r.conversation_id, sizeof r.conversation_id, "c-%s", key);
    snprintf(r.message_id, sizeof r.message_id, "m-%s", key);
    r.kind = "start";
    r.question = "How many orders last week?";
    r.status = GK_MSG_COMPLETED;
    r.outcome = "terminal";
    r.sql = (char *)"SELECT count(*) FROM orders";
    r.row_count = 1;
    r.attachment_ids = (char *)"a1,a2";
    r.created_ms = 1700000000000;
    r.terminal_ms = 1700000004200;
    r.time_to_terminal_ms = 4200;
    r.polls = 5;
    r.retries = 1;
    r.throttled = 2;
    r.result_rows = 1;
    r.result_columns = (char *)"count,region";
    return r;
}

static void open_ok(struct gen_output *o, const struct tmp *t)
{
    struct gk_err err = {0};
    cr_assert_eq(gen_output_open(o, t->records, t->state, false, &err), GK_OK, "%s",
                 err.msg);
}

static void assert_same_record(const struct gen_record *a, const struct gen_record *b)
{
    cr_assert_str_eq(a->run_id, b->run_id);
    cr_assert_str_eq(a->key, b->key);
    cr_assert_str_eq(a->workspace_id, b->workspace_id);
    cr_assert_str_eq(a->space_id, b->space_id);
    cr_assert_str_eq(a->conversation_id, b->conversation_id);
    cr_assert_str_eq(a->message_id, b->message_id);
    cr_assert_str_eq(a->kind, b->kind);
    cr_assert_str_eq(a->question, b->question);
    cr_assert_eq(a->status, b->status);
    cr_assert_str_eq(a->outcome, b->outcome);
    cr_assert_str_eq(a->error_type, b->error_type);
    cr_assert_str_eq(a->error_message, b->error_message);
    cr_assert_str_eq(a->sql, b->sql);
    cr_assert_eq(a->row_count, b->row_count);
    cr_assert_str_eq(a->attachment_ids, b->attachment_ids);
    cr_assert_eq(a->created_ms, b->created_ms);
    cr_assert_eq(a->terminal_ms, b->terminal_ms);
    cr_assert_eq(a->time_to_terminal_ms, b->time_to_terminal_ms);
    cr_assert_eq(a->polls, b->polls);
    cr_assert_eq(a->retries, b->retries);
    cr_assert_eq(a->throttled, b->throttled);
    cr_assert_eq(a->result_rows, b->result_rows);
    cr_assert_str_eq(a->result_columns, b->result_columns);
}

Test(gen_output, a_record_written_reads_back_field_for_field)
{
    struct tmp t;
    struct gen_output o;
    struct gen_record_copy back;
    struct gk_err err = {0};
    tmp_init(&t);
    open_ok(&o, &t);

    struct gen_record r = sample("1234/01ef/c0/m0");
    snprintf(r.error_type, sizeof r.error_type, "SQL_EXECUTION_EXCEPTION");
    snprintf(r.error_message, sizeof r.error_message, "table not found");
    cr_assert_eq(gen_output_write(&o, &r, &err), GK_OK, "%s", err.msg);
    char *text = slurp(t.records);
    cr_assert_eq(count_lines(text), 1);
    cr_assert_eq(gen_output_record_decode(text, strlen(text), "out:1", &back, &err),
                 GK_OK, "%s", err.msg);
    assert_same_record(&back.rec, &r);
    cr_assert(strstr(text, "\"attachment_ids\":[\"a1\",\"a2\"]") != NULL, "%s", text);
    cr_assert(strstr(text, "\"result_columns\":[\"count\",\"region\"]") != NULL, "%s",
              text);
    cr_assert(strstr(text, "\"status\":\"COMPLETED\"") != NULL, "%s", text);

    gen_record_copy_cleanup(&back);
    free(text);
    cr_assert_eq(gen_output_close(&o, &err), GK_OK);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, unknown_values_are_written_as_null)
{
    struct gen_record r = {0};
    struct gen_record_copy back;
    struct gk_err err = {0};
    char *line;
    size_t len;

    snprintf(r.key, sizeof r.key, "w/s/c0/m1");
    r.status = GK_MSG_UNKNOWN;
    r.outcome = "rejected";
    r.row_count = r.time_to_terminal_ms = r.result_rows = -1;
    cr_assert_eq(gen_output_record_encode(&r, &line, &len, &err), GK_OK);
    cr_assert_eq(line[len - 1], '\n');
    static const char *const expect[] = {
        "\"run_id\":null",      "\"workspace_id\":null",   "\"conversation_id\":null",
        "\"message_id\":null",  "\"status\":null",         "\"error_type\":null",
        "\"sql\":null",         "\"row_count\":null",      "\"attachment_ids\":[]",
        "\"created_ms\":null",  "\"terminal_ms\":null",    "\"time_to_terminal_ms\":null",
        "\"result_rows\":null", "\"result_columns\":null", "\"polls\":0",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        cr_assert(strstr(line, expect[i]) != NULL, "%s not in %s", expect[i], line);
    cr_assert_eq(gen_output_record_decode(line, len, "x", &back, &err), GK_OK, "%s",
                 err.msg);
    cr_assert_eq(back.rec.status, GK_MSG_UNKNOWN);
    cr_assert_eq(back.rec.row_count, -1);
    cr_assert_eq(back.rec.time_to_terminal_ms, -1);
    cr_assert_null(back.rec.sql);
    cr_assert_null(back.rec.result_columns);
    gen_record_copy_cleanup(&back);
    free(line);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, each_line_is_in_the_file_when_the_call_returns)
{
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    tmp_init(&t);
    open_ok(&o, &t);

    for (int i = 0; i < 3; i++) {
        char key[32], conv[16], msg[16];
        snprintf(key, sizeof key, "w/s/c%d/m0", i);
        snprintf(conv, sizeof conv, "conv%d", i);
        snprintf(msg, sizeof msg, "msg%d", i);
        cr_assert_eq(gen_output_ack(&o, key, conv, msg, 1000 + i, &err), GK_OK, "%s",
                     err.msg);
        char *state = slurp(t.state);
        cr_assert_eq(count_lines(state), (size_t)i + 1, "ack %d not in the journal", i);
        cr_assert(strstr(state, key) != NULL);
        free(state);

        struct gen_record r = sample(key);
        cr_assert_eq(gen_output_write(&o, &r, &err), GK_OK, "%s", err.msg);
        char *records = slurp(t.records);
        cr_assert_eq(count_lines(records), (size_t)i + 1, "record %d not in the file", i);
        cr_assert(strstr(records, key) != NULL);
        free(records);
    }
    cr_assert_eq(o.records_written, 3);
    cr_assert_eq(o.acks_written, 3);
    cr_assert_eq(gen_output_close(&o, &err), GK_OK);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, fsync_mode_writes_the_same_lines)
{
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    tmp_init(&t);
    cr_assert_eq(gen_output_open(&o, t.records, t.state, true, &err), GK_OK, "%s",
                 err.msg);
    struct gen_record r = sample("w/s/c0/m0");
    cr_assert_eq(gen_output_ack(&o, r.key, "c", "m", 1, &err), GK_OK);
    cr_assert_eq(gen_output_write(&o, &r, &err), GK_OK);
    char *records = slurp(t.records), *state = slurp(t.state);
    cr_assert_eq(count_lines(records), 1);
    cr_assert_str_eq(state, "{\"key\":\"w/s/c0/m0\",\"conversation_id\":\"c\","
                            "\"message_id\":\"m\",\"created_ms\":1}\n");
    free(records);
    free(state);
    gen_output_close(&o, NULL);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, resume_knows_done_and_pending_questions)
{
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    tmp_init(&t);
    open_ok(&o, &t);
    struct gen_record r1 = sample("w/s/c0/m0"), r2 = sample("w/s/c1/m0");
    r2.status = GK_MSG_FAILED;
    cr_assert_eq(gen_output_ack(&o, r1.key, "c0", "m0", 10, &err), GK_OK);
    cr_assert_eq(gen_output_ack(&o, r2.key, "c1", "m1", 11, &err), GK_OK);
    cr_assert_eq(gen_output_ack(&o, "w/s/c2/m0", "c2", "m2", 12, &err), GK_OK);
    cr_assert_eq(gen_output_write(&o, &r1, &err), GK_OK);
    cr_assert_eq(gen_output_write(&o, &r2, &err), GK_OK);
    /* A record without an ack (a rejected POST) is done as well. */
    struct gen_record r3 = sample("w/s/c3/m0");
    cr_assert_eq(gen_output_write(&o, &r3, &err), GK_OK);
    cr_assert_eq(gen_output_close(&o, &err), GK_OK);

    open_ok(&o, &t);
    cr_assert_eq(o.resumed_done, 3);
    cr_assert_eq(o.resumed_pending, 1);
    cr_assert_eq(o.torn_dropped, 0);
    cr_assert(gen_output_done(&o, "w/s/c0/m0"));
    cr_assert(gen_output_done(&o, "w/s/c1/m0"));
    cr_assert_eq(gen_output_find(&o, "w/s/c1/m0")->status, GK_MSG_FAILED);
    cr_assert(gen_output_done(&o, "w/s/c3/m0"));
    cr_assert_not(gen_output_done(&o, "w/s/c2/m0"));
    cr_assert_not(gen_output_done(&o, "w/s/c4/m0"));
    cr_assert_null(gen_output_pending(&o, "w/s/c0/m0"),
                   "a record ends the pending state");
    const struct gen_output_entry *p = gen_output_pending(&o, "w/s/c2/m0");
    cr_assert_not_null(p);
    cr_assert_str_eq(p->conversation_id, "c2");
    cr_assert_str_eq(p->message_id, "m2");
    cr_assert_eq(p->created_ms, 12);
    cr_assert_null(gen_output_find(&o, "w/s/c9/m0"));
    /* Done entries carry the final status (follow-ups depend on it) and,
     * without an ack, the record's own ids. */
    const struct gen_output_entry *d = gen_output_find(&o, "w/s/c3/m0");
    cr_assert_eq(d->status, GK_MSG_COMPLETED);
    cr_assert_not(d->acked);
    cr_assert_str_eq(d->conversation_id, "c-w/s/c3/m0");
    cr_assert_str_eq(d->message_id, "m-w/s/c3/m0");
    cr_assert_str_eq(gen_output_find(&o, "w/s/c0/m0")->conversation_id, "c0",
                     "the ack wins over the record");

    /* The pending one finishes in this run; the next resume has nothing left. */
    struct gen_record r = sample("w/s/c2/m0");
    cr_assert_eq(gen_output_write(&o, &r, &err), GK_OK);
    cr_assert_null(gen_output_pending(&o, "w/s/c2/m0"));
    cr_assert_eq(gen_output_close(&o, &err), GK_OK);
    open_ok(&o, &t);
    cr_assert_eq(o.resumed_done, 4);
    cr_assert_eq(o.resumed_pending, 0);
    gen_output_close(&o, NULL);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, many_keys_stay_findable_as_the_index_grows)
{
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    char key[32];
    tmp_init(&t);
    open_ok(&o, &t);
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "w/s/c%d/m0", i);
        cr_assert_eq(gen_output_ack(&o, key, "c", "m", i, &err), GK_OK, "%s", err.msg);
    }
    gen_output_close(&o, NULL);
    open_ok(&o, &t);
    cr_assert_eq(o.resumed_pending, 500);
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "w/s/c%d/m0", i);
        const struct gen_output_entry *e = gen_output_pending(&o, key);
        cr_assert_not_null(e, "%s", key);
        cr_assert_eq(e->created_ms, i);
    }
    gen_output_close(&o, NULL);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

/* A torn last line in either file is dropped and cut away; appends follow. */
Test(gen_output, a_torn_last_line_is_dropped_and_truncated)
{
#define TAIL(s)                                                                          \
    {                                                                                    \
        s, sizeof s - 1                                                                  \
    }
    static const struct {
        const char *bytes;
        size_t len;
    } tails[] = {
        TAIL("{\"key\":\"w/s/c1/m0\",\"conv"),    /* cut mid-string */
        TAIL("{"),                                /* the first byte only */
        TAIL("\0\0\0\0"),                         /* zeroed blocks after a power cut */
        TAIL("{\"key\":\"w/s/c1/m0\"\n{\"k"),     /* not JSON, newline, then torn */
        TAIL("{\"key\":\"w/s/c1/m0\"}garbage\n"), /* terminated but not JSON */
    };
    for (int which = 0; which < 2; which++)
        for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
            struct tmp t;
            struct gen_output o;
            struct gk_err err = {0};
            tmp_init(&t);
            open_ok(&o, &t);
            struct gen_record r = sample("w/s/c0/m0");
            cr_assert_eq(gen_output_ack(&o, r.key, "c0", "m0", 5, &err), GK_OK);
            cr_assert_eq(gen_output_write(&o, &r, &err), GK_OK);
            gen_output_close(&o, NULL);
            const char *path = which == 0 ? t.records : t.state;
            char *good = slurp(path);
            FILE *f = fopen(path, "ab");
            fwrite(tails[i].bytes, 1, tails[i].len, f);
            fclose(f);

            err = (struct gk_err){0};
            enum gk_rc rc = gen_output_open(&o, t.records, t.state, false, &err);
            if (i == 3) {
                /* The line before the torn one is bad too: not a crash. */
                cr_assert_eq(rc, GK_BAD_CONFIG, "case %zu file %d", i, which);
                cr_assert(strstr(err.msg, path) != NULL, "%s", err.msg);
                free(good);
                tmp_cleanup(&t);
                continue;
            }
            cr_assert_eq(rc, GK_OK, "case %zu file %d: %s", i, which, err.msg);
            cr_assert_eq(o.torn_dropped, 1);
            char *now = slurp(path);
            cr_assert_str_eq(now, good, "the torn bytes are gone");
            free(now);
            cr_assert(gen_output_done(&o, "w/s/c0/m0"));
            /* Appending after the cut leaves only whole lines. */
            struct gen_record r2 = sample("w/s/c1/m0");
            cr_assert_eq(gen_output_ack(&o, r2.key, "c1", "m1", 6, &err), GK_OK);
            cr_assert_eq(gen_output_write(&o, &r2, &err), GK_OK);
            gen_output_close(&o, NULL);
            open_ok(&o, &t);
            cr_assert_eq(o.torn_dropped, 0);
            cr_assert_eq(o.resumed_done, 2);
            gen_output_close(&o, NULL);
            free(good);
            tmp_cleanup(&t);
        }
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, a_whole_last_line_without_newline_is_kept)
{
    struct tmp t;
    struct gen_output o;
    tmp_init(&t);
    spill(t.state,
          "{\"key\":\"w/s/c0/m0\",\"conversation_id\":\"c\",\"message_id\":\"m\"}\n"
          "{\"key\":\"w/s/c1/m0\",\"conversation_id\":\"c1\",\"message_id\":\"m1\"}");
    open_ok(&o, &t);
    cr_assert_eq(o.torn_completed, 1);
    cr_assert_eq(o.resumed_pending, 2);
    cr_assert_not_null(gen_output_pending(&o, "w/s/c1/m0"));
    cr_assert_eq(gen_output_ack(&o, "w/s/c2/m0", "c2", "m2", 0, NULL), GK_OK);
    gen_output_close(&o, NULL);
    char *state = slurp(t.state);
    cr_assert_eq(count_lines(state), 3, "%s", state);
    cr_assert(strstr(state, "\"m1\"}\n{\"key\":\"w/s/c2/m0\"") != NULL, "%s", state);
    free(state);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, a_bad_line_before_the_last_names_file_and_line)
{
    static const struct {
        bool records;
        const char *text;
        const char *says;
    } cases[] = {
        {true, "{\"key\":\"a\"}\nnot json\n{\"key\":\"b\"}\n", ":2:"},
        {true, "{\"key\":\"a\"}\n\n{\"key\":\"b\"}\n", ":2:"},
        {true, "{\"run_id\":\"r\"}\n{\"key\":\"b\"}\n", "key: missing"},
        {true, "{\"key\":\"a\",\"polls\":\"many\"}\n{\"key\":\"b\"}\n", "polls"},
        {false, "{\"key\":\"a\",\"conversation_id\":\"c\"}\n{}\n", "message_id"},
        {false,
         "{\"key\":\"a\",\"conversation_id\":\"c\",\"message_id\":\"m\","
         "\"created_ms\":\"x\"}\n{}\n",
         "created_ms"},
        {false, "[1]\n{}\n", ":1:"},
        {true, "some other file, not ours", ":1:"}, /* last, but no torn line of ours */
        {false, "PK\x03\x04 zip", ":1:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tmp t;
        struct gen_output o;
        struct gk_err err = {0};
        tmp_init(&t);
        const char *path = cases[i].records ? t.records : t.state;
        spill(path, cases[i].text);
        cr_assert_eq(gen_output_open(&o, t.records, t.state, false, &err), GK_BAD_CONFIG,
                     "case %zu", i);
        cr_assert(strstr(err.msg, path) != NULL, "case %zu: %s", i, err.msg);
        cr_assert(strstr(err.msg, cases[i].says) != NULL, "case %zu: %s", i, err.msg);
        cr_assert_eq(o.records_fd, -1, "nothing stays open");
        char *after = slurp(path);
        cr_assert_str_eq(after, cases[i].text, "case %zu: an error changes nothing", i);
        free(after);
        tmp_cleanup(&t);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, a_key_recorded_twice_keeps_the_first)
{
    struct tmp t;
    struct gen_output o;
    tmp_init(&t);
    spill(t.records, "{\"key\":\"a\",\"polls\":1}\n{\"key\":\"a\",\"polls\":2}\n");
    spill(t.state, "{\"key\":\"b\",\"conversation_id\":\"c1\",\"message_id\":\"m1\"}\n"
                   "{\"key\":\"b\",\"conversation_id\":\"c2\",\"message_id\":\"m2\"}\n");
    open_ok(&o, &t);
    cr_assert_eq(o.duplicate_records, 1);
    cr_assert_eq(o.duplicate_acks, 1);
    cr_assert_eq(o.resumed_done, 1);
    cr_assert_str_eq(gen_output_pending(&o, "b")->conversation_id, "c1");
    gen_output_close(&o, NULL);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, asking_or_recording_a_key_twice_is_refused)
{
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    tmp_init(&t);
    open_ok(&o, &t);
    struct gen_record r = sample("w/s/c0/m0");
    cr_assert_eq(gen_output_ack(&o, r.key, "c", "m", 1, &err), GK_OK);
    cr_assert_eq(gen_output_ack(&o, r.key, "c", "m", 1, &err), GK_INVALID_STATE);
    cr_assert_eq(gen_output_write(&o, &r, NULL), GK_OK);
    gk_err_clear(&err);
    cr_assert_eq(gen_output_write(&o, &r, &err), GK_INVALID_STATE);
    cr_assert(strstr(err.msg, "already has a record") != NULL, "%s", err.msg);
    struct gen_record odd = sample("w/s/c1/m0");
    odd.key[1] = '\t';
    cr_assert_eq(gen_output_write(&o, &odd, NULL), GK_INVALID_PARAMETER_VALUE);
    odd = sample("w/s/c1/m0");
    odd.message_id[0] = (char)0xc0;
    cr_assert_eq(gen_output_write(&o, &odd, NULL), GK_INVALID_PARAMETER_VALUE);
    static const struct {
        const char *key, *conv, *msg;
    } bad[] = {
        {"", "c", "m"},      {"k", NULL, "m"},
        {"k", "c", ""},      {"k", "c", "0123456789012345678901234567890123456789"},
        {"k\n", "c", "m"}, /* a key must read back byte for byte */
        {"k", "c\xff", "m"}, {"k", "c", "m\x7f"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(gen_output_ack(&o, bad[i].key, bad[i].conv, bad[i].msg, 0, NULL),
                     GK_INVALID_PARAMETER_VALUE, "case %zu", i);
    gen_output_close(&o, NULL);
    char *state = slurp(t.state);
    cr_assert_eq(count_lines(state), 1, "refused calls write nothing");
    free(state);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, hostile_questions_and_sql_stay_one_valid_line)
{
    static const struct {
        const char *text;
        const char *reads_back; /* NULL: the same */
    } cases[] = {
        {"a \"quoted\" word", NULL},
        {"back\\slash and \\\" escaped quote", NULL},
        {"line one\nline two\r\n", NULL},
        {"tab\tbell\abackspace\b\x01\x1f", NULL},
        {"\"},\"key\":\"forged\",\"x\":{\"", NULL},
        {"SELECT * FROM t WHERE name = 'O''Brien'; -- \u2028\u2029", NULL},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", NULL},
        {"bad \xff byte", "bad \xef\xbf\xbd byte"},
        {"cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd"},
        {"surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd"},
    };
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    tmp_init(&t);
    open_ok(&o, &t);
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        char key[32];
        snprintf(key, sizeof key, "w/s/c%zu/m0", i);
        struct gen_record r = sample(key);
        r.question = cases[i].text;
        r.sql = (char *)cases[i].text;
        snprintf(r.error_message, sizeof r.error_message, "%s", cases[i].text);
        cr_assert_eq(gen_output_write(&o, &r, &err), GK_OK, "%s", err.msg);
    }
    gen_output_close(&o, NULL);

    char *text = slurp(t.records), *line = text;
    cr_assert_eq(count_lines(text), n, "one line per record, whatever the text");
    for (size_t i = 0; i < n; i++) {
        char *nl = strchr(line, '\n');
        struct gen_record_copy back;
        const char *expect = cases[i].reads_back ? cases[i].reads_back : cases[i].text;
        cr_assert_eq(
            gen_output_record_decode(line, (size_t)(nl - line), "x", &back, &err), GK_OK,
            "case %zu: %s", i, err.msg);
        cr_assert_str_eq(back.rec.question, expect, "case %zu", i);
        cr_assert_str_eq(back.rec.sql, expect, "case %zu", i);
        cr_assert_str_eq(back.rec.error_message, expect, "case %zu", i);
        char key[32];
        snprintf(key, sizeof key, "w/s/c%zu/m0", i);
        cr_assert_str_eq(back.rec.key, key, "case %zu: the key was not forged", i);
        for (const char *p = line; p < nl; p++)
            cr_assert((unsigned char)*p >= 0x20, "case %zu: a raw control byte", i);
        gen_record_copy_cleanup(&back);
        line = nl + 1;
    }
    free(text);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, a_failed_write_leaves_no_partial_line)
{
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    struct rlimit old, lim;
    tmp_init(&t);
    open_ok(&o, &t);
    struct gen_record r = sample("w/s/c0/m0");
    cr_assert_eq(gen_output_write(&o, &r, &err), GK_OK);
    struct stat before;
    cr_assert_eq(stat(t.records, &before), 0);

    /* The file may grow by 20 more bytes: the next record is cut short. */
    signal(SIGXFSZ, SIG_IGN);
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)before.st_size + 20;
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    struct gen_record r2 = sample("w/s/c1/m0");
    cr_assert_eq(gen_output_write(&o, &r2, &err), GK_IO_ERROR);
    cr_assert(strstr(err.msg, t.records) != NULL, "%s", err.msg);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);

    struct stat after;
    cr_assert_eq(stat(t.records, &after), 0);
    cr_assert_eq(after.st_size, before.st_size, "the partial line is gone");
    cr_assert_not(gen_output_done(&o, "w/s/c1/m0"));
    cr_assert_eq(gen_output_write(&o, &r2, &err), GK_OK, "it can be written again");
    gen_output_close(&o, NULL);
    open_ok(&o, &t);
    cr_assert_eq(o.resumed_done, 2);
    cr_assert_eq(o.torn_dropped, 0);
    gen_output_close(&o, NULL);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, a_second_process_cannot_open_the_same_files)
{
    struct tmp t;
    struct gen_output o;
    tmp_init(&t);
    open_ok(&o, &t);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        struct gen_output other;
        struct gk_err err = {0};
        enum gk_rc rc = gen_output_open(&other, t.records, t.state, false, &err);
        _exit(rc == GK_IO_ERROR && strstr(err.msg, "in use by another process") != NULL
                  ? 0
                  : 1);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "the second opener was not refused");
    gen_output_close(&o, NULL);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, paths_must_name_two_different_files)
{
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    tmp_init(&t);
    cr_assert_eq(gen_output_open(&o, t.records, t.records, false, &err),
                 GK_INVALID_PARAMETER_VALUE);
    char alias[160];
    snprintf(alias, sizeof alias, "%s/./out.jsonl", t.dir);
    gk_err_clear(&err);
    cr_assert_eq(gen_output_open(&o, t.records, alias, false, &err),
                 GK_INVALID_PARAMETER_VALUE, "%s", err.msg);
    cr_assert(strstr(err.msg, "same file") != NULL, "%s", err.msg);
    cr_assert_eq(gen_output_open(&o, NULL, t.state, false, NULL),
                 GK_INVALID_PARAMETER_VALUE);
    gk_err_clear(&err);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/such/dir/out.jsonl", t.dir);
    cr_assert_eq(gen_output_open(&o, missing, t.state, false, &err), GK_IO_ERROR);
    cr_assert(strstr(err.msg, missing) != NULL, "%s", err.msg);
    cr_assert_eq(gen_output_close(&o, NULL), GK_OK, "close after a failed open is safe");
    unlink(t.state);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_output, the_state_path_defaults_to_the_output_path_plus_state)
{
    struct tmp t;
    struct gen_output o;
    struct gk_err err = {0};
    tmp_init(&t);
    struct gen_config cfg = {.output = t.records};
    cr_assert_eq(gen_output_open_config(&o, &cfg, &err), GK_OK, "%s", err.msg);
    cr_assert_str_eq(o.state_path, t.state);
    gen_output_close(&o, NULL);
    cr_assert_eq(access(t.state, F_OK), 0);
    tmp_cleanup(&t);
    GK_ASSERT_NO_LEAKS();
}

/* Each invalid byte grows to a 3-byte U+FFFD: a full field grows past its
 * size, and its line must still read back (resume reads every line). */
Test(gen_output, a_full_message_of_bad_bytes_still_reads_back)
{
    struct gen_record r = sample("w/s/c0/m0");
    struct gen_record_copy back;
    struct gk_err err = {0};
    char *line;
    size_t len;
    memset(r.error_message, 0xff, sizeof r.error_message - 1);
    r.error_message[sizeof r.error_message - 1] = '\0';
    cr_assert_eq(gen_output_record_encode(&r, &line, &len, &err), GK_OK);
    cr_assert_eq(gen_output_record_decode(line, len, "x", &back, &err), GK_OK, "%s",
                 err.msg);
    size_t n = strlen(back.rec.error_message);
    cr_assert_eq(n % 3, 0, "cut between characters: %zu bytes", n);
    cr_assert_geq(n, sizeof r.error_message - 3);
    cr_assert(memcmp(back.rec.error_message, "\xef\xbf\xbd", 3) == 0);
    gen_record_copy_cleanup(&back);
    free(line);
    GK_ASSERT_NO_LEAKS();
}
