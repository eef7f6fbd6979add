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

static enum gk_rc init_ws(struct mock *m, size_t i, struct gk_err *err)
{
    struct mock_ws *ws = &m->ws[i];
    const struct mock_limits *l = &m->scenario.limits;

    ws->mock = m;
    ws->index = i;
    ws->def = &m->scenario.workspaces[i];
    gk_id_gen_init(&ws->ids, gk_rng_derive(m->seed, ws->def->workspace_id));
    if (ws->def->space_count > 0 &&
        (ws->spaces = calloc(ws->def->space_count, sizeof *ws->spaces)) == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
    for (size_t k = 0; k < ws->def->space_count; k++) {
        ws->spaces[k].def = mock_scenario_space(&m->scenario, ws->def->spaces[k]);
        if (ws->spaces[k].def == NULL)
            return gk_err_set(err, GK_BAD_CONFIG, "workspaces[%zu].spaces[%zu]: unknown space",
                              i, k);
    }
    /* The limiter keeps every event of a window, up to GK_RLIMIT_LIMIT_MAX;
     * the scenario format allows larger limits than that. Say so, naming
     * the key, rather than the limiter's own "limit: must be ...". */
    if (l->questions_per_window > GK_RLIMIT_LIMIT_MAX)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "limits.questions_per_window: %d is more than genie-mock can "
                          "track (at most %d)",
                          l->questions_per_window, GK_RLIMIT_LIMIT_MAX);
    if (l->requests_per_second > GK_RLIMIT_LIMIT_MAX)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "limits.requests_per_second: %d is more than genie-mock can "
                          "track (at most %d; 0 means no limit)",
                          l->requests_per_second, GK_RLIMIT_LIMIT_MAX);
    if (gk_rlimit_init(&ws->questions, l->questions_per_window, l->question_window_us, err) !=
        GK_OK)
        return gk_err_prefix(err, "limits.questions_per_window");
    if (l->requests_per_second > 0) {
        if (gk_rlimit_init(&ws->requests, l->requests_per_second, 1000000, err) != GK_OK)
            return gk_err_prefix(err, "limits.requests_per_second");
        ws->limit_requests = true;
    }
    if (m->opts.token != NULL && (ws->extra = extra_principal(m, m->opts.token)) == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, NULL);
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
        for (size_t k = 0; ws->spaces != NULL && k < ws->def->space_count; k++) {
            while (ws->spaces[k].conv_count > 0)
                mock_store_delete_conv(ws, ws->spaces[k].convs[ws->spaces[k].conv_count - 1]);
            free(ws->spaces[k].convs);
        }
        free(ws->spaces);
        gk_rlimit_cleanup(&ws->questions);
        gk_rlimit_cleanup(&ws->requests);
        free_principal(ws->extra);
    }
    free(m->ws);
    mock_idmap_cleanup(&m->convs);
    mock_idmap_cleanup(&m->msgs);
    mock_scenario_cleanup(&m->scenario);
    gk_auth_key_cleanup(&m->token_key);
    pthread_mutex_destroy(&m->lock);
    free(m);
}
