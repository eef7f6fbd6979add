/*
 * summary: what a run did, accumulated record by record and reported once
 * at the end (on stderr for people, as JSON with --summary FILE).
 *
 * It counts, overall and per workspace: records by final status and by
 * outcome, errors by category, retries and 429s. A record is an error when
 * its outcome is not "terminal" or its status is not COMPLETED; its category
 * is "<outcome>/<error_type>", or "<outcome>/<status>" without an error type
 * ("terminal/SQL_EXECUTION_EXCEPTION", "rejected/PERMISSION_DENIED",
 * "timeout/EXECUTING_QUERY").
 *
 * Time to terminal: p50, p95 and max over the records whose outcome is
 * "terminal" and whose time_to_terminal_ms is known. Exact: every value is
 * kept, and percentiles are nearest-rank (the smallest value with at least
 * p% of the values at or below it).
 *
 * Question rate per workspace, from the POST times the run reports (every
 * question POST, retries included: what Genie's limit counts):
 *   rate_per_min  (POSTs - 1) / minutes from the first POST to the last.
 *                 Intervals, not POSTs, over the span: a pacer that spaces N
 *                 POSTs evenly at r per minute reads exactly r (counting all
 *                 N would read r * N / (N - 1)). Unknown under two POSTs.
 *   peak_60s      the most POSTs in any sliding 60 s window, windows being
 *                 (t - 60 s, t] as in common/rlimit: what the limit allows.
 * Times are mock-clock microseconds (now_us), like the pacer's.
 *
 * Ownership: caller-allocated; gen_summary_init, then _cleanup frees what
 * the summary copied (workspace ids, category names, samples).
 * Thread-safety: none; one run loop owns it.
 */
#ifndef GEN_SUMMARY_H
#define GEN_SUMMARY_H

#include "generator/gen.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GEN_SUMMARY_WINDOW_US INT64_C(60000000)

/* A name and how often it was seen (outcomes, error categories). */
struct gen_summary_count {
    char *name; /* owned */
    int64_t count;
};

/* Counters of one scope: the whole run or one workspace. */
struct gen_summary_counts {
    int64_t records;
    int64_t by_status[GK_MSG_STATUS_COUNT + 1]; /* indexed by enum gk_msg_status */
    struct gen_summary_count *outcomes;         /* in order of first appearance */
    size_t outcome_count;
    struct gen_summary_count *errors; /* categories, in order of first appearance */
    size_t error_count;
    int64_t error_records;
    int64_t retries, throttled;
};

/* Time-to-terminal samples and what finish() computed from them. */
struct gen_summary_times {
    int64_t *ms; /* sorted once finished */
    size_t count, cap;
    int64_t p50_ms, p95_ms, max_ms; /* -1 without samples */
};

struct gen_summary_ws {
    char *workspace_id; /* owned */
    struct gen_summary_counts counts;
    struct gen_summary_times times;
    int64_t *post_us; /* every question POST; sorted once finished */
    size_t post_count, post_cap;
    /* computed by gen_summary_finish */
    double span_min;     /* minutes from the first POST to the last; 0 under two */
    double rate_per_min; /* < 0 when unknown (under two POSTs, or no span) */
    int64_t peak_60s;
};

struct gen_summary {
    struct gen_summary_counts counts;
    struct gen_summary_times times;
    struct gen_summary_ws *ws; /* in order of first appearance */
    size_t ws_count, ws_cap;
    /* Set by the caller from gen_output (0 for a fresh run). */
    int64_t resumed_done;    /* questions with a record before this run */
    int64_t resumed_pending; /* acknowledged before this run, polled by it */
    bool finished;
};

/* Zeroes s. Nothing to free until something is added. */
void gen_summary_init(struct gen_summary *s);

/* Frees everything and zeroes s. Safe on a zeroed summary and on NULL. */
void gen_summary_cleanup(struct gen_summary *s);

/*
 * Counts one record (its workspace_id may be NULL: counted under "(none)").
 * Returns GK_OK or GK_OUT_OF_MEMORY (the summary is then incomplete but
 * consistent). Clears `finished`.
 */
enum gk_rc gen_summary_add(struct gen_summary *s, const struct gen_record *r,
                           struct gk_err *err);

/*
 * Notes a question POST (start-conversation or create-message, retries
 * included) to workspace_id at now_us. Returns GK_OK or GK_OUT_OF_MEMORY.
 * Clears `finished`.
 */
enum gk_rc gen_summary_add_post(struct gen_summary *s, const char *workspace_id,
                                int64_t now_us, struct gk_err *err);

/* Question POSTs noted so far, all workspaces (for a progress line). */
int64_t gen_summary_posts(const struct gen_summary *s);

/*
 * Sorts the samples and computes the percentiles, rates and peaks into the
 * structs above. Idempotent; the report functions call it.
 */
void gen_summary_finish(struct gen_summary *s);

/* Nearest-rank percentile p (0 < p <= 100) of n sorted values; -1 when n is 0. */
int64_t gen_summary_percentile(const int64_t *sorted, size_t n, double p);

/* Most values of sorted times[0..n) inside any window (t - window_us, t]. */
int64_t gen_summary_peak(const int64_t *sorted, size_t n, int64_t window_us);

/*
 * Prints the human summary to out (a few lines and a table per workspace).
 * Returns GK_OK or GK_IO_ERROR if writing failed.
 */
enum gk_rc gen_summary_print(struct gen_summary *s, FILE *out, struct gk_err *err);

/*
 * The summary as one JSON object (newline-terminated) into *out (caller
 * frees), length into *out_len (may be NULL). Returns GK_OK or
 * GK_OUT_OF_MEMORY.
 */
enum gk_rc gen_summary_encode(struct gen_summary *s, char **out, size_t *out_len,
                              struct gk_err *err);

/*
 * Writes the JSON to path atomically (a temporary file in the same
 * directory, fsynced, then renamed over path), so a reader never sees half
 * a summary. Returns GK_OK, GK_IO_ERROR naming the path, or GK_OUT_OF_MEMORY.
 */
enum gk_rc gen_summary_write(struct gen_summary *s, const char *path, struct gk_err *err);

#endif
