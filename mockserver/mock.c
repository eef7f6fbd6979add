/*
 * mock: building, starting and tearing down a genie-mock instance.
 *
 * A scenario is found by path first and then by built-in name, so
 * `--scenario flaky` and `--scenario ./my.json` both work. The seed is
 * --seed, else the scenario's, else a random one (printed by main, so any
 * run can be replayed). The key that signs OAuth tokens is derived from the
 * seed: a replayed run issues the same tokens.
 */
#include "mockserver/mock.h"

#include "common/rng.h"
#include "mockserver/builtin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum gk_rc load_scenario(const struct mock_opts *o, struct mock_scenario *sc,
                                struct gk_err *err)
{
    const char *want = o->scenario_path != NULL ? o->scenario_path : "default";

    if (o->scenario_text != NULL)
        return mock_scenario_parse("scenario", o->scenario_text, strlen(o->scenario_text),
                                   sc, err);
    if (o->scenario_path != NULL && (access(want, F_OK) == 0 || strchr(want, '/') != NULL ||
                                     strstr(want, ".json") != NULL))
        return mock_scenario_load(want, sc, err);
    for (const struct mock_builtin *b = mock_builtins; b->name != NULL; b++)
        if (strcmp(b->name, want) == 0)
            return mock_scenario_parse(b->name, b->text, b->len, sc, err);

    char names[256] = "";
    for (const struct mock_builtin *b = mock_builtins; b->name != NULL; b++)
        if (strlen(names) + strlen(b->name) + 3 < sizeof names)
            strcat(strcat(names, names[0] ? ", " : ""), b->name);
    return gk_err_set(err, GK_BAD_CONFIG,
                      "scenario: \"%s\" is neither a file nor a built-in scenario (%s)", want,
                      names);
}

static struct mock_principal *extra_principal(const struct mock *m, const char *token)
{
    struct mock_principal *p = calloc(1, sizeof *p);
    struct gk_rng r;
    if (p == NULL)
        return NULL;
    gk_rng_init(&r, gk_rng_derive(m->seed, "extra-principal"));
    p->name = strdup("token@genie-mock");
    p->token = strdup(token);
    p->user_id = gk_id_user(&r);
    p->all_spaces = true;
    p->can_manage = true;
    if (p->name == NULL || p->token == NULL) {
        free(p->name);
        free(p->token);
        free(p);
        return NULL;
    }
    return p;
}

static void free_principal(struct mock_principal *p)
{
    if (p == NULL)
        return;
    free(p->name);
    free(p->token);
    free(p);
}

/* The part of a workspace's state that comes from the scenario: its spaces
 * and its limits. Built aside, so a failure leaves the old state intact. */
struct ws_parts {
    struct mock_space_state *spaces;
    struct gk_rlimit questions, requests;
    bool limit_requests;
};

static void parts_cleanup(struct ws_parts *p)
{
    free(p->spaces);
    gk_rlimit_cleanup(&p->questions);
    gk_rlimit_cleanup(&p->requests);
    memset(p, 0, sizeof *p);
}

static enum gk_rc parts_build(const struct mock_scenario *sc, size_t i, struct ws_parts *p,
                              struct gk_err *err)
{
    const struct mock_workspace *w = &sc->workspaces[i];
    const struct mock_limits *l = &sc->limits;

