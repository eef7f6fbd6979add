/*
 * fault_read: reading fault rules, with the scenario reader, so every error
 * names the key path ("body: match.route: unknown route ...").
 *
 * A rule is refused, rather than read as something less than it says,
 * whenever a key would be ignored or the rule could never fire: reply parts
 * (error_code, message, retry_after_s, headers) without a status, outcome
 * keys (at, error_type, expire_after) without the outcome they shape, a
 * method that is not the route's, an outcome on anything but a question
 * POST, after_polls on a route other than get_message, a latency longer
 * than MOCK_FAULT_DELAY_MAX_US. The status is an error status (400-599):
 * the reply is the Databricks error envelope.
 */
#include "mockserver/fault.h"

#include "common/config.h"
#include "mockserver/scenario_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DELAY_MAX_US MOCK_FAULT_DELAY_MAX_US

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    /* "." and ".." would be folded away in DELETE /__admin/faults/{name}. */
    if (n == 0 || n >= MOCK_FAULT_NAME_MAX || strspn(s, ".") == n)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static bool text_ok(const char *s)
{
    return s[0] != '\0' && strlen(s) < 1024;
}

static bool code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool header_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 47)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-'))
            return false;
    return true;
}

/* Framing is the transport's: a rule that wants a broken reply says
 * truncate, reset or drop. */
static bool header_is_framing(const char *s)
{
    static const char *const framing[] = {"Content-Length", "Transfer-Encoding",
                                          "Connection", NULL};
    for (size_t i = 0; framing[i] != NULL; i++) {
        size_t k = 0;
        while (framing[i][k] != '\0' && s[k] != '\0' &&
               (framing[i][k] | 0x20) == (s[k] | 0x20))
            k++;
        if (framing[i][k] == '\0' && s[k] == '\0')
            return true;
    }
    return false;
}

