/*
 * scenario_workspace.c: reading the "workspaces" of a scenario file, with
 * their principals (see scenario_read.h; the format is docs/scenario.md).
 *
 * Spaces are nested in their workspace in the file and flattened into the
 * scenario's one array: it is sized up front by counting every workspace's
 * "spaces", and each workspace keeps the ids of its own. A workspace's
 * principals are read after its spaces, so the spaces they name (by id or by
 * title) resolve to ids at load time, and a name that matches nothing, or a
 * title shared by two spaces, is an error at the principal's key.
 *
 * Generated values depend on the file alone: gk_rng_derive(seed, label),
 * with the key path as the label ("workspaces[1].principals[0].token"), or
 * a shared label where sharing is realistic: one account id for the whole
 * file, one user id per principal name (the same person in two workspaces).
 */
#include "mockserver/scenario_read.h"

#include "common/config.h"
#include "common/id.h"
#include "common/rng.h"
#include "mockserver/scenario_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_MAX (MOCK_SJ_PATH_MAX + 48)
#define QUOTE_MAX 48

static bool line_nonempty(const char *s)
{
    return s[0] != '\0' && mock_scenario_text_ok(s, false);
}

static const struct mock_sj_text rule_line = {line_nonempty, "non-empty text on one line",
                                              false};
static const struct mock_sj_text rule_workspace_id = {mock_scenario_workspace_id_ok,
                                                      "16 decimal digits", false};
static const struct mock_sj_text rule_uuid = {gk_id_uuid_valid, "a lowercase UUID",
                                              false};
static const struct mock_sj_text rule_credential = {
    mock_scenario_credential_ok, "1 to 256 visible ASCII characters", false};
static const struct mock_sj_text rule_secret = {
    mock_scenario_credential_ok, "1 to 256 visible ASCII characters", true};

/* gk_rng seeded from the scenario seed and "<current path>.<key>". */
static void derive_rng(const struct mock_sj *r, uint64_t seed, const char *key,
                       struct gk_rng *rng)
{
    char label[LABEL_MAX];
    gk_rng_init(rng, gk_rng_derive(seed, mock_sj_label(r, key, label, sizeof label)));
}

/* ---- principals ---- */

/* The id of the space of this workspace whose id or title is ref. */
static enum gk_rc resolve_space(struct mock_sj *r, const struct mock_space *spaces,
                                size_t count, const char *ref, const char **id)
{
    char q[QUOTE_MAX];
    size_t titled = 0;

    for (size_t k = 0; k < count; k++)
        if (strcmp(spaces[k].space_id, ref) == 0) {
            *id = spaces[k].space_id;
            return GK_OK;
        }
    for (size_t k = 0; k < count; k++)
        if (strcmp(spaces[k].title, ref) == 0) {
            *id = spaces[k].space_id;
            titled++;
        }
    if (titled == 1)
        return GK_OK;
    if (titled > 1)
        return mock_sj_fail(
            r, "%zu spaces of this workspace are titled %s: use the space_id", titled,
            gk_config_quote(ref, q, sizeof q));
    return mock_sj_fail(r, "no space of this workspace has the id or title %s",
                        gk_config_quote(ref, q, sizeof q));
}

/* "spaces": "*" or [id or title, ...]; absent means "*". */
static enum gk_rc read_grants(struct mock_sj *r, const struct mock_sj_node *obj,
                              const struct mock_space *spaces, size_t count,
                              struct mock_principal *p)
{
    const struct mock_sj_node *v = mock_sj_get(obj, "spaces");
    const char *text;
    char q[QUOTE_MAX];
    size_t n = 0, i = 0;

    if (v == NULL) {
        p->all_spaces = true;
        return GK_OK;
    }
    size_t mark = mock_sj_push_key(r, "spaces");
    if ((text = mock_sj_str(v)) != NULL) {
        if (strcmp(text, "*") != 0)
            return mock_sj_fail(
                r, "expected \"*\" or an array of space ids or titles, got %s",
                gk_config_quote(text, q, sizeof q));
        p->all_spaces = true;
        mock_sj_pop(r, mark);
        return GK_OK;
    }
    enum gk_rc rc = mock_sj_array(r, v, "\"*\" or an array of space ids or titles", &n);
    if (rc != GK_OK)
        return rc;
    p->spaces = calloc(n ? n : 1, sizeof *p->spaces);
    if (p->spaces == NULL)
        return mock_sj_oom(r);
    for (const struct mock_sj_node *e = mock_sj_first(v); e != NULL && rc == GK_OK;
         e = mock_sj_next(e), i++) {
        char *ref = NULL;
        const char *id = NULL;
        size_t at = mock_sj_push_index(r, i);
        rc = mock_sj_string_value(r, e, &rule_line, &ref);
        if (rc == GK_OK)
            rc = resolve_space(r, spaces, count, ref, &id);
        free(ref);
        bool seen = false;
        for (size_t k = 0; rc == GK_OK && k < p->space_count && !seen; k++)
            seen = strcmp(p->spaces[k], id) == 0; /* the same space twice: once */
        if (rc == GK_OK && !seen) {
            p->spaces[p->space_count] = strdup(id);
            if (p->spaces[p->space_count++] == NULL)
                return mock_sj_oom(r);
        }
        mock_sj_pop(r, at);
    }
    mock_sj_pop(r, mark);
    return rc;
}

