/*
 * observe: what genie-mock remembers about the calls it served, for people
 * and for CI. The dispatcher (api.c) describes every finished call as one
 * struct mock_event and hands it to mock_observe_event(), which feeds four
 * observers:
 *
 *   journal  the last N calls, filterable (GET /__admin/journal);
 *   audit    one JSON line per Genie API call in the system.access.audit
 *            shape (genie-api.md section 6), appended to --audit-log FILE
 *            and flushed per line, and the last N kept for GET /__admin/audit;
 *   metrics  counters for GET /metrics in the Prometheus text format;
 *   report   per principal, what a Genie client should not do (the client
 *            report: GET /__admin/report, printed at shutdown, --strict).
 *
 * Everything is driven by events and the clock values inside them, so the
 * observers are plain data structures testable without a socket.
 *
 * Ownership: an event's strings are borrowed for the duration of the call;
 * observers copy what they keep. Thread-safety: none; the mock's lock is
 * held around every call.
 */
#ifndef MOCK_OBSERVE_H
#define MOCK_OBSERVE_H

#include "common/err.h"
#include "common/routes.h"
#include "common/types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One finished call. Strings may be NULL when unknown or not applicable. */
struct mock_event {
    int64_t now_us;        /* mock clock, simulated us since start */
    int64_t wall_ms;       /* mock clock, epoch ms (event_time) */
    const char *workspace_id;
    const char *account_id;
    const char *principal; /* name (e-mail) of the authenticated principal */
    int64_t user_id;
    const char *method;    /* as sent */
    const char *path;      /* without the query */
    const char *query;     /* raw, "" when none */
    enum gk_route_id route; /* GK_ROUTE_NONE for unknown paths and admin calls */
    int status;            /* HTTP status sent (0: the connection was dropped) */
    const char *error_code; /* envelope error_code of an error reply */
    const char *error_message;
    int64_t latency_us;    /* real time spent answering, fault delays included */
    const char *fault;     /* name of the fault rule that fired */
    const char *request_id;
    const char *remote_ip;
    const char *user_agent;
    /* Ids from the path, and those a question POST created. */
    const char *space_id, *conversation_id, *message_id, *attachment_id;
    const char *feedback_rating; /* send_message_feedback */
    int64_t retry_after_s; /* Retry-After sent with this reply, -1 when none */
    bool question_throttled; /* a question POST refused by the question limit */
    uint64_t request_hash; /* method + path + query + body, for "repeated unchanged" */
    /* For get_message replies and question POSTs: the message's status as
     * sent, and when (mock clock) it reaches a terminal status (INT64_MAX:
     * never, e.g. stuck); created_us is set on the question POST. */
    bool has_message;
    enum gk_msg_status message_status;
    int64_t message_created_us;
    int64_t message_terminal_us;
};

/* ---- journal ---- */

struct mock_journal_filter {
    const char *workspace_id, *principal, *method, *route, *fault;
    int status;       /* 0: any */
    int64_t since_us; /* events at or after (mock clock) */
    size_t limit;     /* newest first; 0: all kept */
};

/* ---- the client report ---- */

/* X(field, what the README says about it) */
#define MOCK_REPORT_MAP(X)                                                               \
    X(fast_polls, "polls of one message less than 1 s apart")                           \
    X(ignored_retry_after, "requests sent before a Retry-After elapsed")                \
    X(repeated_4xx, "non-retryable 4xx (400, 403, 404) requests repeated unchanged")    \
    X(over_question_limit, "question POSTs refused by the question limit")              \
    X(abandoned, "messages abandoned before a terminal status")                         \
    X(polled_past_10m, "messages polled more than 10 minutes after they were created")

struct mock_observe; /* opaque */

struct mock_observe_opts {
    size_t journal_max; /* events kept (0: 100000) */
    size_t audit_max;   /* audit rows kept in memory (0: 100000) */
    FILE *audit_log;    /* NULL: none; not closed by observe */
};

/* GK_OK or GK_OUT_OF_MEMORY. */
enum gk_rc mock_observe_new(const struct mock_observe_opts *o, struct mock_observe **out,
                            struct gk_err *err);
void mock_observe_free(struct mock_observe *ob);
/* Forgets everything (POST /__admin/reset); the audit file is kept open. */
void mock_observe_reset(struct mock_observe *ob);

/* Records one finished call in every observer. Never fails: an observer
 * that runs out of memory drops what it cannot keep and counts the loss. */
void mock_observe_event(struct mock_observe *ob, const struct mock_event *ev);

/* GET /__admin/journal: {"events": [...]} newest first. Caller frees. */
char *mock_observe_journal(const struct mock_observe *ob, const struct mock_journal_filter *f,
                           size_t *len);
/* GET /__admin/audit: {"events": [...]} audit rows, newest first, at most
 * limit (0: all kept). Caller frees. */
char *mock_observe_audit(const struct mock_observe *ob, size_t limit, size_t *len);
/* One audit row as a JSON line (no newline), exactly as written to the file.
 * Caller frees. NULL for events that make no audit row (admin, metrics). */
char *mock_observe_audit_row(const struct mock_event *ev, size_t *len);

/*
 * GET /metrics, in the Prometheus text exposition format. messages_by_status
 * is the current count of messages per MessageStatus (from the store).
 * Caller frees.
 */
char *mock_observe_metrics(const struct mock_observe *ob,
                           const int64_t messages_by_status[GK_MSG_STATUS_COUNT],
                           size_t *len);

/*
 * The client report at clock time now_us, as JSON (GET /__admin/report):
 * {"violations": N, "principals": [{"principal", "workspace_id", "requests",
 * "questions", one count per MOCK_REPORT_MAP field, "examples": [...]}]}.
 * final: the run is over, so every message whose last status a client saw
 * was not terminal counts as abandoned (otherwise only those that have been
 * terminal for more than 2 minutes without a poll). Caller frees.
 */
char *mock_observe_report(const struct mock_observe *ob, int64_t now_us, bool final,
                          size_t *len);
/* The same as lines of text for people (printed at shutdown). */
void mock_observe_report_print(const struct mock_observe *ob, int64_t now_us, bool final,
                               FILE *out);
/* Total violations in the report (what --strict exits non-zero on). */
int64_t mock_observe_violations(const struct mock_observe *ob, int64_t now_us, bool final);

#endif
