/*
 * fault: fault-injection rules. A rule has a name, a match (which requests it
 * looks at), a trigger (which of those it fires on) and an action (what the
 * client gets instead of the normal answer), and counts how often it matched
 * and fired. Rules come from a scenario's "faults" array or are armed at run
 * time through the admin API; the JSON form is documented in README.md
 * ("Fault injection") and docs/scenario.md, e.g.
 *
 *   {"name": "throttle", "match": {"method": "GET", "route": "get_space"},
 *    "trigger": {"first": 3}, "action": {"status": 429, "retry_after_s": 2}}
 *
 * Rules are evaluated in order for each request; the first that fires acts.
 * Trigger conditions combine (all must hold) and count only the requests the
 * rule's match selects, so {"every": 3} fires on the 3rd, 6th, ... matching
 * request, whatever else the client sends.
 *
 * Ownership: a rule set owns its rules and strings. Thread-safety: none; the
 * mock's lock guards the set (counters change on every evaluation).
 */
#ifndef MOCK_FAULT_H
#define MOCK_FAULT_H

#include "common/err.h"
#include "common/lifecycle.h"
#include "common/rng.h"
#include "common/routes.h"
#include "common/types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOCK_FAULT_NAME_MAX     64
#define MOCK_FAULT_HEADERS_MAX  4
/* The longest latency a rule may ask for, and the cap of one that gives
 * none: as long as the http layer holds a hang (MOCK_HTTP_HANG_MAX_US), so a
 * delay is never silently shorter than its rule says. */
#define MOCK_FAULT_DELAY_MAX_US (600 * INT64_C(1000000))

/* What happens to the connection instead of (or after) a normal answer. */
enum mock_fault_transport {
    MOCK_FAULT_NONE,      /* answer normally (or with the rule's status) */
    MOCK_FAULT_HANG,      /* never answer; the client must give up */
    MOCK_FAULT_DROP,      /* close the connection without a reply */
    MOCK_FAULT_RESET,     /* send the headers and part of the body, then close */
    MOCK_FAULT_TRUNCATE,  /* a well-framed reply whose JSON body is cut short */
    MOCK_FAULT_MALFORMED, /* a well-framed reply whose body is not JSON */
};

/* A latency: fixed, uniform in [min, max], or lognormal around a median,
 * always capped. 0 everywhere: none. */
enum mock_fault_delay_kind {
    MOCK_FAULT_DELAY_NONE,
    MOCK_FAULT_DELAY_FIXED,
    MOCK_FAULT_DELAY_UNIFORM,
    MOCK_FAULT_DELAY_LOGNORMAL,
};

struct mock_fault_delay {
    enum mock_fault_delay_kind kind;
    int64_t min_us, max_us; /* fixed: min_us; uniform: the range */
    int64_t median_us;      /* lognormal */
    double sigma;           /* lognormal */
    int64_t cap_us;         /* upper bound of every kind (0: MOCK_FAULT_DELAY_MAX_US) */
};

/* The fate a question's message is forced into (question POSTs only). */
enum mock_fault_outcome {
    MOCK_FAULT_OUTCOME_NONE,
    MOCK_FAULT_OUTCOME_FAILED,    /* at `at`, with error_type */
    MOCK_FAULT_OUTCOME_CANCELLED, /* at `at` */
    MOCK_FAULT_OUTCOME_STUCK,     /* in `at`, never terminal */
    MOCK_FAULT_OUTCOME_EXPIRED,   /* completes, then expires after expire_after_us */
};

struct mock_fault_header {
    char *name, *value;
};

