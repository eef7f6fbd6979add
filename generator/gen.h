/*
 * gen: the shared vocabulary of genie-gen, the conversation generator.
 *
 * genie-gen asks Genie questions across workspaces and spaces without ever
 * breaking the per-workspace question limit, polls each message to a
 * terminal status and writes one durable JSON line per message. Its parts:
 *
 *   config   settings from defaults, a JSON file, the environment and flags,
 *            and ~/.databrickscfg profiles (config.c, config_file.c)
 *   plan     the deterministic list of questions: workspaces x spaces x
 *            conversations x follow-ups, texts from question banks (plan.c)
 *   pacer    per workspace, at most `rate` question POSTs in any sliding
 *            60 s, retries included; slower for a while after a 429 (pacer.c)
 *   output   the records file (one line per finished message, appended and
 *            flushed), the state journal (one line per acknowledged POST),
 *            and resuming from both after a crash (output.c)
 *   summary  counts, rates and percentiles at the end (summary.c)
 *   run      the libcurl multi loop that does all of it on one thread (run.c)
 *
 * Everything but run.c is pure: time is passed in (mock-clock microseconds,
 * `now_us`, from common/clock), so the pieces are tested without sockets.
 *
 * A question's key is stable across runs of the same configuration:
 * "<workspace_id>/<space_id>/c<conversation>/m<turn>", turn 0 being the
 * question that starts the conversation.
 */
#ifndef GEN_GEN_H
#define GEN_GEN_H

#include "common/err.h"
#include "common/rlimit.h"
#include "common/types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GEN_KEY_MAX 96

/* ---- configuration ---- */

struct gk_config; /* common/config.h */

enum gen_auth_kind { GEN_AUTH_PAT, GEN_AUTH_OAUTH_M2M };

struct gen_space {
    char *space_id;
    char *title;       /* from list spaces, or the config */
    char *description; /* may be NULL */
    char *domain;      /* question-bank domain, or NULL: matched from the title */
};

struct gen_workspace {
    char *workspace_id; /* as configured, or from /.well-known/databricks-config */
    char *host;         /* base URL, e.g. https://dbc-....cloud.databricks.com */
    enum gen_auth_kind auth;
    char *token;         /* PAT (secret) */
    char *client_id;     /* OAuth M2M */
    char *client_secret; /* OAuth M2M (secret) */
    struct gen_space *spaces; /* none configured: discover with list spaces */
    size_t space_count;
};

struct gen_config {
    struct gen_workspace *workspaces;
    size_t workspace_count;
    int64_t conversations_per_space; /* default 1 */
    int64_t follow_ups_min, follow_ups_max; /* per conversation, default 1..2 */
    bool follow_up_after_failure;    /* default false */
    char *questions_dir;             /* question banks, default fixtures/questions */
    double rate_per_min;             /* per workspace, default 4 */
    bool allow_above_limit;          /* needed for rate_per_min > 5 */
    int64_t first_poll_us;           /* default 1 s */
    int64_t max_poll_interval_us;    /* default 60 s */
    int64_t poll_timeout_us;         /* give up after, default 10 min */
    int64_t stall_us;                /* status unchanged this long: reported, default 5 min */
    int64_t max_in_flight;           /* messages being polled at once, default 32 */
    int64_t retry_budget_us;         /* 503 / network retries per request, default 5 min */
    int64_t request_timeout_us;      /* one HTTP request, default 60 s (real time) */
    int64_t seed;
    double time_scale;               /* default 1 (against a mock running faster) */
    char *output;                    /* records file, default genie-gen.jsonl */
    char *state;                     /* state journal, default <output>.state */
    char *summary;                   /* summary JSON file, or NULL */
    bool fsync;                      /* fsync each record, default false */
    bool fetch_results;              /* fetch each query result: rows and columns */
    bool dry_run;
    char *cacert;                    /* CA bundle for HTTPS, or NULL: the system's */
    double grace_s;                  /* after SIGINT, in-flight messages finish for this long */

    /* Read by config.c to build `workspaces` (one workspace from these when
     * the config file lists none; a listed workspace without credentials
     * takes token or client_id/client_secret from here), and the command
     * line. Strings are owned like the ones above. */
    char *config_file;   /* --config: the JSON config file, or NULL */
    char *profile;       /* section of ~/.databrickscfg, or NULL */
    char *host;          /* DATABRICKS_HOST */
    char *token;         /* DATABRICKS_TOKEN (secret) */
    char *client_id;     /* DATABRICKS_CLIENT_ID */
    char *client_secret; /* DATABRICKS_CLIENT_SECRET (secret) */
    char *workspace_id;  /* of the single workspace, or NULL */
    char *spaces;        /* its space ids, comma-separated, or NULL: discover */
    int log_level;       /* enum gk_log_level, default info */
    bool help, print_config;
    bool workspaces_from_file;  /* the config file listed the workspaces */
    struct gk_config *settings; /* owned: where each value came from (config.c) */
};

/* ---- the plan ---- */

/* One question of the plan. Follow-ups of a conversation follow its start. */
struct gen_question {
    char key[GEN_KEY_MAX];
    size_t workspace;  /* index into gen_config.workspaces */
    size_t space;      /* index into that workspace's spaces */
    size_t conversation; /* index of the conversation within the space */
    int turn;          /* 0: starts the conversation; 1..: follow-ups */
    int turns;         /* questions in this conversation */
    char *text;
};

/* The plan's view of one space: its bank and its share of the plan. */
struct gen_plan_space {
    size_t workspace, space; /* indexes into the configuration */
    char *bank;              /* owned: the domain of the bank it asks from */
    size_t first;            /* index of its first question in the plan */
    size_t conversations, questions;
};

struct gen_plan {
    struct gen_question *questions; /* conversation by conversation, turns in order */
    size_t count;
    size_t conversations;
    struct gen_plan_space *spaces; /* every space of every workspace, in order */
    size_t space_count;
};

/* ---- what happened to one message: the output record ---- */

struct gen_record {
    char run_id[40];
    char key[GEN_KEY_MAX];
    const char *workspace_id;
    const char *space_id;
    char conversation_id[40];
    char message_id[40];
    const char *kind;          /* "start" or "follow_up" */
    const char *question;
    enum gk_msg_status status; /* final; GK_MSG_UNKNOWN when never known */
    const char *outcome;       /* "terminal", "timeout", "rejected" (4xx), "error", "interrupted" */
    char error_type[64];       /* MessageErrorType, or the HTTP error_code */
    char error_message[256];
    char *sql;                 /* owned */
    int64_t row_count;         /* -1 when unknown */
    char *attachment_ids;      /* owned: comma-separated */
    int64_t created_ms;        /* message created_timestamp (server) */
    int64_t terminal_ms;       /* when the terminal status was seen (mock clock) */
    int64_t time_to_terminal_ms;
    int64_t polls;
    int64_t retries;
    int64_t throttled;         /* 429s met while asking or polling */
    int64_t result_rows;       /* --fetch-results: rows fetched, -1 when not fetched */
    char *result_columns;      /* owned: comma-separated names, or NULL */
};

#endif
