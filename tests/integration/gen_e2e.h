/*
 * gen_e2e: what the genie-gen end-to-end suites share (test_gen_e2e*.c).
 *
 * A genie-mock runs in-process on free loopback ports with a SCALED clock
 * (not the manual one of the other suites: genie-gen waits on its own
 * clock), and genie-gen runs against it, either in-process (gen_run) or as
 * the real program (build/genie-gen) in a child process. Both clocks run at
 * the same scale from slightly different real moments; every time the
 * suites compare is on the mock's clock (its journal), so the offset does
 * not matter.
 *
 * What the harness reads back:
 *   records  the records file, line by line through
 *            gen_output_record_decode (so the format is checked too);
 *   events   the mock's journal (mock clock time_us, route, status, path)
 *            joined by request_id with its audit rows (the ids a question
 *            POST created, the error message sent), oldest first;
 *   report   the mock's client report of genie-gen's traffic.
 *
 * The implementation is test_gen_e2e_harness.c: the Makefile builds the
 * tests/integration/test_gen_* files only once generator/main.c exists,
 * and this harness links the generator.
 *
 * Ownership: e2e_start allocates the mock and a temporary folder,
 * e2e_stop frees and removes both; records and events own their arrays.
 * Failures abort the test (Criterion asserts).
 */
#ifndef TEST_GEN_E2E_H
#define TEST_GEN_E2E_H

#include "generator/gen.h"
#include "generator/output.h"
#include "mockserver/mock.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The mock's and genie-gen's clocks run this much faster than real time. */
#define E2E_SCALE          600.0
#define E2E_WINDOW_US      (60 * INT64_C(1000000))
/*
 * genie-gen paces its POSTs on its clock, the mock stamps them as they
 * arrive: a POST that takes longer to get there than an earlier one seems
 * closer to it, by the difference times the scale (50 us of real time is
 * 30 ms of the mock's at 600x, and a loaded machine may stall a thread for
 * milliseconds). So the journal's windows are this much real time shorter
 * than 60 s, and genie-gen's own count (its summary's peak_60s, on its
 * clock) is checked against the full 60 s.
 */
#define E2E_JITTER_REAL_US 10000

struct e2e {
    struct mock *m;
    double scale;
    char dir[64];
    char config[128], output[128], state[160], summary[128], log[128];
};

/* A test that runs longer than this (real time) is killed by SIGALRM (so
 * a genie-gen that never ends fails its test instead of hanging the run;
 * Criterion's own .timeout leaks in its runner under LeakSanitizer). */
#define E2E_TIMEOUT_S 60

/* Arms that alarm: every gen_e2e test's .init. */
void e2e_watchdog(void);

/* Starts the built-in scenario `name` at `scale` with seed 7, and makes a
 * temporary folder for genie-gen's files. */
void e2e_start(struct e2e *e, const char *scenario, double scale);
/* Frees the mock and removes the folder and what is in it. */
void e2e_stop(struct e2e *e);

/*
 * Writes genie-gen's JSON config file: every workspace of the mock with its
 * host (http://127.0.0.1:port), its id, and the credential of its first
 * principal with a PAT (or, oauth, with a client id and secret); no spaces
 * (genie-gen lists them). extra: more top-level members ("\"a\": 1, ...")
 * or NULL.
 */
void e2e_write_config(struct e2e *e, bool oauth, const char *extra);

/*
 * The command line genie-gen gets in these suites (argv[0] included,
 * NULL-terminated, into argv of cap entries): --config, --output,
 * --summary, --time-scale, --seed, --log-level, then `more`
 * (NULL-terminated, may be NULL). Returns argc.
 */
int e2e_argv(const struct e2e *e, const char *const *more, const char **argv, size_t cap);

/* Loads cfg from e2e_argv(more) with an empty environment (no HOME, no
 * DATABRICKS_*), as genie-gen's main() does; aborts the test on error. */
void e2e_load(const struct e2e *e, struct gen_config *cfg, const char *const *more);

/* gen_run on cfg, genie-gen's stderr going to e->log meanwhile. interrupted
 * may be NULL. */
enum gk_rc e2e_run(struct e2e *e, struct gen_config *cfg,
                   volatile sig_atomic_t *interrupted, struct gk_err *err);

/* The plan cfg makes: workspaces without spaces get the mock's (as listing
 * them would). Release with gen_plan_cleanup. */
void e2e_plan(const struct e2e *e, struct gen_config *cfg, struct gen_plan *plan);

/* ---- records ---- */

struct e2e_records {
    struct gen_record_copy *r;
    size_t n;
};

/* Reads every line of path (none when it is missing). */
void e2e_records_read(const char *path, struct e2e_records *out);
void e2e_records_free(struct e2e_records *rs);
/* The record of key, or NULL. */
const struct gen_record *e2e_record(const struct e2e_records *rs, const char *key);

/*
 * Asserts that every planned question has exactly one record (distinct
 * keys, as many as the plan, all of the plan), and that each ends in a
 * documented way: "terminal" with a terminal status, "skipped",
 * "rejected" or "error" with the server's message, or "timeout".
 */
void e2e_expect_one_record_each(const struct e2e_records *rs,
                                const struct gen_plan *plan);
/* Records whose outcome is `outcome`. */
size_t e2e_count_outcome(const struct e2e_records *rs, const char *outcome);

/* ---- the mock's journal ---- */

struct e2e_event {
    int64_t t_us; /* mock clock */
    int status;
    bool question; /* start_conversation or create_message */
    char ws[40], method[8], route[48], path[320], request_id[48], principal[64];
    char message_id[40]; /* a question POST's new message, else the path's; "" */
    char error[256];     /* the error message sent ("" for none) */
};

struct e2e_events {
    struct e2e_event *ev; /* oldest first */
    size_t n;
};

/* Everything the mock journaled (Genie API calls only). */
void e2e_events_read(const struct mock *m, struct e2e_events *out);
void e2e_events_free(struct e2e_events *evs);

/* The most question POSTs workspace ws received in any window_us window
 * [t, t + window_us) of the mock clock (brute force over the journal); *at
 * (may be NULL) gets the time of the window's first POST. */
int e2e_max_questions_in_window(const struct e2e_events *evs, const char *ws,
                                int64_t window_us, int64_t *at);

/* The peak_60s (most question POSTs in a sliding 60 s, on genie-gen's
 * clock) of workspace ws in genie-gen's summary file; -1 when absent. */
int64_t e2e_summary_peak(const struct e2e *e, const char *ws);

/* ---- the client report ---- */

/* The final client report's count of `field` (a MOCK_REPORT_MAP name)
 * summed over principals, or its total when field is NULL; when text is
 * not NULL it gets the report's JSON (caller frees) for messages. */
int64_t e2e_report(const struct mock *m, const char *field, char **text);

#endif