    memset(p, 0, sizeof *p);
    if (w->space_count > 0 && (p->spaces = calloc(w->space_count, sizeof *p->spaces)) == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    for (size_t k = 0; k < w->space_count; k++) {
        p->spaces[k].def = mock_scenario_space(sc, w->spaces[k]);
        if (p->spaces[k].def == NULL) {
            parts_cleanup(p);
            return gk_err_set(err, GK_BAD_CONFIG, "workspaces[%zu].spaces[%zu]: unknown space",
                              i, k);
        }
    }
    /* The scenario loader keeps both limits within what the limiter tracks. */
    if (gk_rlimit_init(&p->questions, l->questions_per_window, l->question_window_us, err) !=
        GK_OK) {
        parts_cleanup(p);
        return gk_err_prefix(err, "limits.questions_per_window");
    }
    if (l->requests_per_second > 0) {
        if (gk_rlimit_init(&p->requests, l->requests_per_second, 1000000, err) != GK_OK) {
            parts_cleanup(p);
            return gk_err_prefix(err, "limits.requests_per_second");
        }
        p->limit_requests = true;
    }
    return GK_OK;
}

/* Deletes every conversation of ws (and their messages). */
static void ws_forget(struct mock_ws *ws)
{
    for (size_t k = 0; ws->spaces != NULL && k < ws->def->space_count; k++) {
        while (ws->spaces[k].conv_count > 0)
            mock_store_delete_conv(ws, ws->spaces[k].convs[ws->spaces[k].conv_count - 1]);
        free(ws->spaces[k].convs);
        ws->spaces[k].convs = NULL;
        ws->spaces[k].conv_cap = 0;
    }
}

/* Puts parts (taken) into ws and starts its counters afresh. */
static void ws_install(struct mock *m, struct mock_ws *ws, const struct mock_workspace *def,
                       struct ws_parts *parts)
{
    free(ws->spaces);
    gk_rlimit_cleanup(&ws->questions);
    gk_rlimit_cleanup(&ws->requests);
    ws->def = def;
    ws->spaces = parts->spaces;
    ws->questions = parts->questions;
    ws->requests = parts->requests;
    ws->limit_requests = parts->limit_requests;
    memset(parts, 0, sizeof *parts);
    gk_id_gen_init(&ws->ids, gk_rng_derive(m->seed, def->workspace_id));
    ws->question_seq = 0;
    ws->request_seq = 0;
}

static enum gk_rc init_ws(struct mock *m, size_t i, struct gk_err *err)
{
    struct mock_ws *ws = &m->ws[i];
    struct ws_parts parts;

    ws->mock = m;
    ws->index = i;
    ws->def = &m->scenario.workspaces[i];
    if (parts_build(&m->scenario, i, &parts, err) != GK_OK)
        return err != NULL ? err->rc : GK_BAD_CONFIG;
    ws_install(m, ws, ws->def, &parts);
    if (m->opts.token != NULL && (ws->extra = extra_principal(m, m->opts.token)) == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    return GK_OK;
}

void mock_reset(struct mock *m)
{
    for (size_t i = 0; i < m->ws_count; i++) {
        struct mock_ws *ws = &m->ws[i];
        ws_forget(ws);
        for (size_t k = 0; k < ws->def->space_count; k++)
            ws->spaces[k].trashed = false;
        gk_rlimit_reset(&ws->questions);
        gk_rlimit_reset(&ws->requests);
        gk_id_gen_init(&ws->ids, gk_rng_derive(m->seed, ws->def->workspace_id));
        ws->question_seq = 0;
        ws->request_seq = 0;
    }
    mock_fault_clear(&m->faults);
    (void)mock_fault_copy(&m->faults, &m->scenario.faults, NULL);
    gk_rng_init(&m->fault_rng, gk_rng_derive(m->seed, "faults"));
    mock_observe_reset(m->observe);
}

enum gk_rc mock_replace_scenario(struct mock *m, struct mock_scenario *sc, struct gk_err *err)
{
    struct ws_parts *parts;
    struct mock_fault_set faults = {0};