static enum gk_rc read_principal(struct mock_sj *r, const struct mock_sj_node *obj,
                                 uint64_t seed, size_t index,
                                 const struct mock_space *spaces, size_t space_count,
                                 struct mock_principal *p)
{
    static const char *const keys[] = {
        "name",          "user_id", "token",      "client_id",
        "client_secret", "spaces",  "can_manage", NULL};
    char name[40], label[LABEL_MAX], pat[GK_ID_PAT_SIZE];
    struct gk_rng rng;
    uint64_t user_id = 0;

    enum gk_rc rc = mock_sj_object(r, obj, keys);
    if (rc == GK_OK)
        rc = mock_sj_string(r, obj, "name", &rule_line, &p->name);
    snprintf(name, sizeof name, "user%zu@example.com", index + 1);
    if (rc == GK_OK)
        rc = mock_sj_dup(r, &p->name, name);
    if (rc == GK_OK)
        rc = mock_sj_id_number(r, obj, "user_id", 1, INT64_MAX, &user_id);
    if (rc == GK_OK)
        rc = mock_sj_string(r, obj, "token", &rule_secret, &p->token);
    if (rc == GK_OK)
        rc = mock_sj_string(r, obj, "client_id", &rule_credential, &p->client_id);
    if (rc == GK_OK)
        rc = mock_sj_string(r, obj, "client_secret", &rule_secret, &p->client_secret);
    if (rc == GK_OK)
        rc = read_grants(r, obj, spaces, space_count, p);
    if (rc == GK_OK)
        rc = mock_sj_bool(r, obj, "can_manage", &p->can_manage);
    if (rc != GK_OK)
        return rc;
    if ((p->client_id == NULL) != (p->client_secret == NULL)) {
        mock_sj_push_key(r, p->client_id == NULL ? "client_secret" : "client_id");
        return mock_sj_fail(r, "client_id and client_secret go together");
    }
    /* One user id per name, so the same person has the same id everywhere. */
    if (user_id == 0) {
        snprintf(label, sizeof label, "user:%s", p->name);
        gk_rng_init(&rng, gk_rng_derive(seed, label));
        user_id = (uint64_t)gk_id_user(&rng);
    }
    p->user_id = (int64_t)user_id;
    if (p->token == NULL && p->client_id == NULL) {
        derive_rng(r, seed, "token", &rng);
        gk_id_pat(&rng, pat);
        rc = mock_sj_dup(r, &p->token, pat);
    }
    return rc;
}

/* No "principals" key: one developer with a generated PAT and every right. */
static enum gk_rc default_principal(struct mock_sj *r, uint64_t seed,
                                    struct mock_workspace *ws)
{
    static const char dev[] = "dev@example.com";
    char pat[GK_ID_PAT_SIZE];
    struct gk_rng rng;

    ws->principals = calloc(1, sizeof *ws->principals);
    if (ws->principals == NULL)
        return mock_sj_oom(r);
    ws->principal_count = 1;
    struct mock_principal *p = &ws->principals[0];
    p->all_spaces = p->can_manage = true;
    gk_rng_init(&rng, gk_rng_derive(seed, "user:dev@example.com"));
    p->user_id = gk_id_user(&rng);
    size_t mark = mock_sj_push_key(r, "principals");
    mock_sj_push_index(r, 0);
    derive_rng(r, seed, "token", &rng);
    mock_sj_pop(r, mark);
    gk_id_pat(&rng, pat);
    enum gk_rc rc = mock_sj_dup(r, &p->name, dev);
    return rc == GK_OK ? mock_sj_dup(r, &p->token, pat) : rc;
}

static enum gk_rc read_principals(struct mock_sj *r, const struct mock_sj_node *obj,
                                  uint64_t seed, const struct mock_space *spaces,
                                  struct mock_workspace *ws)
{
    const struct mock_sj_node *v = mock_sj_get(obj, "principals");
    size_t n = 0, i = 0;

    if (v == NULL)
        return default_principal(r, seed, ws);
    size_t mark = mock_sj_push_key(r, "principals");
    enum gk_rc rc = mock_sj_array(r, v, "an array of principals", &n);
    if (rc != GK_OK)
        return rc;
    ws->principals = calloc(n ? n : 1, sizeof *ws->principals);
    if (ws->principals == NULL)
        return mock_sj_oom(r);
    ws->principal_count = n;
    for (const struct mock_sj_node *e = mock_sj_first(v); e != NULL && rc == GK_OK;
         e = mock_sj_next(e), i++) {
        size_t at = mock_sj_push_index(r, i);
        rc = read_principal(r, e, seed, i, spaces, ws->space_count, &ws->principals[i]);
        mock_sj_pop(r, at);
    }
    mock_sj_pop(r, mark);
    return rc;
}

