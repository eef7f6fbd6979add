/*
 * fault: the rule set, evaluating it, and listing it with its counters
 * (reading rules is fault_read.c).
 *
 * Evaluation counts a request as "matched" for every rule whose match
 * selects it, before triggers are looked at, so counting triggers (nth,
 * first, every) see the same sequence whatever the rules before them did.
 * A rule whose triggers hold "fires"; the first firing rule acts and the
 * rest are still counted as matched.
 */
#include "mockserver/fault.h"

#include "common/codec_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        bool ok =
            dup_opt(&r.workspace_id, s->workspace_id) &&
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
    if (f->space_id != NULL &&
        (q->space_id == NULL || strcmp(f->space_id, q->space_id) != 0))
        return false;
    if (f->principal != NULL &&
        (q->principal == NULL || strcmp(f->principal, q->principal) != 0))
        return false;
    if (f->content != NULL &&
        (q->content == NULL || strstr(q->content, f->content) == NULL))
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
    if (f->has_window &&
        (q->now_us < f->from_us || (f->until_us > 0 && q->now_us >= f->until_us)))
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
    int64_t cap = d->cap_us > 0 ? d->cap_us : MOCK_FAULT_DELAY_MAX_US, us = 0;
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
    static const char *const names[] = {NULL,    "hang",     "drop",
                                        "reset", "truncate", "malformed"};
    return (unsigned)t < 6 ? names[t] : NULL;
}

/* A duration as the rules write it ("1500ms"), which reads back the same. */
static void write_duration(struct gk_codec_writer *w, const char *key, int64_t us)
{
    char buf[32];
    if (us % 1000 == 0)
        snprintf(buf, sizeof buf, "%lldms", (long long)(us / 1000));
    else
        snprintf(buf, sizeof buf, "%lldus", (long long)us);
    gk_codec_write_str(w, key, buf);
}

static void write_delay(struct gk_codec_writer *w, const struct mock_fault_delay *d)
{
    char span[64];
    if (d->kind == MOCK_FAULT_DELAY_NONE)
        return;
    gk_codec_write_begin(w, "delay", '{');
    switch (d->kind) {
    case MOCK_FAULT_DELAY_FIXED:
        write_duration(w, "fixed", d->min_us);
        break;
    case MOCK_FAULT_DELAY_UNIFORM:
        snprintf(span, sizeof span, "%lldus..%lldus", (long long)d->min_us,
                 (long long)d->max_us);
        gk_codec_write_str(w, "uniform", span);
        break;
    default:
        gk_codec_write_begin(w, "lognormal", '{');
        write_duration(w, "median", d->median_us);
        gk_codec_write_double(w, "sigma", d->sigma, 3);
        gk_codec_write_end(w, '}');
        break;
    }
    if (d->cap_us > 0)
        write_duration(w, "cap", d->cap_us);
    gk_codec_write_end(w, '}');
}

/* One rule in the form it is armed with (so a listed rule can be posted
 * back as it is), plus its counters. */
static void write_rule(struct gk_codec_writer *w, const struct mock_fault_rule *f)
{
    static const char *const outcomes[] = {NULL, "failed", "cancelled", "stuck",
                                           "expired"};
    gk_codec_write_begin(w, NULL, '{');
    gk_codec_write_str(w, "name", f->name);
    gk_codec_write_begin(w, "match", '{');
    if (f->method != GK_HTTP_UNKNOWN)
        gk_codec_write_str(w, "method", gk_routes_method_name(f->method));
    if (f->route != GK_ROUTE_NONE)
        gk_codec_write_str(w, "route", gk_routes_name(f->route));
    gk_codec_write_str(w, "workspace", f->workspace_id);
    gk_codec_write_str(w, "space", f->space_id);
    gk_codec_write_str(w, "principal", f->principal);
    gk_codec_write_str(w, "content", f->content);
    gk_codec_write_end(w, '}');
    gk_codec_write_begin(w, "trigger", '{');
    if (f->nth > 0)
        gk_codec_write_i64(w, "nth", f->nth);
    if (f->first > 0)
        gk_codec_write_i64(w, "first", f->first);
    if (f->every > 0)
        gk_codec_write_i64(w, "every", f->every);
    if (f->has_probability)
        gk_codec_write_double(w, "probability", f->probability, 6);
    if (f->has_window)
        write_duration(w, "from", f->from_us);
    if (f->has_window && f->until_us > 0)
        write_duration(w, "until", f->until_us);
    if (f->after_polls > 0)
        gk_codec_write_i64(w, "after_polls", f->after_polls);
    gk_codec_write_end(w, '}');
    gk_codec_write_begin(w, "action", '{');
    if (f->status != 0)
        gk_codec_write_i64(w, "status", f->status);
    gk_codec_write_str(w, "error_code", f->error_code);
    gk_codec_write_str(w, "message", f->message);
    if (f->retry_after_s >= 0)
        gk_codec_write_i64(w, "retry_after_s", f->retry_after_s);
    if (f->header_count > 0) {
        gk_codec_write_begin(w, "headers", '{');
        for (size_t k = 0; k < f->header_count; k++)
            gk_codec_write_str(w, f->headers[k].name, f->headers[k].value);
        gk_codec_write_end(w, '}');
    }
    write_delay(w, &f->delay);
    if (transport_name(f->transport) != NULL)
        gk_codec_write_bool(w, transport_name(f->transport), true);
    if (f->outcome != MOCK_FAULT_OUTCOME_NONE)
        gk_codec_write_str(w, "outcome", outcomes[f->outcome]);
    if (f->outcome == MOCK_FAULT_OUTCOME_EXPIRED)
        write_duration(w, "expire_after", f->expire_after_us);
    else if (f->outcome != MOCK_FAULT_OUTCOME_NONE)
        gk_codec_write_str(w, "at", gk_types_msg_status_name(f->at));
    gk_codec_write_str(w, "error_type", f->error_type);
    gk_codec_write_end(w, '}');
    gk_codec_write_i64(w, "matched", f->matched);
    gk_codec_write_i64(w, "fired", f->fired);
    gk_codec_write_end(w, '}');
}

char *mock_fault_encode(const struct mock_fault_set *set, size_t *len)
{
    struct gk_codec_writer w = {.first = true};
    char *out = NULL;

    gk_codec_write_begin(&w, NULL, '{');
    gk_codec_write_begin(&w, "faults", '[');
    for (size_t i = 0; i < set->count; i++)
        write_rule(&w, &set->rules[i]);
    gk_codec_write_end(&w, ']');
    gk_codec_write_end(&w, '}');
    if (gk_codec_write_finish(&w, &out, len, NULL) != GK_OK)
        return NULL;
    return out;
}
