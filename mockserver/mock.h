/*
 * mock: one genie-mock instance — the scenario it serves, its clock, and the
 * live state of every workspace it stands in for — and its life cycle
 * (new, start listening, stop, free).
 *
 * State model: conversations and messages are created by requests and kept
 * in id maps; a message's status is never stored but derived from its plan
 * (common/lifecycle) and the clock at the moment it is read, so no timer
 * runs and a manual clock moves every message at once. Everything mutable is
 * guarded by one mutex (`lock`): requests are short and the lock is never
 * held across I/O.
 *
 * Determinism: ids come from per-workspace generators seeded from the seed;
 * a message's outcome and timings from an rng derived from the seed, the
 * workspace and the message's ordinal; its SQL and rows from the seed, the
 * space and the question. Same scenario, seed and request sequence give the
 * same ids, statuses at the same clock times, SQL and rows.
 *
 * The mock is used by genie-mock's main() and, in-process on port 0, by the
 * integration tests.
 */
#ifndef MOCK_MOCK_H
#define MOCK_MOCK_H

#include "common/auth.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/id.h"
#include "common/lifecycle.h"
#include "common/rlimit.h"
#include "mockserver/answer.h"
#include "mockserver/http.h"
#include "mockserver/idmap.h"
#include "mockserver/observe.h"
#include "mockserver/scenario.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct mock_opts {
    const char *scenario_path; /* NULL: scenario_text, else the built-in default */
    const char *scenario_text; /* a scenario in memory (tests) */
    bool has_seed;             /* seed overrides the scenario's */
    uint64_t seed;
    double time_scale;         /* 0 means 1 */
    bool manual_clock;         /* time moves only when advanced (tests, admin) */
    int64_t manual_start_ms;   /* wall time of a manual clock; 0: now */
    const char *bind_addr;     /* NULL: 127.0.0.1 */
    uint16_t base_port;        /* workspace i listens on base_port + i; 0: free ports */
    unsigned threads;          /* MHD threads per workspace */
    const char *token;         /* an extra PAT accepted everywhere, all spaces */
    const char *admin_token;   /* guards /__admin/; NULL: a random one */
    bool admin_remote;         /* accept admin calls from other hosts too */
    const char *audit_log;     /* append audit rows to this file; NULL: none */
};

struct mock_ws;

/* A conversation's message, with everything needed to render it at any time. */
struct mock_msg {
    char id[GK_ID_SIZE];
    struct mock_conv *conv;
    char *content;
    int64_t user_id;
    int64_t created_ms;       /* wall ms (the created_timestamp) */
    struct gk_lifecycle_plan plan;
    struct mock_answer answer;
    char *error_text;         /* FAILED: the MessageError's human text */
    char query_att_id[GK_ID_SIZE];
    char text_att_id[GK_ID_SIZE];
    char sugg_att_id[GK_ID_SIZE];
    char statement_id[GK_ID_UUID_SIZE];
    bool has_feedback;
    enum gk_rating rating;
    char *comment;
    int64_t feedback_ms;      /* wall ms of the last feedback (moves last_updated) */
    int64_t polls;            /* GET message calls so far (fault triggers) */
};

struct mock_conv {
    char id[GK_ID_SIZE];
    struct mock_ws *ws;
    const struct mock_space *space;
    char *title;
    int64_t user_id;
    int64_t created_ms;
    struct mock_msg **msgs; /* creation order */
    size_t msg_count, msg_cap;
};

/* A space as served by one workspace: its conversations and whether trashed. */
struct mock_space_state {
    const struct mock_space *def;
    bool trashed;
    int64_t trashed_ms;
    struct mock_conv **convs; /* creation order */
    size_t conv_count, conv_cap;
};

struct mock_ws {
    struct mock *mock;
    size_t index;
    const struct mock_workspace *def;
    struct mock_principal *extra;   /* the --token principal, or NULL */
    struct mock_space_state *spaces; /* one per def->spaces */
    struct gk_rlimit questions;      /* question POSTs per window */
    struct gk_rlimit requests;       /* every request per second, if limited */
    bool limit_requests;
    struct gk_id_gen ids;
    uint64_t question_seq;
    uint64_t request_seq;
    struct mock_http_server *http;
    uint16_t port;
};

struct mock {
    struct mock_scenario scenario;
    uint64_t seed;
    struct gk_clock clock;
    struct gk_auth_key token_key; /* signs the OAuth access tokens */
    struct mock_opts opts;
    pthread_mutex_t lock;
    struct mock_ws *ws;
    size_t ws_count;
    struct mock_idmap convs; /* id -> struct mock_conv */
    struct mock_idmap msgs;  /* id -> struct mock_msg */
    struct mock_fault_set faults; /* armed now: the scenario's, then the admin API's */
    struct gk_rng fault_rng;      /* probability triggers and latencies */
    struct mock_observe *observe; /* journal, audit, metrics, client report */
    FILE *audit_file;
    char admin_token[80];
};