/* ---- workspaces ---- */

/* Reads the workspace's spaces into s->spaces[*next ...]. */
static enum gk_rc read_ws_spaces(struct mock_sj *r, const struct mock_sj_node *obj,
                                 struct mock_scenario *s, size_t w, size_t *next)
{
    const struct mock_sj_node *v = mock_sj_get(obj, "spaces");
    struct mock_workspace *ws = &s->workspaces[w];
    size_t n = 0, i = 0;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, "spaces");
    enum gk_rc rc = mock_sj_array(r, v, "an array of spaces", &n);
    if (rc != GK_OK)
        return rc;
    if (*next + n > s->space_count) /* counted before: cannot happen */
        return gk_err_set(r->err, GK_INTERNAL_ERROR, "%s: spaces miscounted", r->file);
    ws->spaces = calloc(n ? n : 1, sizeof *ws->spaces);
    if (ws->spaces == NULL)
        return mock_sj_oom(r);
    ws->space_count = n;
    for (const struct mock_sj_node *e = mock_sj_first(v); e != NULL && rc == GK_OK;
         e = mock_sj_next(e), i++) {
        size_t at = mock_sj_push_index(r, i);
        struct mock_space *sp = &s->spaces[*next];
        rc = mock_scenario_read_space(r, e, s->seed, (*next)++, w, sp);
        if (rc == GK_OK)
            rc = mock_sj_dup(r, &ws->spaces[i], sp->space_id);
        mock_sj_pop(r, at);
    }
    mock_sj_pop(r, mark);
    return rc;
}

static enum gk_rc read_workspace(struct mock_sj *r, const struct mock_sj_node *obj,
                                 struct mock_scenario *s, size_t w, size_t *next)
{
    static const char *const keys[] = {"workspace_id", "account_id", "port",
                                       "spaces",       "principals", NULL};
    struct mock_workspace *ws = &s->workspaces[w];
    size_t first = *next;
    char wid[GK_ID_WORKSPACE_SIZE], uuid[GK_ID_UUID_SIZE];
    struct gk_rng rng;
    int64_t port = 0;

    enum gk_rc rc = mock_sj_object(r, obj, keys);
    if (rc == GK_OK)
        rc =
            mock_sj_string(r, obj, "workspace_id", &rule_workspace_id, &ws->workspace_id);
    if (rc == GK_OK && ws->workspace_id == NULL) {
        derive_rng(r, s->seed, "workspace_id", &rng);
        gk_id_workspace(&rng, wid);
        rc = mock_sj_dup(r, &ws->workspace_id, wid);
    }
    if (rc == GK_OK)
        rc = mock_sj_string(r, obj, "account_id", &rule_uuid, &ws->account_id);
    if (rc == GK_OK && ws->account_id == NULL) { /* one account for the whole file */
        gk_rng_init(&rng, gk_rng_derive(s->seed, "account_id"));
        mock_scenario_gen_uuid(&rng, uuid);
        rc = mock_sj_dup(r, &ws->account_id, uuid);
    }
    if (rc == GK_OK)
        rc = mock_sj_int(r, obj, "port", 0, 65535, &port);
    ws->port = (uint16_t)port;
    if (rc == GK_OK)
        rc = read_ws_spaces(r, obj, s, w, next);
    if (rc == GK_OK)
        rc = read_principals(r, obj, s->seed, &s->spaces[first], ws);
    return rc;
}

enum gk_rc mock_scenario_read_workspaces(struct mock_sj *r, struct mock_scenario *s)
{
    const struct mock_sj_node *v = mock_sj_get(r->root, "workspaces");
    size_t n = 0, i = 0, total = 0, next = 0;

    if (v == NULL)
        return GK_OK;
    size_t mark = mock_sj_push_key(r, "workspaces");
    enum gk_rc rc = mock_sj_array(r, v, "an array of workspaces", &n);
    if (rc != GK_OK)
        return rc;
    for (const struct mock_sj_node *e = mock_sj_first(v); e != NULL; e = mock_sj_next(e))
        total += mock_sj_count(mock_sj_get(e, "spaces"));
    s->workspaces = calloc(n ? n : 1, sizeof *s->workspaces);
    s->spaces = calloc(total ? total : 1, sizeof *s->spaces);
    if (s->workspaces == NULL || s->spaces == NULL)
        return mock_sj_oom(r);
    s->workspace_count = n;
    s->space_count = total;
    for (const struct mock_sj_node *e = mock_sj_first(v); e != NULL && rc == GK_OK;
         e = mock_sj_next(e), i++) {
        size_t at = mock_sj_push_index(r, i);
        rc = read_workspace(r, e, s, i, &next);
        mock_sj_pop(r, at);
    }
    mock_sj_pop(r, mark);
    return rc;
}