    if (sc->workspace_count != m->ws_count)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "workspaces: the new scenario has %zu, this genie-mock serves %zu "
                          "(their ports cannot change while it runs; restart it instead)",
                          sc->workspace_count, m->ws_count);
    if ((parts = calloc(m->ws_count + 1, sizeof *parts)) == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    for (size_t i = 0; i < m->ws_count; i++) {
        if (parts_build(sc, i, &parts[i], err) != GK_OK) {
            while (i-- > 0)
                parts_cleanup(&parts[i]);
            free(parts);
            return err != NULL ? err->rc : GK_BAD_CONFIG;
        }
    }
    if (mock_fault_copy(&faults, &sc->faults, err) != GK_OK) {
        for (size_t i = 0; i < m->ws_count; i++)
            parts_cleanup(&parts[i]);
        free(parts);
        mock_fault_set_cleanup(&faults);
        return GK_OUT_OF_MEMORY;
    }
    /* Nothing can fail from here on. */
    for (size_t i = 0; i < m->ws_count; i++)
        ws_forget(&m->ws[i]);
    struct mock_scenario old = m->scenario;
    m->scenario = *sc;
    memset(sc, 0, sizeof *sc);
    if (!m->opts.has_seed && m->scenario.has_seed)
        m->seed = m->scenario.seed;
    for (size_t i = 0; i < m->ws_count; i++)
        ws_install(m, &m->ws[i], &m->scenario.workspaces[i], &parts[i]);
    free(parts);
    mock_scenario_cleanup(&old);
    mock_fault_set_cleanup(&m->faults);
    m->faults = faults;
    gk_rng_init(&m->fault_rng, gk_rng_derive(m->seed, "faults"));
    mock_observe_reset(m->observe);
    /* The listeners stay; the new body cap applies to them at once. */
    for (size_t i = 0; i < m->ws_count; i++)
        mock_http_set_max_body(m->ws[i].http, m->scenario.limits.max_body);
    return GK_OK;
}

void mock_count_messages(const struct mock *m, int64_t now_us,
                         int64_t by_status[GK_MSG_STATUS_COUNT])
{
    for (size_t i = 0; i < m->ws_count; i++) {
        const struct mock_ws *ws = &m->ws[i];
        for (size_t k = 0; k < ws->def->space_count; k++) {
            const struct mock_space_state *sp = &ws->spaces[k];
            for (size_t c = 0; c < sp->conv_count; c++)
                for (size_t j = 0; j < sp->convs[c]->msg_count; j++) {
                    enum gk_msg_status st = gk_lifecycle_status_at(
                        &sp->convs[c]->msgs[j]->plan, now_us, NULL, NULL);
                    if ((unsigned)st < GK_MSG_STATUS_COUNT)
                        by_status[st]++;
                }
        }
    }
}

static enum gk_rc init_admin(struct mock *m, struct gk_err *err)
{
    const struct mock_opts *o = &m->opts;
    if (o->admin_token != NULL) {
        if (strlen(o->admin_token) < 8 || strlen(o->admin_token) >= sizeof m->admin_token)
            return gk_err_set(err, GK_BAD_CONFIG, "admin-token: give 8 to %zu characters",
                              sizeof m->admin_token - 1);
        snprintf(m->admin_token, sizeof m->admin_token, "%s", o->admin_token);
    } else {
        /* Not from the seed: the admin token guards the mock itself. */
        snprintf(m->admin_token, sizeof m->admin_token, "gma-%016llx%016llx",
                 (unsigned long long)gk_rng_random_seed(),
                 (unsigned long long)gk_rng_random_seed());
    }
    if (o->audit_log != NULL && (m->audit_file = fopen(o->audit_log, "a")) == NULL) {
        char why[128];
        strerror_r(errno, why, sizeof why);
        return gk_err_set(err, GK_IO_ERROR, "audit-log: cannot open %s: %s", o->audit_log, why);
    }
    struct mock_observe_opts oo = {.audit_log = m->audit_file};
    if (mock_observe_new(&oo, &m->observe, err) != GK_OK)
        return err != NULL ? err->rc : GK_OUT_OF_MEMORY;
    if (mock_fault_copy(&m->faults, &m->scenario.faults, err) != GK_OK)
        return GK_OUT_OF_MEMORY;
    gk_rng_init(&m->fault_rng, gk_rng_derive(m->seed, "faults"));
    return GK_OK;
}

enum gk_rc mock_new(const struct mock_opts *opts, struct mock **out, struct gk_err *err)
{
    struct mock *m = calloc(1, sizeof *m);
    enum gk_rc rc;