/*
 * Loads the scenario and builds the state (nothing listens yet). Returns
 * GK_OK and the mock in *out, or the scenario's or an option's error (naming
 * the key) with *out NULL.
 */
enum gk_rc mock_new(const struct mock_opts *opts, struct mock **out, struct gk_err *err);

/* Starts one listener per workspace. On error, those started are stopped. */
enum gk_rc mock_start(struct mock *m, struct gk_err *err);

/* Stops the listeners (mock_free does it too). */
void mock_stop(struct mock *m);

/* Frees everything. NULL is a no-op. */
void mock_free(struct mock *m);

/*
 * Forgets every conversation and message, empties the limiters, re-arms the
 * scenario's fault rules and clears the journal and the client report
 * (POST /__admin/reset). The clock keeps running. Caller holds m->lock.
 */
void mock_reset(struct mock *m);

/*
 * Replaces the scenario with sc (taken on success: *sc is zeroed) and
 * resets as mock_reset does (POST /__admin/scenario). sc must have as many
 * workspaces as the mock serves: their listeners stay, and take sc's body
 * cap at once. Returns GK_OK, or GK_INVALID_PARAMETER_VALUE /
 * GK_OUT_OF_MEMORY with nothing changed.
 * Caller holds m->lock.
 */
enum gk_rc mock_replace_scenario(struct mock *m, struct mock_scenario *sc, struct gk_err *err);

/* Adds the number of messages in each status at now_us to by_status. */
void mock_count_messages(const struct mock *m, int64_t now_us,
                         int64_t by_status[GK_MSG_STATUS_COUNT]);

/* The port workspace i listens on (after mock_start). */
uint16_t mock_port(const struct mock *m, size_t i);

/*
 * The HTTP handler of workspace ws (mockserver/api.c): public so tests can
 * call it without a socket.
 */
void mock_api_handle(void *ws, const struct mock_request *req, struct mock_response *resp);
void mock_api_too_large(void *ws, const struct mock_request *req, size_t max_body,
                        struct mock_response *resp);

/* ---- state operations (store.c); the caller holds m->lock ---- */

/* The space state of workspace ws with this id, or NULL (trashed ones too). */
struct mock_space_state *mock_store_space(struct mock_ws *ws, const char *space_id);
/* Creates a conversation with its first message, or a follow-up message in
 * conv. GK_OUT_OF_MEMORY or GK_RESOURCE_LIMIT_EXCEEDED on failure. */
enum gk_rc mock_store_start(struct mock_ws *ws, struct mock_space_state *sp,
                            const struct mock_principal *p, const char *content,
                            const struct mock_fault_rule *force,
                            struct mock_conv **conv_out, struct mock_msg **msg_out,
                            struct gk_err *err);
enum gk_rc mock_store_follow_up(struct mock_ws *ws, struct mock_conv *conv,
                                const struct mock_principal *p, const char *content,
                                const struct mock_fault_rule *force,
                                struct mock_msg **msg_out, struct gk_err *err);
/* Creation = force: a fault rule whose outcome (failed, cancelled, stuck,
 * expired) replaces the one drawn from the scenario; NULL for none. */
/* Lookups; NULL when absent or not in this workspace/space. */
struct mock_conv *mock_store_conv(struct mock_ws *ws, const char *space_id,
                                  const char *conv_id);
struct mock_msg *mock_store_msg(struct mock_conv *conv, const char *msg_id);
/* Deletes (and frees) a conversation with its messages, or one message. */
void mock_store_delete_conv(struct mock_ws *ws, struct mock_conv *conv);
void mock_store_delete_msg(struct mock_ws *ws, struct mock_msg *msg);

/* The wall time (epoch ms) of simulated time us. */
int64_t mock_wall_ms_at(const struct mock *m, int64_t us);

/*
 * Renders msg as it is at clock time now_us (status, attachments, error,
 * feedback) into a gk_message whose strings are BORROWED from msg: encode
 * it, then release it with mock_store_view_release() (never the gk_types
 * cleanup). q must outlive the view (it holds the attachments).
 */
struct mock_msg_view {
    struct gk_message m;
    struct gk_attachment att[3];
    struct gk_query_attachment query;
    struct gk_query_result_metadata meta;
    struct gk_text_attachment text;
    struct gk_suggested_questions sugg;
    struct gk_message_error error;
    struct gk_message_query_result legacy;
    struct gk_feedback feedback;
};
void mock_store_view(const struct mock *m, const struct mock_msg *msg, int64_t now_us,
                     struct mock_msg_view *v);

#endif
