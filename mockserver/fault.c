/*
 * fault: reading rules (with the scenario reader, so errors name the key
 * path), evaluating them, and listing them with their counters.
 *
 * Evaluation counts a request as "matched" for every rule whose match
 * selects it, before triggers are looked at, so counting triggers (nth,
 * first, every) see the same sequence whatever the rules before them did.
 * A rule whose triggers hold "fires"; the first firing rule acts and the
 * rest are still counted as matched.
 */
#include "mockserver/fault.h"

#include "common/codec_write.h"
#include "common/config.h"
#include "mockserver/scenario_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DELAY_CAP_DEFAULT_US (600 * INT64_C(1000000))
#define DELAY_MAX_US (24 * 3600 * INT64_C(1000000))

/* ---- reading ---- */

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= MOCK_FAULT_NAME_MAX)
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

static bool header_value_ok(const char *s)
{
    if (strlen(s) > 200)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static const struct mock_sj_text rule_name = {name_ok, "1 to 63 of [A-Za-z0-9_.-]", false};
static const struct mock_sj_text rule_text = {text_ok, "non-empty text under 1024 bytes",
                                              false};
static const struct mock_sj_text rule_code = {code_ok, "an error code like TEMPORARILY_UNAVAILABLE",
                                              false};
static const struct mock_sj_text rule_hvalue = {header_value_ok,
                                                "a header value without control characters",
                                                false};

static enum gk_rc read_match(struct mock_sj *r, const struct mock_sj_node *v,
                             struct mock_fault_rule *f)
{
    static const char *const keys[] = {"method", "route",     "workspace", "space",
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
            rc = mock_sj_fail(r, "expected GET, POST, PUT, PATCH or DELETE, got \"%s\"", s);
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
            rc = mock_sj_fail(r, "unknown route \"%s\" (route names are the SDK's method "
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
    static const char *const keys[] = {"nth",   "first", "every",       "probability",
                                       "from",  "until", "after_polls", NULL};
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
        if ((rc = mock_sj_duration(r, v, "from", 0, INT64_MAX / 2, &f->from_us)) != GK_OK ||
            (rc = mock_sj_duration(r, v, "until", 0, INT64_MAX / 2, &f->until_us)) != GK_OK)
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
            snprintf(lo, sizeof lo, "%.*s", (int)(n < sizeof lo ? n : sizeof lo - 1), span);
            if (gk_config_parse_duration(lo, &d->min_us, &e) != GK_OK ||
                gk_config_parse_duration(dots + 2, &d->max_us, &e) != GK_OK)
                rc = mock_sj_fail(r, "%s", e.msg);
            else if (d->max_us < d->min_us)
                rc = mock_sj_fail(r, "the span's end is before its start");
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

static enum gk_rc read_outcome(struct mock_sj *r, const struct mock_sj_node *act,
                               struct mock_fault_rule *f)
{
    static const char *const names[] = {"", "failed", "cancelled", "stuck", "expired"};
    char *s = NULL, *at = NULL;
    enum gk_rc rc;
    size_t mark;

    if ((rc = mock_sj_string(r, act, "outcome", &rule_text, &s)) != GK_OK || s == NULL)
        return rc;
    mark = mock_sj_push_key(r, "outcome");
    for (int i = 1; i < 5; i++)
        if (strcmp(s, names[i]) == 0)
            f->outcome = (enum mock_fault_outcome)i;
    if (f->outcome == MOCK_FAULT_OUTCOME_NONE)
        rc = mock_sj_fail(r, "expected failed, cancelled, stuck or expired, got \"%s\"", s);
    mock_sj_pop(r, mark);
    free(s);
    if (rc != GK_OK)
        return rc;

    f->at = f->outcome == MOCK_FAULT_OUTCOME_FAILED ? GK_MSG_EXECUTING_QUERY : GK_MSG_ASKING_AI;
    if ((rc = mock_sj_string(r, act, "at", &rule_text, &at)) != GK_OK)
        return rc;
    if (at != NULL) {
        mark = mock_sj_push_key(r, "at");
        f->at = gk_types_msg_status_from_name(at);
        if (!gk_lifecycle_is_running(f->at))
            rc = mock_sj_fail(r, "expected a running status (SUBMITTED ... EXECUTING_QUERY), "
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
    return mock_sj_duration(r, act, "expire_after", 1, INT64_MAX / 4, &f->expire_after_us);
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
    for (const struct mock_sj_node *m = mock_sj_first(h); m != NULL; m = mock_sj_next(m)) {
        const char *name = mock_sj_member_key(m);
        size_t m2 = mock_sj_push_key(r, name);
        if (f->header_count == MOCK_FAULT_HEADERS_MAX)
            rc = mock_sj_fail(r, "at most %d headers", MOCK_FAULT_HEADERS_MAX);
        else if (!header_name_ok(name))
            rc = mock_sj_fail(r, "not a header name (letters, digits and '-', at most 47)");
        else if ((rc = mock_sj_string_value(r, m, &rule_hvalue,
                                            &f->headers[f->header_count].value)) == GK_OK &&
                 (f->headers[f->header_count].name = strdup(name)) == NULL)
            rc = mock_sj_oom(r);
        if (rc == GK_OK)
            f->header_count++;
        else
            free(f->headers[f->header_count].value), f->headers[f->header_count].value = NULL;
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
    static const char *const keys[] = {"status",   "error_code", "message", "retry_after_s",
                                       "headers",  "delay",      "hang",    "drop",
                                       "reset",    "truncate",   "malformed", "outcome",
                                       "at",       "error_type", "expire_after", NULL};
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
    if ((rc = mock_sj_int(r, v, "status", 100, 599, &status)) != GK_OK ||
        (rc = mock_sj_string(r, v, "error_code", &rule_code, &f->error_code)) != GK_OK ||
        (rc = mock_sj_string(r, v, "message", &rule_text, &f->message)) != GK_OK ||
        (rc = mock_sj_int(r, v, "retry_after_s", 0, 86400, &f->retry_after_s)) != GK_OK ||
        (rc = read_delay(r, v, &f->delay)) != GK_OK || (rc = read_outcome(r, v, f)) != GK_OK)
        goto out;
    f->status = (int)status;
    for (int i = 0; i < 5; i++) {
        bool on = false;
        if ((rc = mock_sj_bool(r, v, transports[i], &on)) != GK_OK)
            goto out;
        if (on && f->transport != MOCK_FAULT_NONE) {
            rc = mock_sj_fail(r, "give at most one of hang, drop, reset, truncate, malformed");
            goto out;
        }
        if (on)
            f->transport = (enum mock_fault_transport)(i + 1);
    }
    if ((rc = read_headers(r, mock_sj_get(v, "headers"), f)) != GK_OK)
        goto out;
    if (f->retry_after_s >= 0 && f->status == 0)
        rc = mock_sj_fail(r, "retry_after_s: needs a status (usually 429 or 503)");
    else if (f->status == 0 && f->delay.kind == MOCK_FAULT_DELAY_NONE &&
             f->transport == MOCK_FAULT_NONE && f->outcome == MOCK_FAULT_OUTCOME_NONE)
        rc = mock_sj_fail(r, "does nothing: give a status, a delay, one of hang, drop, "
                             "reset, truncate, malformed, or an outcome");
    else if (f->outcome != MOCK_FAULT_OUTCOME_NONE &&
             (f->status != 0 || f->transport != MOCK_FAULT_NONE))
        rc = mock_sj_fail(r, "an outcome changes the message, not the reply: it cannot be "
                             "combined with a status or a transport fault");
out:
    mock_sj_pop(r, mark);
    return rc;
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
    if (out->outcome != MOCK_FAULT_OUTCOME_NONE && out->route != GK_ROUTE_NONE &&
        !gk_routes_is_question(out->route)) {
        rc = mock_sj_fail(r, "action.outcome: only question POSTs (start_conversation, "
                             "create_message) create messages");
        goto fail;
    }
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

void mock_fault_rule_cleanup(struct mock_fault_rule *r)
{
    if (r == NULL)
        return;
    free(r->workspace_id);
    free(r->space_id);
    free(r->principal);
    free(r->content);
    free(r->error_code);
    free(r->message);
    free(r->error_type);
    for (size_t i = 0; i < r->header_count; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    memset(r, 0, sizeof *r);
}

/* ---- the set ---- */

enum gk_rc mock_fault_add(struct mock_fault_set *set, struct mock_fault_rule *rule,
                          struct gk_err *err)
{
    for (size_t i = 0; i < set->count; i++) {
        if (strcmp(set->rules[i].name, rule->name) == 0) {
            mock_fault_rule_cleanup(&set->rules[i]);
            set->rules[i] = *rule;
            memset(rule, 0, sizeof *rule);
            return GK_OK;
        }
    }
    if (set->count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        struct mock_fault_rule *p = realloc(set->rules, cap * sizeof *p);
        if (p == NULL)
            return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
        set->rules = p;
        set->cap = cap;
    }
    set->rules[set->count++] = *rule;
    memset(rule, 0, sizeof *rule);
    return GK_OK;
}

bool mock_fault_remove(struct mock_fault_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++) {
        if (strcmp(set->rules[i].name, name) == 0) {
            mock_fault_rule_cleanup(&set->rules[i]);
            memmove(&set->rules[i], &set->rules[i + 1],
                    (set->count - i - 1) * sizeof *set->rules);
            set->count--;
            return true;
        }
    }
    return false;
}

void mock_fault_clear(struct mock_fault_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        mock_fault_rule_cleanup(&set->rules[i]);
    set->count = 0;
}

void mock_fault_set_cleanup(struct mock_fault_set *set)
{
    mock_fault_clear(set);
    free(set->rules);
    memset(set, 0, sizeof *set);
}

static bool dup_opt(char **dst, const char *src)
{
    return src == NULL || (*dst = strdup(src)) != NULL;
}

enum gk_rc mock_fault_copy(struct mock_fault_set *dst, const struct mock_fault_set *src,
                           struct gk_err *err)
{
    for (size_t i = 0; i < src->count; i++) {
        const struct mock_fault_rule *s = &src->rules[i];
        struct mock_fault_rule r = *s;
        r.workspace_id = r.space_id = r.principal = r.content = NULL;
        r.error_code = r.message = r.error_type = NULL;
        r.header_count = 0;
        bool ok = dup_opt(&r.workspace_id, s->workspace_id) &&
                  dup_opt(&r.space_id, s->space_id) && dup_opt(&r.principal, s->principal) &&
                  dup_opt(&r.content, s->content) && dup_opt(&r.error_code, s->error_code) &&
                  dup_opt(&r.message, s->message) && dup_opt(&r.error_type, s->error_type);
        for (size_t k = 0; ok && k < s->header_count; k++) {
            r.headers[k].name = r.headers[k].value = NULL;
            ok = dup_opt(&r.headers[k].name, s->headers[k].name) &&
                 dup_opt(&r.headers[k].value, s->headers[k].value);
            r.header_count = k + 1;
        }
        if (!ok || mock_fault_add(dst, &r, err) != GK_OK) {
            mock_fault_rule_cleanup(&r);
            return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
        }
    }
    return GK_OK;
}

/* ---- evaluation ---- */

static bool matches(const struct mock_fault_rule *f, const struct mock_fault_request *q)
{
    if (f->method != GK_HTTP_UNKNOWN && f->method != q->method)
        return false;
    if (f->route != GK_ROUTE_NONE && f->route != q->route)
        return false;
    if (f->outcome != MOCK_FAULT_OUTCOME_NONE && !gk_routes_is_question(q->route))
        return false;
    if (f->workspace_id != NULL && strcmp(f->workspace_id, q->workspace_id) != 0)
        return false;
    if (f->space_id != NULL && (q->space_id == NULL || strcmp(f->space_id, q->space_id) != 0))
        return false;
    if (f->principal != NULL &&
        (q->principal == NULL || strcmp(f->principal, q->principal) != 0))
        return false;
    if (f->content != NULL && (q->content == NULL || strstr(q->content, f->content) == NULL))
        return false;
    return true;
}

static bool fires(const struct mock_fault_rule *f, const struct mock_fault_request *q,
                  struct gk_rng *rng)
{
    int64_t n = f->matched; /* this request's 1-based position among matches */
    if (f->nth > 0 && n != f->nth)
        return false;
    if (f->first > 0 && n > f->first)
        return false;
    if (f->every > 0 && n % f->every != 0)
        return false;
    if (f->has_window && (q->now_us < f->from_us || (f->until_us > 0 && q->now_us >= f->until_us)))
        return false;
    if (f->after_polls > 0 && q->polls <= f->after_polls)
        return false;
    if (f->has_probability && !gk_rng_chance(rng, f->probability))
        return false;
    return true;
}

struct mock_fault_rule *mock_fault_eval(struct mock_fault_set *set,
                                        const struct mock_fault_request *req,
                                        struct gk_rng *rng)
{
    struct mock_fault_rule *hit = NULL;
    for (size_t i = 0; i < set->count; i++) {
        struct mock_fault_rule *f = &set->rules[i];
        if (!matches(f, req))
            continue;
        f->matched++;
        if (hit == NULL && fires(f, req, rng)) {
            f->fired++;
            hit = f;
        }
    }
    return hit;
}

int64_t mock_fault_delay_us(const struct mock_fault_delay *d, struct gk_rng *rng)
{
    int64_t cap = d->cap_us > 0 ? d->cap_us : DELAY_CAP_DEFAULT_US, us = 0;
    switch (d->kind) {
    case MOCK_FAULT_DELAY_FIXED:
        us = d->min_us;
        break;
    case MOCK_FAULT_DELAY_UNIFORM:
        us = gk_rng_range(rng, d->min_us, d->max_us);
        break;
    case MOCK_FAULT_DELAY_LOGNORMAL: {
        double x = (double)d->median_us * exp(d->sigma * gk_rng_normal(rng));
        us = x >= (double)cap ? cap : (int64_t)x;
        break;
    }
    default:
        return 0;
    }
    return us > cap ? cap : us;
}

/* ---- listing ---- */

static const char *transport_name(enum mock_fault_transport t)
{
    static const char *const names[] = {NULL, "hang", "drop", "reset", "truncate", "malformed"};
    return (unsigned)t < 6 ? names[t] : NULL;
}

char *mock_fault_encode(const struct mock_fault_set *set, size_t *len)
{
    static const char *const outcomes[] = {NULL, "failed", "cancelled", "stuck", "expired"};
    struct gk_codec_writer w = {.first = true};
    char *out = NULL;

    gk_codec_write_begin(&w, NULL, '{');
    gk_codec_write_begin(&w, "faults", '[');
    for (size_t i = 0; i < set->count; i++) {
        const struct mock_fault_rule *f = &set->rules[i];
        gk_codec_write_begin(&w, NULL, '{');
        gk_codec_write_str(&w, "name", f->name);
        gk_codec_write_begin(&w, "match", '{');
        if (f->method != GK_HTTP_UNKNOWN)
            gk_codec_write_str(&w, "method", gk_routes_method_name(f->method));
        if (f->route != GK_ROUTE_NONE)
            gk_codec_write_str(&w, "route", gk_routes_name(f->route));
        gk_codec_write_str(&w, "workspace", f->workspace_id);
        gk_codec_write_str(&w, "space", f->space_id);
        gk_codec_write_str(&w, "principal", f->principal);
        gk_codec_write_str(&w, "content", f->content);
        gk_codec_write_end(&w, '}');
        gk_codec_write_begin(&w, "action", '{');
        if (f->status != 0)
            gk_codec_write_i64(&w, "status", f->status);
        gk_codec_write_str(&w, "error_code", f->error_code);
        if (f->retry_after_s >= 0)
            gk_codec_write_i64(&w, "retry_after_s", f->retry_after_s);
        if (f->delay.kind != MOCK_FAULT_DELAY_NONE)
            gk_codec_write_bool(&w, "delay", true);
        if (transport_name(f->transport) != NULL)
            gk_codec_write_bool(&w, transport_name(f->transport), true);
        if (f->outcome != MOCK_FAULT_OUTCOME_NONE) {
            gk_codec_write_str(&w, "outcome", outcomes[f->outcome]);
            gk_codec_write_str(&w, "at", gk_types_msg_status_name(f->at));
            gk_codec_write_str(&w, "error_type", f->error_type);
        }
        gk_codec_write_end(&w, '}');
        gk_codec_write_i64(&w, "matched", f->matched);
        gk_codec_write_i64(&w, "fired", f->fired);
        gk_codec_write_end(&w, '}');
    }
    gk_codec_write_end(&w, ']');
    gk_codec_write_end(&w, '}');
    if (gk_codec_write_finish(&w, &out, len, NULL) != GK_OK)
        return NULL;
    return out;
}
