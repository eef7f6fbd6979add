/*
 * plan_build: the plan of a run from the configuration and the banks, its
 * duration estimate and its --dry-run listing (contract in plan.h).
 *
 * Determinism: every random choice comes from a gk_rng seeded with
 * gk_rng_derive(seed, label), the label being the space's or the
 * conversation's key, and the draws are made in a fixed order (for a
 * conversation: the follow-up count, then one draw per follow-up). Nothing
 * depends on addresses, time or the position of a space in the list.
 *
 * Drawing without repeats is a lazy Fisher-Yates shuffle: step i of a
 * sequence over n items fixes slot i % n of an index array, and a new
 * shuffle starts (from the identity) at every multiple of n. So the first n
 * steps are n distinct items, and step i never depends on how many steps
 * come after it (which is why more conversations keep the earlier ones).
 */
#include "generator/pacer.h"
#include "generator/plan.h"
#include "generator/poll.h"

#include "common/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- building ---- */

struct builder {
    struct gen_plan *plan;
    size_t cap, space_cap;
    uint64_t seed;
    size_t *starter_idx, *follow_idx; /* scratch: the largest bank's size */
    struct gk_err *err;
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* Step i of a sequence of shuffles of 0..n-1 (n > 0) drawn from r. */
static size_t shuffle_step(struct gk_rng *r, size_t *idx, size_t n, size_t i)
{
    size_t pos = i % n;
    if (pos == 0)
        for (size_t k = 0; k < n; k++)
            idx[k] = k;
    size_t j = pos + (size_t)gk_rng_below(r, n - pos);
    size_t t = idx[pos];
    idx[pos] = idx[j];
    idx[j] = t;
    return idx[pos];
}

static enum gk_rc check_id(const char *id, const char *key, struct gk_err *err)
{
    if (id == NULL || *id == '\0')
        return gk_err_set(err, GK_BAD_CONFIG, "%s: missing", key);
    for (const char *c = id; *c != '\0'; c++)
        if (*c == '/' || (unsigned char)*c < 0x21 || *c == 0x7f)
            return gk_err_set(err, GK_BAD_CONFIG,
                              "%s: \"%.64s\": '/', spaces and control characters are "
                              "not allowed in an id",
                              key, id);
    return GK_OK;
}

static enum gk_rc check_config(const struct gen_config *cfg, struct gk_err *err)
{
    if (cfg->conversations_per_space < 0 ||
        cfg->conversations_per_space > GEN_PLAN_CONVERSATIONS_MAX)
        return gk_err_set(
            err, GK_BAD_CONFIG, "conversations_per_space: must be 0 to %d, got %lld",
            GEN_PLAN_CONVERSATIONS_MAX, (long long)cfg->conversations_per_space);
    if (cfg->follow_ups_min < 0 || cfg->follow_ups_min > GEN_PLAN_FOLLOW_UPS_MAX)
        return gk_err_set(err, GK_BAD_CONFIG, "follow_ups_min: must be 0 to %d, got %lld",
                          GEN_PLAN_FOLLOW_UPS_MAX, (long long)cfg->follow_ups_min);
    if (cfg->follow_ups_max < cfg->follow_ups_min ||
        cfg->follow_ups_max > GEN_PLAN_FOLLOW_UPS_MAX)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "follow_ups_max: must be follow_ups_min (%lld) to %d, got %lld",
                          (long long)cfg->follow_ups_min, GEN_PLAN_FOLLOW_UPS_MAX,
                          (long long)cfg->follow_ups_max);
    char key[96];
    for (size_t w = 0; w < cfg->workspace_count; w++) {
        const struct gen_workspace *ws = &cfg->workspaces[w];
        snprintf(key, sizeof key, "workspaces[%zu].workspace_id", w);
        if (check_id(ws->workspace_id, key, err) != GK_OK)
            return GK_BAD_CONFIG;
        for (size_t v = 0; v < w; v++)
            if (strcmp(cfg->workspaces[v].workspace_id, ws->workspace_id) == 0)
                return gk_err_set(err, GK_BAD_CONFIG,
                                  "%s: \"%.64s\" is also workspaces[%zu] (its question "
                                  "rate would count twice)",
                                  key, ws->workspace_id, v);
        for (size_t s = 0; s < ws->space_count; s++) {
            snprintf(key, sizeof key, "workspaces[%zu].spaces[%zu].space_id", w, s);
            if (check_id(ws->spaces[s].space_id, key, err) != GK_OK)
                return GK_BAD_CONFIG;
            for (size_t t = 0; t < s; t++)
                if (strcmp(ws->spaces[t].space_id, ws->spaces[s].space_id) == 0)
                    return gk_err_set(err, GK_BAD_CONFIG,
                                      "%s: \"%.64s\" is also spaces[%zu]", key,
                                      ws->spaces[s].space_id, t);
        }
    }
    return GK_OK;
}

