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
};

/* Starts the built-in scenario `name` (or the JSON text when it starts
 * with '{') with seed 7 and a manual clock; aborts the test on failure. */
struct mock *h_start(const char *scenario);
void h_stop(struct mock *m);
/* Moves the manual clock forward. */
void h_advance_ms(struct mock *m, int64_t ms);

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

/* The string at key of r's JSON, or NULL. */
const char *h_str(const struct h_reply *r, const char *key);
/* The value of a response header (case-insensitive), copied into buf; NULL if absent. */
const char *h_header(const struct h_reply *r, const char *name, char *buf, size_t cap);

#endif