static bool header_value_ok(const char *s)
{
    if (strlen(s) > 200)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static const struct mock_sj_text rule_name = {
    name_ok, "1 to 63 of [A-Za-z0-9_.-], not only dots", false};
static const struct mock_sj_text rule_text = {text_ok, "non-empty text under 1024 bytes",
                                              false};
static const struct mock_sj_text rule_code = {
    code_ok, "an error code like TEMPORARILY_UNAVAILABLE", false};
static const struct mock_sj_text rule_hvalue = {
    header_value_ok, "a header value without control characters", false};

static enum gk_rc read_match(struct mock_sj *r, const struct mock_sj_node *v,
                             struct mock_fault_rule *f)
{
    static const char *const keys[] = {"method",    "route",   "workspace", "space",
                                       "principal", "content", NULL};
    char *s = NULL;
    enum gk_rc rc;

    if (v == NULL)
        return GK_OK;
    if ((rc = mock_sj_object(r, v, keys)) != GK_OK)
        return rc;
    if ((rc = mock_sj_string(r, v, "method", &rule_text, &s)) != GK_OK)
        return rc;
    if (s != NULL) {
        f->method = gk_routes_method_from_name(s);
        size_t mark = mock_sj_push_key(r, "method");
        if (f->method == GK_HTTP_UNKNOWN)
            rc = mock_sj_fail(r, "expected GET, POST, PUT, PATCH or DELETE, got \"%s\"",
                              s);
        mock_sj_pop(r, mark);
        free(s);
        s = NULL;
        if (rc != GK_OK)
            return rc;
    }
    if ((rc = mock_sj_string(r, v, "route", &rule_text, &s)) != GK_OK)
        return rc;
    if (s != NULL) {
        f->route = gk_routes_from_name(s);
        size_t mark = mock_sj_push_key(r, "route");
        if (f->route == GK_ROUTE_NONE)
            rc = mock_sj_fail(r,
                              "unknown route \"%s\" (route names are the SDK's method "
                              "names: start_conversation, get_message, get_space, ...)",
                              s);
        mock_sj_pop(r, mark);
        free(s);
        if (rc != GK_OK)
            return rc;
    }
    if ((rc = mock_sj_string(r, v, "workspace", &rule_text, &f->workspace_id)) != GK_OK ||
        (rc = mock_sj_string(r, v, "space", &rule_text, &f->space_id)) != GK_OK ||
        (rc = mock_sj_string(r, v, "principal", &rule_text, &f->principal)) != GK_OK)
        return rc;
    return mock_sj_string(r, v, "content", &rule_text, &f->content);
}

static enum gk_rc read_trigger(struct mock_sj *r, const struct mock_sj_node *v,
                               struct mock_fault_rule *f)
{
    static const char *const keys[] = {"nth",  "first", "every",       "probability",
                                       "from", "until", "after_polls", NULL};
    enum gk_rc rc;

    if (v == NULL)
        return GK_OK;
    if ((rc = mock_sj_object(r, v, keys)) != GK_OK ||
        (rc = mock_sj_int(r, v, "nth", 1, INT32_MAX, &f->nth)) != GK_OK ||
        (rc = mock_sj_int(r, v, "first", 1, INT32_MAX, &f->first)) != GK_OK ||
        (rc = mock_sj_int(r, v, "every", 1, INT32_MAX, &f->every)) != GK_OK ||
        (rc = mock_sj_int(r, v, "after_polls", 1, INT32_MAX, &f->after_polls)) != GK_OK)
        return rc;
    if (mock_sj_get(v, "probability") != NULL) {
        if ((rc = mock_sj_double(r, v, "probability", 0, 1, &f->probability)) != GK_OK)
            return rc;
        f->has_probability = true;
    }
    if (mock_sj_get(v, "from") != NULL || mock_sj_get(v, "until") != NULL) {
        if ((rc = mock_sj_duration(r, v, "from", 0, INT64_MAX / 2, &f->from_us)) !=
                GK_OK ||
            (rc = mock_sj_duration(r, v, "until", 0, INT64_MAX / 2, &f->until_us)) !=
                GK_OK)
            return rc;
        if (f->until_us != 0 && f->until_us <= f->from_us) {
            size_t mark = mock_sj_push_key(r, "until");
            rc = mock_sj_fail(r, "must be later than from");
            mock_sj_pop(r, mark);
            return rc;
        }
        f->has_window = true;
    }
    return GK_OK;
}

static enum gk_rc read_delay(struct mock_sj *r, const struct mock_sj_node *act,
                             struct mock_fault_delay *d)
{
    static const char *const keys[] = {"fixed", "uniform", "lognormal", "cap", NULL};
    static const char *const ln_keys[] = {"median", "sigma", NULL};
    const struct mock_sj_node *v = mock_sj_get(act, "delay");
    size_t mark;
    enum gk_rc rc = GK_OK;

    if (v == NULL)
        return GK_OK;
    if (mock_sj_str(v) != NULL) { /* "delay": "2s" */
        d->kind = MOCK_FAULT_DELAY_FIXED;
        return mock_sj_duration(r, act, "delay", 0, DELAY_MAX_US, &d->min_us);
    }
    mark = mock_sj_push_key(r, "delay");
    if ((rc = mock_sj_object(r, v, keys)) != GK_OK)
        goto out;
    int kinds = (mock_sj_get(v, "fixed") != NULL) + (mock_sj_get(v, "uniform") != NULL) +
                (mock_sj_get(v, "lognormal") != NULL);
    if (kinds != 1) {
        rc = mock_sj_fail(r, "give exactly one of fixed, uniform, lognormal");
        goto out;
    }
    if ((rc = mock_sj_duration(r, v, "cap", 1, DELAY_MAX_US, &d->cap_us)) != GK_OK)
        goto out;
    if (mock_sj_get(v, "fixed") != NULL) {
        d->kind = MOCK_FAULT_DELAY_FIXED;
        rc = mock_sj_duration(r, v, "fixed", 0, DELAY_MAX_US, &d->min_us);
    } else if (mock_sj_get(v, "uniform") != NULL) {
        const char *span = mock_sj_str(mock_sj_get(v, "uniform"));
        const char *dots = span != NULL ? strstr(span, "..") : NULL;
        size_t m2 = mock_sj_push_key(r, "uniform");
        d->kind = MOCK_FAULT_DELAY_UNIFORM;
        if (dots == NULL) {
            rc = mock_sj_fail(r, "expected a span like \"1s..3s\"");
        } else {
            char lo[64];
            size_t n = (size_t)(dots - span);
            struct gk_err e = {0};
            snprintf(lo, sizeof lo, "%.*s", (int)(n < sizeof lo ? n : sizeof lo - 1),
                     span);
            if (gk_config_parse_duration(lo, &d->min_us, &e) != GK_OK ||
                gk_config_parse_duration(dots + 2, &d->max_us, &e) != GK_OK)
                rc = mock_sj_fail(r, "%s", e.msg);
            else if (d->max_us < d->min_us)
                rc = mock_sj_fail(r, "the span's end is before its start");
            else if (d->max_us > DELAY_MAX_US)
                rc = mock_sj_fail(r, "at most 10m");
        }
        mock_sj_pop(r, m2);
    } else {
        const struct mock_sj_node *ln = mock_sj_get(v, "lognormal");
        size_t m2 = mock_sj_push_key(r, "lognormal");
        d->kind = MOCK_FAULT_DELAY_LOGNORMAL;
        d->sigma = 1.0;
        if ((rc = mock_sj_object(r, ln, ln_keys)) == GK_OK &&
            (rc = mock_sj_duration(r, ln, "median", 1, DELAY_MAX_US, &d->median_us)) ==
                GK_OK)
            rc = mock_sj_double(r, ln, "sigma", 0, 10, &d->sigma);
        if (rc == GK_OK && d->median_us == 0)
            rc = mock_sj_fail(r, "median: required");
        mock_sj_pop(r, m2);
    }
out:
    mock_sj_pop(r, mark);
    return rc;
}

/* The keys that shape an outcome, and the outcomes each applies to (bits
 * of enum mock_fault_outcome): one given where it would be ignored is an
 * error, so a rule never silently does less than it says. */
static enum gk_rc outcome_keys_fit(struct mock_sj *r, const struct mock_sj_node *act,
                                   enum mock_fault_outcome o)
{
#define OUTCOME_BIT(x) (1u << MOCK_FAULT_OUTCOME_##x)
    static const struct {
        const char *key;
        unsigned outcomes;
    } keys[] = {
        {"at", OUTCOME_BIT(FAILED) | OUTCOME_BIT(CANCELLED) | OUTCOME_BIT(STUCK)},
        {"error_type", OUTCOME_BIT(FAILED)},
        {"expire_after", OUTCOME_BIT(EXPIRED)},
    };
#undef OUTCOME_BIT
    static const char *const names[] = {"", "failed", "cancelled", "stuck", "expired"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (mock_sj_get(act, keys[i].key) == NULL || (keys[i].outcomes >> o & 1u) != 0)
            continue;
        size_t mark = mock_sj_push_key(r, keys[i].key);
        enum gk_rc rc = o == MOCK_FAULT_OUTCOME_NONE
                            ? mock_sj_fail(r, "needs an outcome")
                            : mock_sj_fail(r, "does not apply to a %s outcome", names[o]);
        mock_sj_pop(r, mark);
        return rc;
    }
    return GK_OK;
}

static enum gk_rc read_outcome(struct mock_sj *r, const struct mock_sj_node *act,
                               struct mock_fault_rule *f)
{
    static const char *const names[] = {"", "failed", "cancelled", "stuck", "expired"};
    char *s = NULL, *at = NULL;
    enum gk_rc rc;
    size_t mark;

    if ((rc = mock_sj_string(r, act, "outcome", &rule_text, &s)) != GK_OK)
        return rc;
    if (s != NULL) {
        mark = mock_sj_push_key(r, "outcome");
        for (int i = 1; i < 5; i++)
            if (strcmp(s, names[i]) == 0)
                f->outcome = (enum mock_fault_outcome)i;
        if (f->outcome == MOCK_FAULT_OUTCOME_NONE)
            rc = mock_sj_fail(
                r, "expected failed, cancelled, stuck or expired, got \"%s\"", s);
        mock_sj_pop(r, mark);
        free(s);
        if (rc != GK_OK)
            return rc;
    }
    if ((rc = outcome_keys_fit(r, act, f->outcome)) != GK_OK ||
        f->outcome == MOCK_FAULT_OUTCOME_NONE)
        return rc;

    f->at = f->outcome == MOCK_FAULT_OUTCOME_FAILED ? GK_MSG_EXECUTING_QUERY
                                                    : GK_MSG_ASKING_AI;
    if ((rc = mock_sj_string(r, act, "at", &rule_text, &at)) != GK_OK)
        return rc;
    if (at != NULL) {
        mark = mock_sj_push_key(r, "at");
        f->at = gk_types_msg_status_from_name(at);
        if (!gk_lifecycle_is_running(f->at))
            rc =
                mock_sj_fail(r,
                             "expected a running status (SUBMITTED ... EXECUTING_QUERY), "
                             "got \"%s\"",
                             at);
        mock_sj_pop(r, mark);
        free(at);
        if (rc != GK_OK)
            return rc;
    }
    if ((rc = mock_sj_string(r, act, "error_type", &rule_code, &f->error_type)) != GK_OK)
        return rc;
    if (f->outcome == MOCK_FAULT_OUTCOME_FAILED && f->error_type == NULL &&
        (f->error_type = strdup(f->at >= GK_MSG_PENDING_WAREHOUSE
                                    ? "SQL_EXECUTION_EXCEPTION"
                                    : "GENERIC_CHAT_COMPLETION_EXCEPTION")) == NULL)
        return mock_sj_oom(r);
    f->expire_after_us = 60 * INT64_C(1000000);
    return mock_sj_duration(r, act, "expire_after", 1, INT64_MAX / 4,
                            &f->expire_after_us);
}

static enum gk_rc read_headers(struct mock_sj *r, const struct mock_sj_node *h,
                               struct mock_fault_rule *f)
{
    enum gk_rc rc = GK_OK;
    if (h == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, "headers");
    if (strcmp(mock_sj_kind(h), "an object") != 0) {
        rc = mock_sj_fail(r, "expected an object of header names and values, got %s",
                          mock_sj_kind(h));
        goto out;
    }
    for (const struct mock_sj_node *m = mock_sj_first(h); m != NULL;
         m = mock_sj_next(m)) {
        const char *name = mock_sj_member_key(m);
        size_t m2 = mock_sj_push_key(r, name);
        if (f->header_count == MOCK_FAULT_HEADERS_MAX) {
            rc = mock_sj_fail(r, "at most %d headers", MOCK_FAULT_HEADERS_MAX);
        } else if (!header_name_ok(name)) {
            rc = mock_sj_fail(r,
                              "not a header name (letters, digits and '-', at most 47)");
        } else if (header_is_framing(name)) {
            rc = mock_sj_fail(r,
                              "framing headers are the transport's: use truncate, reset "
                              "or drop for a broken reply");
        } else {
            /* Filled in the slot past the last one, counted once complete:
             * a failure leaves nothing half-made behind. */
            struct mock_fault_header *slot = &f->headers[f->header_count];
            if ((rc = mock_sj_string_value(r, m, &rule_hvalue, &slot->value)) == GK_OK &&
                (slot->name = strdup(name)) == NULL)
                rc = mock_sj_oom(r);
            if (rc == GK_OK) {
                f->header_count++;
            } else {
                free(slot->value);
                slot->value = NULL;
            }
        }
        mock_sj_pop(r, m2);
        if (rc != GK_OK)
            break;
    }
out:
    mock_sj_pop(r, mark);
    return rc;
}

static enum gk_rc read_action(struct mock_sj *r, const struct mock_sj_node *v,
                              struct mock_fault_rule *f)
{
    static const char *const keys[] = {
        "status",  "error_code", "message",      "retry_after_s",
        "headers", "delay",      "hang",         "drop",
        "reset",   "truncate",   "malformed",    "outcome",
        "at",      "error_type", "expire_after", NULL};
    static const char *const transports[] = {"hang", "drop", "reset", "truncate",
                                             "malformed"};
    enum gk_rc rc;
    int64_t status = 0;

    if (v == NULL)
        return mock_sj_fail(r, "action: required");
    size_t mark = mock_sj_push_key(r, "action");
    if ((rc = mock_sj_object(r, v, keys)) != GK_OK)
        goto out;
    f->retry_after_s = -1;
    /* An error status: the reply is the Databricks error envelope. */
    if ((rc = mock_sj_int(r, v, "status", 400, 599, &status)) != GK_OK ||
        (rc = mock_sj_string(r, v, "error_code", &rule_code, &f->error_code)) != GK_OK ||
        (rc = mock_sj_string(r, v, "message", &rule_text, &f->message)) != GK_OK ||
        (rc = mock_sj_int(r, v, "retry_after_s", 0, 86400, &f->retry_after_s)) != GK_OK ||
        (rc = read_delay(r, v, &f->delay)) != GK_OK ||
        (rc = read_outcome(r, v, f)) != GK_OK)
        goto out;
    f->status = (int)status;
    for (int i = 0; i < 5; i++) {
        bool on = false;
        if ((rc = mock_sj_bool(r, v, transports[i], &on)) != GK_OK)
            goto out;
        if (on && f->transport != MOCK_FAULT_NONE) {
            rc = mock_sj_fail(
                r, "give at most one of hang, drop, reset, truncate, malformed");
            goto out;
        }
        if (on)
            f->transport = (enum mock_fault_transport)(i + 1);
    }
    if ((rc = read_headers(r, mock_sj_get(v, "headers"), f)) != GK_OK)
        goto out;
    if (f->retry_after_s >= 0 && f->status == 0)
        rc = mock_sj_fail(r, "retry_after_s: needs a status (usually 429 or 503)");
    else if (f->status == 0 &&
             (f->error_code != NULL || f->message != NULL || f->header_count > 0)) {
        size_t m2 = mock_sj_push_key(r, f->error_code != NULL ? "error_code"
                                        : f->message != NULL  ? "message"
                                                              : "headers");
        rc = mock_sj_fail(r, "needs a status (it is part of the error reply)");
        mock_sj_pop(r, m2);
    } else if (f->status == 0 && f->delay.kind == MOCK_FAULT_DELAY_NONE &&
               f->transport == MOCK_FAULT_NONE && f->outcome == MOCK_FAULT_OUTCOME_NONE)
        rc = mock_sj_fail(r, "does nothing: give a status, a delay, one of hang, drop, "
                             "reset, truncate, malformed, or an outcome");
    else if (f->outcome != MOCK_FAULT_OUTCOME_NONE &&
             (f->status != 0 || f->transport != MOCK_FAULT_NONE))
        rc =
            mock_sj_fail(r, "an outcome changes the message, not the reply: it cannot be "
                            "combined with a status or a transport fault");
out:
    mock_sj_pop(r, mark);
    return rc;
}

/* Refuses a rule that could never fire as written. */
static enum gk_rc check_consistent(struct mock_sj *r, const struct mock_fault_rule *f)
{
    if (f->route != GK_ROUTE_NONE && f->method != GK_HTTP_UNKNOWN &&
        gk_routes_method(f->route) != f->method)
        return mock_sj_fail(r, "match.method: %s is a %s route, never %s",
                            gk_routes_name(f->route),
                            gk_routes_method_name(gk_routes_method(f->route)),
                            gk_routes_method_name(f->method));
    if (f->outcome != MOCK_FAULT_OUTCOME_NONE &&
        ((f->route != GK_ROUTE_NONE && !gk_routes_is_question(f->route)) ||
         (f->method != GK_HTTP_UNKNOWN && f->method != GK_HTTP_POST)))
        return mock_sj_fail(r, "action.outcome: only question POSTs (start_conversation, "
                               "create_message) create messages");
    if (f->after_polls > 0 && f->route != GK_ROUTE_NONE &&
        f->route != GK_ROUTE_GET_MESSAGE)
        return mock_sj_fail(r, "trigger.after_polls: counts the polls of a message: only "
                               "for get_message");
    return GK_OK;
}

enum gk_rc mock_fault_read(struct mock_sj *r, const struct mock_sj_node *v,
                           struct mock_fault_rule *out)
{
    static const char *const keys[] = {"name", "match", "trigger", "action", NULL};
    char *name = NULL;
    enum gk_rc rc;

    memset(out, 0, sizeof *out);
    out->method = GK_HTTP_UNKNOWN;
    out->route = GK_ROUTE_NONE;
    out->retry_after_s = -1;
    if ((rc = mock_sj_object(r, v, keys)) != GK_OK ||
        (rc = mock_sj_string(r, v, "name", &rule_name, &name)) != GK_OK)
        goto fail;
    if (name == NULL) {
        rc = mock_sj_fail(r, "name: required");
        goto fail;
    }
    snprintf(out->name, sizeof out->name, "%s", name);
    free(name);
    size_t mark = mock_sj_push_key(r, "match");
    rc = read_match(r, mock_sj_get(v, "match"), out);
    mock_sj_pop(r, mark);
    if (rc != GK_OK)
        goto fail;
    mark = mock_sj_push_key(r, "trigger");
    rc = read_trigger(r, mock_sj_get(v, "trigger"), out);
    mock_sj_pop(r, mark);
    if (rc != GK_OK || (rc = read_action(r, mock_sj_get(v, "action"), out)) != GK_OK)
        goto fail;
    if ((rc = check_consistent(r, out)) != GK_OK)
        goto fail;
    return GK_OK;
fail:
    mock_fault_rule_cleanup(out);
    return rc;
}

enum gk_rc mock_fault_parse(const char *where, const char *text, size_t len,
                            struct mock_fault_rule *out, struct gk_err *err)
{
    struct mock_sj r;
    enum gk_rc rc;

    memset(out, 0, sizeof *out);
    if ((rc = mock_sj_parse(&r, where, text, len, err)) != GK_OK)
        return rc;
    rc = mock_fault_read(&r, r.root, out);
    mock_sj_cleanup(&r);
    return rc;
}