static enum gk_rc add_question(struct builder *b, const char *key, size_t w, size_t s,
                               size_t c, int turn, int turns, const char *text)
{
    struct gen_plan *p = b->plan;
    if (p->count == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        struct gen_question *nq = ncap <= SIZE_MAX / sizeof *nq
                                      ? realloc(p->questions, ncap * sizeof *nq)
                                      : NULL;
        if (nq == NULL)
            return gk_err_set(b->err, GK_OUT_OF_MEMORY,
                              "plan: no memory for %zu questions", ncap);
        p->questions = nq;
        b->cap = ncap;
    }
    struct gen_question *q = &p->questions[p->count];
    memset(q, 0, sizeof *q);
    memcpy(q->key, key, strlen(key) + 1); /* checked to fit by the caller */
    q->workspace = w;
    q->space = s;
    q->conversation = c;
    q->turn = turn;
    q->turns = turns;
    if ((q->text = dup_str(text)) == NULL)
        return gk_err_set(b->err, GK_OUT_OF_MEMORY, "plan: no memory");
    p->count++;
    return GK_OK;
}

/* One conversation: its follow-up count and texts from its own rng. */
static enum gk_rc add_conversation(struct builder *b, const struct gen_config *cfg,
                                   const struct gen_bank *bank, size_t w, size_t s,
                                   size_t c, const char *starter)
{
    const char *wid = cfg->workspaces[w].workspace_id;
    const char *sid = cfg->workspaces[w].spaces[s].space_id;
    char ckey[GEN_KEY_MAX], key[GEN_KEY_MAX];
    /* The longest question key: this conversation's last turn. */
    int n = snprintf(key, sizeof key, "%s/%s/c%zu/m%d", wid, sid, c,
                     (int)cfg->follow_ups_max);
    if (n < 0 || (size_t)n >= sizeof key)
        return gk_err_set(b->err, GK_BAD_CONFIG,
                          "workspaces[%zu].spaces[%zu]: the question key \"%.64s...\" "
                          "would be longer than %d bytes",
                          w, s, key, GEN_KEY_MAX - 1);
    n = snprintf(ckey, sizeof ckey, "%s/%s/c%zu", wid, sid, c);
    (void)n; /* shorter than the key above */
    struct gk_rng r;
    gk_rng_init(&r, gk_rng_derive(b->seed, ckey));
    int follow_ups = (int)gk_rng_range(&r, cfg->follow_ups_min, cfg->follow_ups_max);
    int turns = 1 + follow_ups;
    enum gk_rc rc = GK_OK;
    for (int t = 0; t < turns && rc == GK_OK; t++) {
        const char *text = starter;
        if (t > 0)
            text = bank->follow_ups[shuffle_step(&r, b->follow_idx, bank->follow_up_count,
                                                 (size_t)t - 1)];
        /* Fits: t <= follow_ups_max, checked above. */
        n = snprintf(key, sizeof key, "%s/m%d", ckey, t);
        rc = n > 0 && (size_t)n < sizeof key
                 ? add_question(b, key, w, s, c, t, turns, text)
                 : gk_err_set(b->err, GK_INTERNAL_ERROR, "plan: key too long");
    }
    if (rc == GK_OK)
        b->plan->conversations++;
    return rc;
}

static enum gk_rc add_space(struct builder *b, const struct gen_config *cfg,
                            const struct gen_banks *banks, size_t w, size_t s)
{
    const struct gen_workspace *ws = &cfg->workspaces[w];
    size_t bi;
    enum gk_rc rc = gen_banks_pick(banks, &ws->spaces[s], &bi, b->err);
    if (rc != GK_OK) {
        gk_err_prefix(b->err, "workspaces[%zu].spaces[%zu]", w, s);
        return rc; /* not gk_err_prefix's: that is GK_OK when err is NULL */
    }
    const struct gen_bank *bank = &banks->banks[bi];
    struct gen_plan *p = b->plan;
    if (p->space_count == b->space_cap) {
        size_t ncap = b->space_cap ? b->space_cap * 2 : 16;
        struct gen_plan_space *ns = realloc(p->spaces, ncap * sizeof *ns);
        if (ns == NULL)
            return gk_err_set(b->err, GK_OUT_OF_MEMORY, "plan: no memory");
        p->spaces = ns;
        b->space_cap = ncap;
    }
    struct gen_plan_space *ps = &p->spaces[p->space_count];
    memset(ps, 0, sizeof *ps);
    ps->workspace = w;
    ps->space = s;
    ps->first = p->count;
    if ((ps->bank = dup_str(bank->domain)) == NULL)
        return gk_err_set(b->err, GK_OUT_OF_MEMORY, "plan: no memory");
    p->space_count++;

    char label[GEN_KEY_MAX * 2];
    snprintf(label, sizeof label, "%s/%s", ws->workspace_id, ws->spaces[s].space_id);
    struct gk_rng r;
    gk_rng_init(&r, gk_rng_derive(b->seed, label));
    for (size_t c = 0; c < (size_t)cfg->conversations_per_space && rc == GK_OK; c++) {
        size_t i = shuffle_step(&r, b->starter_idx, bank->starter_count, c);
        rc = add_conversation(b, cfg, bank, w, s, c, bank->starters[i]);
    }
    ps->conversations = (size_t)cfg->conversations_per_space;
    ps->questions = p->count - ps->first;
    return rc;
}