    *out = NULL;
    if (m == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    m->opts = *opts;
    pthread_mutex_init(&m->lock, NULL);
    if ((rc = load_scenario(opts, &m->scenario, err)) != GK_OK)
        goto fail;
    m->seed = opts->has_seed           ? opts->seed
              : m->scenario.has_seed ? m->scenario.seed
                                       : gk_rng_random_seed();

    if (opts->manual_clock)
        rc = gk_clock_init_manual(&m->clock,
                                  opts->manual_start_ms > 0 ? opts->manual_start_ms
                                                            : gk_clock_system_wall_ms(),
                                  err);
    else
        rc = gk_clock_init(&m->clock, opts->time_scale > 0 ? opts->time_scale : 1.0, err);
    if (rc != GK_OK) {
        gk_err_prefix(err, "time-scale");
        goto fail;
    }

    unsigned char key[32];
    struct gk_rng r;
    gk_rng_init(&r, gk_rng_derive(m->seed, "token-key"));
    for (size_t i = 0; i < sizeof key; i += 8) {
        uint64_t x = gk_rng_next(&r);
        memcpy(key + i, &x, 8);
    }
    if ((rc = gk_auth_key_init(&m->token_key, key, sizeof key, err)) != GK_OK)
        goto fail;

    m->ws_count = m->scenario.workspace_count;
    if (m->ws_count > 0 && (m->ws = calloc(m->ws_count, sizeof *m->ws)) == NULL) {
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
        goto fail;
    }
    for (size_t i = 0; i < m->ws_count; i++)
        if ((rc = init_ws(m, i, err)) != GK_OK)
            goto fail;
    if ((rc = init_admin(m, err)) != GK_OK)
        goto fail;
    *out = m;
    return GK_OK;
fail:
    mock_free(m);
    return rc;
}

enum gk_rc mock_start(struct mock *m, struct gk_err *err)
{
    for (size_t i = 0; i < m->ws_count; i++) {
        struct mock_ws *ws = &m->ws[i];
        struct mock_http_opts ho = {
            .bind_addr = m->opts.bind_addr,
            .port = m->opts.base_port ? (uint16_t)(m->opts.base_port + i) : ws->def->port,
            .threads = m->opts.threads,
            .max_body = m->scenario.limits.max_body,
            .handler = mock_api_handle,
            .too_large = mock_api_too_large,
            .ctx = ws,
        };
        if (mock_http_start(&ho, &ws->http, err) != GK_OK) {
            gk_err_prefix(err, "workspace %s", ws->def->workspace_id);
            mock_stop(m);
            return err != NULL ? err->rc : GK_IO_ERROR;
        }
        ws->port = mock_http_port(ws->http);
    }
    return GK_OK;
}

void mock_stop(struct mock *m)
{
    for (size_t i = 0; i < m->ws_count; i++) {
        mock_http_stop(m->ws[i].http);
        m->ws[i].http = NULL;
    }
}

uint16_t mock_port(const struct mock *m, size_t i)
{
    return i < m->ws_count ? m->ws[i].port : 0;
}

void mock_free(struct mock *m)
{
    if (m == NULL)
        return;
    mock_stop(m);
    for (size_t i = 0; m->ws != NULL && i < m->ws_count; i++) {
        struct mock_ws *ws = &m->ws[i];
        if (ws->def != NULL)
            ws_forget(ws);
        free(ws->spaces);
        gk_rlimit_cleanup(&ws->questions);
        gk_rlimit_cleanup(&ws->requests);
        free_principal(ws->extra);
    }
    free(m->ws);
    mock_idmap_cleanup(&m->convs);
    mock_idmap_cleanup(&m->msgs);
    mock_scenario_cleanup(&m->scenario);
    mock_fault_set_cleanup(&m->faults);
    mock_observe_free(m->observe);
    if (m->audit_file != NULL)
        fclose(m->audit_file);
    gk_auth_key_cleanup(&m->token_key);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
