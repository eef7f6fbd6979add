/*
 * mock_client: a Genie client simulated over HTTP against an in-process
 * genie-mock on its manual clock, for the suites that look at many messages
 * at once (mock_scenarios, mock_report).
 *
 * It behaves as a well-mannered client: it asks questions at a steady pace
 * per workspace (as the workspace's first principal with a PAT, over its
 * spaces in turn), polls every message it started with exponential backoff
 * until a terminal status or a give-up age, waits out every Retry-After on
 * the route that sent it before using that route again, never repeats a
 * request that got a 4xx other than 429, and optionally fetches the query
 * result of each completed SQL answer once. Time moves only here: the run
 * jumps the clock from one due request to the next, so nothing sleeps.
 *
 * What it met is counted: replies per kind of request and HTTP status, how
 * many error replies carried Retry-After (and its range) and the Databricks
 * envelope, and per message the statuses seen with the time each was
 * entered (last_updated_timestamp), its end, error type and query.
 *
 * Ownership: mc_new allocates, mc_free releases; the mock is borrowed.
 */
#ifndef TEST_MOCK_CLIENT_H
#define TEST_MOCK_CLIENT_H

#include "tests/integration/mock_harness.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_MAX_MSGS 1024
#define MC_MAX_WS   4
#define MC_STATUS   600 /* HTTP statuses counted (0: the connection failed) */

/* Kinds of request, each a route the report keys Retry-After on. */
enum mc_kind { MC_POST, MC_POLL, MC_RESULT, MC_KINDS };

struct mc_opts {
    size_t questions;        /* messages to start in all (successful POSTs) */
    size_t workspaces;       /* ask in workspaces 0..n-1 in turn; 0: 1 */
    int64_t question_gap_ms; /* per workspace, after a question went in; 0: 13 s */
    int64_t poll_first_ms;   /* first poll after the POST; 0: 1 s */
    double poll_factor;      /* backoff factor; 0: 2 (1 keeps the interval) */
    int64_t poll_max_ms;     /* 0: 60 s */
    int64_t give_up_ms;      /* polls stop this long after the POST; 0: 10 min */
    bool fetch_results;      /* GET each completed SQL answer's query result once */
};

struct mc_msg {
    size_t ws;
    char space[40];
    struct h_ids ids;
    char query_att[40]; /* "" when no query attachment was seen */
    int64_t posted_ms;  /* mock clock */
    int64_t created_ts; /* created_timestamp (epoch ms) */
    int64_t done_ts;    /* last_updated_timestamp of the terminal status */
    int64_t entered[GK_MSG_STATUS_COUNT]; /* epoch ms each status began; -1: unseen */
    enum gk_msg_status status;            /* last seen */
    bool done, gave_up;
    char error_type[64];
    int polls;
    int64_t next_poll_ms, wait_ms;
    bool result_due;
    long result_status; /* the query result GET's HTTP status; 0: not fetched */
    char result_state[16];
};

struct mc_stats {
    int64_t sent[MC_KINDS];
    int64_t status[MC_KINDS][MC_STATUS];
    int64_t retry_after[MC_KINDS][MC_STATUS]; /* replies with Retry-After */
    int64_t ra_min[MC_KINDS][MC_STATUS], ra_max[MC_KINDS][MC_STATUS];
    char code[MC_KINDS][MC_STATUS][40]; /* error_code last seen */
    int64_t bad_envelope;               /* error replies not in the envelope */
    char first_bad[512];
};

struct mc {
    struct mock *m;
    struct mc_opts o;
    struct mc_msg msgs[MC_MAX_MSGS];
    size_t n;
    size_t asked[MC_MAX_WS];
    int64_t next_post_ms[MC_MAX_WS];
    int64_t hold_ms[MC_MAX_WS][MC_KINDS]; /* Retry-After: not before */
    struct mc_stats st;
};

/* A client for m with options o (copied; defaults filled in). */
struct mc *mc_new(struct mock *m, const struct mc_opts *o);
void mc_free(struct mc *c);

/* Asks every question and follows every message to its end (or gives up on
 * it); returns when nothing is left to do. */
void mc_run(struct mc *c);

/* Messages in each state: ended in status s; given up. */
size_t mc_count_status(const struct mc *c, enum gk_msg_status s);
size_t mc_count_gave_up(const struct mc *c);
/* Requests of kind k sent, and those answered with HTTP status. */
int64_t mc_sent(const struct mc *c, enum mc_kind k);
int64_t mc_got(const struct mc *c, enum mc_kind k, int status);

/* Asserts that every error reply of kind k with this status carried the
 * envelope with error_code and Retry-After of exactly retry_after_s (-1:
 * none). */
void mc_expect_errors(const struct mc *c, enum mc_kind k, int status,
                      const char *error_code, int64_t retry_after_s);

#endif