enum gk_rc gen_plan_build(struct gen_plan *plan, const struct gen_config *cfg,
                          const struct gen_banks *banks, struct gk_err *err)
{
    memset(plan, 0, sizeof *plan);
    enum gk_rc rc = check_config(cfg, err);
    if (rc != GK_OK)
        return rc;
    size_t most = 1;
    for (size_t i = 0; i < banks->count; i++) {
        if (banks->banks[i].starter_count > most)
            most = banks->banks[i].starter_count;
        if (banks->banks[i].follow_up_count > most)
            most = banks->banks[i].follow_up_count;
    }
    struct builder b = {plan, 0, 0, (uint64_t)cfg->seed, NULL, NULL, err};
    b.starter_idx = malloc(most * sizeof *b.starter_idx);
    b.follow_idx = malloc(most * sizeof *b.follow_idx);
    if (b.starter_idx == NULL || b.follow_idx == NULL)
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, "plan: no memory");
    for (size_t w = 0; w < cfg->workspace_count && rc == GK_OK; w++)
        for (size_t s = 0; s < cfg->workspaces[w].space_count && rc == GK_OK; s++)
            rc = add_space(&b, cfg, banks, w, s);
    free(b.starter_idx);
    free(b.follow_idx);
    if (rc != GK_OK)
        gen_plan_cleanup(plan);
    return rc;
}

void gen_plan_cleanup(struct gen_plan *plan)
{
    if (plan == NULL)
        return;
    for (size_t i = 0; i < plan->count; i++)
        free(plan->questions[i].text);
    free(plan->questions);
    for (size_t i = 0; i < plan->space_count; i++)
        free(plan->spaces[i].bank);
    free(plan->spaces);
    memset(plan, 0, sizeof *plan);
}

/* ---- estimate ---- */

/* When the pacer allows the n-th POST (n >= 1), the first being at 0. */
static enum gk_rc last_post_us(double rate_per_min, size_t n, int64_t *out,
                               struct gk_err *err)
{
    struct gen_pacer p;
    enum gk_rc rc = gen_pacer_init(&p, rate_per_min, err);
    if (rc != GK_OK)
        return rc;
    int64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t wait = gen_pacer_wait_us(&p, t);
        t += wait;
        (void)gen_pacer_take(&p, t);
    }
    gen_pacer_cleanup(&p);
    *out = t;
    return GK_OK;
}

enum gk_rc gen_plan_estimate(const struct gen_plan *plan, const struct gen_config *cfg,
                             size_t workspace, int64_t answer_us,
                             struct gen_plan_estimate *out, struct gk_err *err)
{
    memset(out, 0, sizeof *out);
    if (workspace >= cfg->workspace_count)
        return gk_err_set(err, GK_BAD_CONFIG, "workspace: index %zu out of range (%zu)",
                          workspace, cfg->workspace_count);
    struct gen_poll_policy pol;
    enum gk_rc rc = gen_poll_policy_from_config(&pol, cfg, err);
    if (rc != GK_OK)
        return rc;
    for (size_t i = 0; i < plan->space_count; i++) {
        const struct gen_plan_space *ps = &plan->spaces[i];
        if (ps->workspace != workspace)
            continue;
        out->spaces++;
        out->conversations += ps->conversations;
        out->questions += ps->questions;
        for (size_t q = ps->first; q < ps->first + ps->questions; q++)
            if (plan->questions[q].turns > out->max_turns)
                out->max_turns = plan->questions[q].turns;
    }
    int64_t seen = gen_poll_seen_after_us(&pol, answer_us);
    out->answer_us = seen >= 0 ? seen : cfg->poll_timeout_us;
    if (out->questions == 0)
        return GK_OK;
    rc = last_post_us(cfg->rate_per_min, out->questions, &out->send_us, err);
    if (rc != GK_OK)
        return rc;
    /* Both terms are far from overflow: at most ~1e9 questions x 60 s, and
     * max_turns <= 101 times a poll timeout the config bounds. */
    double chain = (double)out->max_turns * (double)out->answer_us;
    double paced = (double)out->send_us + (double)out->answer_us;
    double d = chain > paced ? chain : paced;
    out->duration_us = d >= 9e18 ? INT64_MAX : (int64_t)d;
    return GK_OK;
}

