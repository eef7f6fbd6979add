/*
 * mock_harness: what the integration suites share. It starts a genie-mock
 * in-process on free loopback ports with a manual clock (so tests move time
 * by hand and never sleep), and makes HTTP calls to it with libcurl, each
 * bounded by a timeout. Replies are parsed with cJSON for assertions.
 */
#ifndef TEST_MOCK_HARNESS_H
#define TEST_MOCK_HARNESS_H

#include "mockserver/mock.h"

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 2026-11-21T00:00:00Z: the manual clock's start in every test. */
#define H_START_MS INT64_C(1795219200000)

struct h_reply {
    long status;
    char *body; /* NUL-terminated */
    size_t len;
    char headers[4096]; /* raw response headers */
    cJSON *json;        /* parsed body, or NULL */
    int curl_rc;        /* libcurl's CURLcode of the transfer (0: CURLE_OK) */
};

/* Starts the built-in scenario `name` (or the JSON text when it starts
 * with '{') with seed 7 and a manual clock; aborts the test on failure. */
struct mock *h_start(const char *scenario);
/* h_start with an extra PAT accepted everywhere (genie-mock --token). */
struct mock *h_start_token(const char *scenario, const char *token);
/* h_start with more options (an audit log, ...): o's fields are used as
 * given, except the scenario (as h_start), the manual clock and its start,
 * and the seed (7 unless o->has_seed). o may be NULL. */
struct mock *h_start_opts(const char *scenario, const struct mock_opts *o);
void h_stop(struct mock *m);
/* Moves the manual clock forward. */
void h_advance_ms(struct mock *m, int64_t ms);
/* The mock's clock: simulated ms since start, and the same as epoch ms. */
int64_t h_now_ms(const struct mock *m);
int64_t h_wall_ms(const struct mock *m);

/* The n-th principal's PAT of workspace i, and the id of its k-th space. */
const char *h_token(const struct mock *m, size_t ws, size_t n);
const char *h_space(const struct mock *m, size_t ws, size_t k);

/*
 * One request to workspace ws. path includes the query; body may be NULL;
 * auth is the whole Authorization value ("Bearer x") or NULL for none;
 * extra_header is one more "Name: value" line or NULL. Returns the reply
 * (release with h_free); status 0 when the connection failed.
 */
struct h_reply h_call(const struct mock *m, size_t ws, const char *method,
                      const char *path, const char *body, const char *auth,
                      const char *extra_header);
/* h_call with "Bearer <token>". */
struct h_reply h_req(const struct mock *m, size_t ws, const char *method,
                     const char *path, const char *body, const char *token);
void h_free(struct h_reply *r);

/* Everything a request may carry beyond method and path; zero means none. */
struct h_send {
    const char *auth;           /* whole Authorization value, or NULL */
    const char *body;           /* NULL: no body */
    size_t body_len;            /* 0: strlen(body) */
    const char *content_type;   /* with a body; NULL: application/json */
    bool chunked;               /* send the body chunked, without Content-Length */
    const char *const *headers; /* more "Name: value" lines, NULL-terminated */
    const char *accept;         /* NULL: application/json */
    long timeout_ms;            /* whole transfer; 0: 10 s */
};

/* One request as s describes it; reply as h_call (which is built on it). */
struct h_reply h_send(const struct mock *m, size_t ws, const char *method,
                      const char *path, const struct h_send *s);

/* "Basic base64(id:secret)" into buf (cap bytes); returns buf. */
const char *h_basic(const char *id, const char *secret, char *buf, size_t cap);

/* The integer at key of r's JSON (which must be a JSON number). */
int64_t h_int(const struct h_reply *r, const char *key);

/* A conversation and one of its messages, by id. */
struct h_ids {
    char conv[GK_ID_SIZE], msg[GK_ID_SIZE];
};

/* Starts a conversation with content in space as token; aborts the test
 * unless the reply is 200. Returns the new ids. */
struct h_ids h_start_conversation(const struct mock *m, size_t ws, const char *space,
                                  const char *token, const char *content);
/* GET the message ids names, in space, as token. */
struct h_reply h_get_message(const struct mock *m, size_t ws, const char *space,
                             const struct h_ids *ids, const char *token);

/* POST /oidc/v1/token with a form body; auth is the whole Authorization
 * value or NULL. */
struct h_reply h_token_request(const struct mock *m, size_t ws, const char *form,
                               const char *auth);
/* An access token for client id/secret of workspace ws, asked for with Basic
 * auth as the SDKs do, into out (GK_AUTH_TOKEN_SIZE is enough); aborts the
 * test unless the reply is 200. */
void h_mint(const struct mock *m, size_t ws, const char *id, const char *secret, char *out,
            size_t cap);

/* The string at key of object o, or "(absent)" when o has no string there:
 * safe to hand to cr_assert_str_eq. */
const char *h_jstr(const cJSON *o, const char *key);

/* The Databricks error envelope: status, JSON with exactly error_code and a
 * message containing needle (when not NULL), and an X-Request-Id header.
 * Aborts the test otherwise. */
void h_expect_envelope(const struct h_reply *r, long status, const char *error_code,
                       const char *needle);

/* One admin API call to workspace 0 with the mock's admin token; path
 * starts with "/__admin/"; body may be NULL. */
struct h_reply h_admin(const struct mock *m, const char *method, const char *path,
                       const char *body);

/* The string at key of r's JSON, or NULL. */
const char *h_str(const struct h_reply *r, const char *key);
/* The value of a response header (case-insensitive), copied into buf; NULL if absent. */
const char *h_header(const struct h_reply *r, const char *name, char *buf, size_t cap);

/* ---- the admin API (calls: h_admin above) ---- */

/* Arms a fault rule (POST /__admin/faults); aborts the test unless 200. */
void h_arm(const struct mock *m, const char *rule);
/* The counters of the armed rule `name` (GET /__admin/faults); aborts the
 * test when there is no such rule. */
void h_fault_counts(const struct mock *m, const char *name, int64_t *matched, int64_t *fired);
/* scenario (JSON text) with the top-level key set to the JSON text value,
 * e.g. h_scenario_with(s, "faults", "[...]"). Caller frees; aborts the test
 * when either is not valid JSON. */
char *h_scenario_with(const char *scenario, const char *key, const char *value);

#endif
