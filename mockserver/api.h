/*
 * api: what genie-mock answers, as plain functions from a request to a
 * response. api.c holds the dispatcher (limits, routing, authentication,
 * error envelopes); api_genie.c the Genie endpoints; api_oauth.c discovery
 * and the token endpoint. Internal to mockserver/.
 */
#ifndef MOCK_API_H
#define MOCK_API_H

#include "common/codec.h"
#include "common/routes.h"
#include "mockserver/mock.h"

/* One request in flight. */
struct mock_call {
    struct mock_ws *ws;
    struct mock *m;
    const struct mock_request *req;
    struct mock_response *resp;
    struct gk_route_match match;
    const struct mock_principal *principal; /* NULL before authentication */
    int64_t now_us;
    char request_id[GK_ID_UUID_SIZE];
    /* Faults: the rule that fired for this call, if any; a question POST
     * whose message's fate it forces reads it from here. */
    const struct mock_fault_rule *fault;
    /* What the observers (mockserver/observe.h) are told about this call. */
    const struct mock_msg *shown;   /* a message whose status the reply shows */
    enum gk_msg_status shown_status;
    char error_code[64];            /* of an error reply */
    char error_message[GK_ERR_MSG_MAX];
    int64_t retry_after_s;          /* -1: no Retry-After */
    bool question_throttled;
};

/* Answers with the Databricks error envelope for rc; the message is the
 * printf-style text (NULL: the code's default message). */
void mock_api_fail(struct mock_call *c, enum gk_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Answers with the error recorded in err. */
void mock_api_fail_err(struct mock_call *c, const struct gk_err *err);
/* Answers 200 with body (taken) or, when rc is not GK_OK, with err. */
void mock_api_reply(struct mock_call *c, enum gk_rc rc, char *body, size_t len,
                    const struct gk_err *err);
/* Answers 429 with Retry-After for a wait of wait_us simulated microseconds. */
void mock_api_throttle(struct mock_call *c, int64_t wait_us, const char *what);

/* Records that the reply shows msg in status st (for the client report). */
void mock_api_shown(struct mock_call *c, const struct mock_msg *msg, enum gk_msg_status st);

/* The Genie endpoints (api_genie.c), the OAuth ones (api_oauth.c), and the
 * admin API and /metrics (admin.c). */
void mock_api_genie(struct mock_call *c);
void mock_api_oauth(struct mock_call *c);
void mock_api_admin(struct mock_call *c);
void mock_api_metrics(struct mock_call *c);

#endif