/* ---- printing ---- */

/* "850ms", "45s", "3m05s", "2h07m": rounded up, for a person. */
static const char *fmt_duration(char *buf, size_t n, double us)
{
    if (us < 1e6) {
        snprintf(buf, n, "%.0fms", ceil(us / 1e3));
        return buf;
    }
    double s = ceil(us / 1e6);
    if (s < 60)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
    else
        snprintf(buf, n, "%.0fh%02.0fm", floor(s / 3600), floor(fmod(s, 3600) / 60));
    return buf;
}

/* Prints s with control bytes as '?' (titles come from the server). */
static void put_clean(FILE *out, const char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* The host without any user:password@ part. */
static void put_host(FILE *out, const char *host)
{
    if (host == NULL)
        return;
    const char *start = strstr(host, "://");
    start = start != NULL ? start + 3 : host;
    const char *end = start + strcspn(start, "/?#");
    const char *at = NULL;
    for (const char *c = start; c < end; c++)
        if (*c == '@')
            at = c;
    if (at != NULL) {
        fwrite(host, 1, (size_t)(start - host), out);
        put_clean(out, at + 1);
    } else {
        put_clean(out, host);
    }
}

static void print_duration(FILE *out, const struct gen_config *cfg, int64_t us)
{
    char a[32], b[32];
    fprintf(out, "%s", fmt_duration(a, sizeof a, (double)us));
    if (cfg->time_scale > 0 && cfg->time_scale != 1)
        fprintf(out, " (%s real at time scale %g)",
                fmt_duration(b, sizeof b, (double)us / cfg->time_scale), cfg->time_scale);
}

enum gk_rc gen_plan_print(FILE *out, const struct gen_plan *plan,
                          const struct gen_config *cfg, int64_t answer_us, bool questions,
                          struct gk_err *err)
{
    char a[32], b[32];
    int64_t longest = 0;
    fprintf(out,
            "plan: %zu workspace%s, %zu spaces, %zu conversations, %zu questions "
            "(seed %lld)\n",
            cfg->workspace_count, cfg->workspace_count == 1 ? "" : "s", plan->space_count,
            plan->conversations, plan->count, (long long)cfg->seed);
    for (size_t w = 0; w < cfg->workspace_count; w++) {
        struct gen_plan_estimate e;
        enum gk_rc rc = gen_plan_estimate(plan, cfg, w, answer_us, &e, err);
        if (rc != GK_OK)
            return rc;
        if (e.duration_us > longest)
            longest = e.duration_us;
        const struct gen_workspace *ws = &cfg->workspaces[w];
        fprintf(out, "\nworkspace %s ", ws->workspace_id);
        put_host(out, ws->host);
        fprintf(out, "\n  %zu spaces, %zu conversations, %zu questions at %g/min: about ",
                e.spaces, e.conversations, e.questions, cfg->rate_per_min);
        print_duration(out, cfg, e.duration_us);
        fputc('\n', out);
        for (size_t i = 0; i < plan->space_count; i++) {
            const struct gen_plan_space *ps = &plan->spaces[i];
            if (ps->workspace != w)
                continue;
            const struct gen_space *sp = &ws->spaces[ps->space];
            fprintf(out, "  space %s  bank %-10s %3zu conversations %4zu questions  ",
                    sp->space_id, ps->bank, ps->conversations, ps->questions);
            put_clean(out, sp->title);
            fputc('\n', out);
            for (size_t q = ps->first; questions && q < ps->first + ps->questions; q++)
                fprintf(out, "    %s  %s\n", plan->questions[q].key,
                        plan->questions[q].text);
        }
    }
    struct gen_poll_policy pol;
    if (gen_poll_policy_from_config(&pol, cfg, err) != GK_OK)
        return GK_BAD_CONFIG;
    int64_t seen = gen_poll_seen_after_us(&pol, answer_us);
    fprintf(out, "\nabout ");
    print_duration(out, cfg, longest);
    fprintf(out,
            " in all: workspaces run in parallel; an answer ready %s after its "
            "POST is seen at the poll %s after it\n",
            fmt_duration(a, sizeof a, (double)answer_us),
            seen >= 0 ? fmt_duration(b, sizeof b, (double)seen) : "(never: timeout)");
    if (fflush(out) != 0 || ferror(out))
        return gk_err_set(err, GK_IO_ERROR, "dry-run: cannot write the plan");
    return GK_OK;
}