struct mock_fault_rule {
    char name[MOCK_FAULT_NAME_MAX];
    /* match: NULL / GK_HTTP_UNKNOWN / GK_ROUTE_NONE mean "any" */
    enum gk_http_method method;
    enum gk_route_id route;
    char *workspace_id;
    char *space_id;
    char *principal; /* principal name (e-mail) */
    char *content;   /* substring of a question's content */
    /* trigger: every set condition must hold */
    int64_t nth;        /* only the nth matching request (1-based) */
    int64_t first;      /* only the first k matching requests */
    int64_t every;      /* every k-th matching request */
    double probability; /* with probability p (seeded), 0: condition off */
    bool has_probability;
    int64_t from_us, until_us; /* clock window [from, until); until 0: open */
    bool has_window;
    int64_t after_polls; /* a message already polled at least n times */
    /* action */
    int status;            /* 0: keep the normal status */
    char *error_code;      /* envelope error_code (default: the status's) */
    char *message;         /* envelope message */
    int64_t retry_after_s; /* Retry-After header; -1: none */
    struct mock_fault_header headers[MOCK_FAULT_HEADERS_MAX];
    size_t header_count;
    struct mock_fault_delay delay;
    enum mock_fault_transport transport;
    enum mock_fault_outcome outcome;
    enum gk_msg_status at;
    char *error_type;
    int64_t expire_after_us;
    /* counters */
    int64_t matched;
    int64_t fired;
};

struct mock_fault_set {
    struct mock_fault_rule *rules;
    size_t count, cap;
};

/* What a request looks like to the rules. */
struct mock_fault_request {
    enum gk_http_method method;
    enum gk_route_id route;
    const char *workspace_id;
    const char *space_id;  /* "" when the route has none */
    const char *principal; /* NULL before/without authentication */
    const char *content;   /* a question's content, else NULL */
    int64_t polls;         /* GETs of this message so far, this one included */
    int64_t now_us;
};

/*
 * Parses one rule from JSON text (an object as above). `where` names the
 * source in messages ("faults[2]" in a scenario, "body" for the admin API).
 * Returns GK_OK, or GK_BAD_CONFIG / GK_INVALID_PARAMETER_VALUE naming the
 * key path; *out is zeroed on error.
 */
enum gk_rc mock_fault_parse(const char *where, const char *text, size_t len,
                            struct mock_fault_rule *out, struct gk_err *err);

struct mock_sj;
struct mock_sj_node;
/* The same from a node of a document being read (scenario files' "faults"),
 * at the reader's current path. */
enum gk_rc mock_fault_read(struct mock_sj *r, const struct mock_sj_node *v,
                           struct mock_fault_rule *out);

/* Frees what a rule owns and zeroes it. */
void mock_fault_rule_cleanup(struct mock_fault_rule *r);

/* Appends rule (taken: *rule is zeroed) to set; a rule with the same name
 * is replaced in place. GK_OK or GK_OUT_OF_MEMORY. */
enum gk_rc mock_fault_add(struct mock_fault_set *set, struct mock_fault_rule *rule,
                          struct gk_err *err);
/* Removes the rule named name; false when there is none. */
bool mock_fault_remove(struct mock_fault_set *set, const char *name);
/* Removes every rule. */
void mock_fault_clear(struct mock_fault_set *set);
/* Deep-copies src into dst (empty before). GK_OK or GK_OUT_OF_MEMORY. */
enum gk_rc mock_fault_copy(struct mock_fault_set *dst, const struct mock_fault_set *src,
                           struct gk_err *err);
void mock_fault_set_cleanup(struct mock_fault_set *set);

/*
 * Evaluates the rules for req in order, counting matches, and returns the
 * first rule that fires (its `fired` counted), or NULL. rng draws the
 * probability triggers. Question-outcome rules (outcome != NONE) only ever
 * fire on start_conversation / create_message.
 */
struct mock_fault_rule *mock_fault_eval(struct mock_fault_set *set,
                                        const struct mock_fault_request *req,
                                        struct gk_rng *rng);

/* Draws the rule's latency in microseconds (0 when it has none). */
int64_t mock_fault_delay_us(const struct mock_fault_delay *d, struct gk_rng *rng);

/* The rules as a JSON array with their counters (caller frees), for
 * GET /__admin/faults. NULL when out of memory. */
char *mock_fault_encode(const struct mock_fault_set *set, size_t *len);

#endif
