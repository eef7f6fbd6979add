/*
 * config_check.c: gen_config_validate, the checks no single setting can make
 * (see config.h): the rate guard, settings that must agree, and each
 * workspace's host, ids, spaces and credentials.
 *
 * Messages name the key and where its value came from: "rate_per_min (flag
 * --rate)" for a table setting, "gen.json: workspaces[1].host" for a listed
 * workspace, "host (env DATABRICKS_HOST)" for the single one. They quote
 * ids and hosts (never secret), but never a credential, and not a host that
 * carries user info (it may hold a password).
 */
#include "generator/config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* "flag --rate", "env GENIE_GEN_RATE_PER_MIN", "file gen.json", "default". */
static const char *source_of(const struct gen_config *cfg, const char *key, char *buf,
                             size_t cap)
{
    const char *s = cfg->settings != NULL
                        ? gk_config_source(cfg->settings, key, NULL, buf, cap)
                        : NULL;
    return s != NULL ? s : "default";
}

/* Names a workspace, or one of its fields, in messages. */
static const char *ws_label(const struct gen_config *cfg, size_t w, const char *field,
                            char *buf, size_t cap)
{
    char src[GK_CONFIG_SOURCE_MAX];
    if (cfg->workspaces_from_file)
        snprintf(buf, cap, "%s: workspaces[%zu]%s%s", cfg->config_file, w,
                 field != NULL ? "." : "", field != NULL ? field : "");
    else if (field != NULL)
        snprintf(buf, cap, "%s (%s)", field, source_of(cfg, field, src, sizeof src));
    else
        snprintf(buf, cap, "the workspace of host (%s)",
                 source_of(cfg, "host", src, sizeof src));
    return buf;
}

static bool valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > GEN_CONFIG_ID_MAX)
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

static enum gk_rc check_id(const char *label, const char *id, struct gk_err *err)
{
    char q[64];
    if (valid_id(id))
        return GK_OK;
    return gk_err_set(err, GK_BAD_CONFIG,
                      "%s: expected 1 to %d letters, digits, '.', '_' or '-', got %s",
                      label, GEN_CONFIG_ID_MAX, gk_config_quote(id, q, sizeof q));
}

/* http(s)://authority[/path]: visible ASCII, no user info, query or fragment. */
static enum gk_rc check_host(const char *label, const char *host, struct gk_err *err)
{
    char q[96];
    const char *rest = strncmp(host, "https://", 8) == 0  ? host + 8
                       : strncmp(host, "http://", 7) == 0 ? host + 7
                                                          : NULL;
    bool ok = rest != NULL && *rest != '\0' && *rest != '/' && strlen(host) <= 2048;
    for (const char *p = host; ok && *p != '\0'; p++)
        ok = *p > ' ' && *p < 0x7f && *p != '?' && *p != '#';
    if (ok && strchr(host, '@') == NULL)
        return GK_OK;
    if (strchr(host, '@') != NULL) /* user info may hold a password: not quoted */
        return gk_err_set(err, GK_BAD_CONFIG,
                          "%s: credentials in the URL are not supported; use token or "
                          "client_id and client_secret",
                          label);
    return gk_err_set(err, GK_BAD_CONFIG,
                      "%s: expected an http:// or https:// URL, got %s", label,
                      gk_config_quote(host, q, sizeof q));
}

static enum gk_rc check_credentials(const struct gen_config *cfg, size_t w,
                                    struct gk_err *err)
{
    const struct gen_workspace *ws = &cfg->workspaces[w];
    char label[GK_ERR_MSG_MAX / 2];
    ws_label(cfg, w, NULL, label, sizeof label);
    bool oauth = ws->client_id != NULL || ws->client_secret != NULL;
    if (ws->token != NULL && ws->token[0] == '\0')
        return gk_err_set(err, GK_BAD_CONFIG, "%s: the token is empty", label);
    if (ws->token != NULL && oauth)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "%s: both a token and client_id/client_secret are set: choose "
                          "one way to sign in",
                          label);
    if (oauth && (ws->client_id == NULL || ws->client_id[0] == '\0'))
        return gk_err_set(err, GK_BAD_CONFIG, "%s: client_secret without client_id",
                          label);
    if (oauth && (ws->client_secret == NULL || ws->client_secret[0] == '\0'))
        return gk_err_set(err, GK_BAD_CONFIG, "%s: client_id without client_secret",
                          label);
    if (ws->token == NULL && !oauth && !cfg->dry_run)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "%s: no credentials: set a token (DATABRICKS_TOKEN) or "
                          "client_id and client_secret (DATABRICKS_CLIENT_ID, "
                          "DATABRICKS_CLIENT_SECRET), or use --profile",
                          label);
    return GK_OK;
}

static enum gk_rc check_workspace(const struct gen_config *cfg, size_t w,
                                  struct gk_err *err)
{
    const struct gen_workspace *ws = &cfg->workspaces[w];
    char label[GK_ERR_MSG_MAX / 2];
    enum gk_rc rc;

    if (ws->host == NULL || ws->host[0] == '\0')
        return gk_err_set(err, GK_BAD_CONFIG, "%s: missing",
                          ws_label(cfg, w, "host", label, sizeof label));
    if ((rc = check_host(ws_label(cfg, w, "host", label, sizeof label), ws->host, err)) !=
            GK_OK ||
        (ws->workspace_id != NULL &&
         (rc = check_id(ws_label(cfg, w, "workspace_id", label, sizeof label),
                        ws->workspace_id, err)) != GK_OK) ||
        (rc = check_credentials(cfg, w, err)) != GK_OK)
        return rc;
    for (size_t v = 0; v < w; v++) {
        const struct gen_workspace *o = &cfg->workspaces[v];
        if (strcasecmp(o->host, ws->host) == 0)
            return gk_err_set(err, GK_BAD_CONFIG, "%s: the same host as workspaces[%zu]",
                              ws_label(cfg, w, "host", label, sizeof label), v);
        if (o->workspace_id != NULL && ws->workspace_id != NULL &&
            strcmp(o->workspace_id, ws->workspace_id) == 0)
            return gk_err_set(err, GK_BAD_CONFIG, "%s: the same id as workspaces[%zu]",
                              ws_label(cfg, w, "workspace_id", label, sizeof label), v);
    }
    for (size_t s = 0; s < ws->space_count; s++) {
        char field[48];
        if (cfg->workspaces_from_file)
            snprintf(field, sizeof field, "spaces[%zu].space_id", s);
        else
            snprintf(field, sizeof field, "spaces");
        ws_label(cfg, w, field, label, sizeof label);
        const char *id = ws->spaces[s].space_id != NULL ? ws->spaces[s].space_id : "";
        if ((rc = check_id(label, id, err)) != GK_OK)
            return rc;
        for (size_t t = 0; t < s; t++)
            if (strcmp(ws->spaces[t].space_id, id) == 0)
                return gk_err_set(err, GK_BAD_CONFIG, "%s: space %s is listed twice",
                                  label, id);
    }
    return GK_OK;
}

enum gk_rc gen_config_validate(const struct gen_config *cfg, struct gk_err *err)
{
    char src[GK_CONFIG_SOURCE_MAX], a[GK_CONFIG_NUM_MAX], b[GK_CONFIG_NUM_MAX];
    char src2[GK_CONFIG_SOURCE_MAX];
    enum gk_rc rc;

    if (cfg->rate_per_min > GEN_CONFIG_GENIE_LIMIT && !cfg->allow_above_limit)
        return gk_err_set(
            err, GK_BAD_CONFIG,
            "rate_per_min (%s): %s is above Genie's limit of 5 questions per "
            "minute per workspace; to go above it (against genie-mock), "
            "also set allow_above_limit (--allow-above-limit or "
            "GENIE_GEN_ALLOW_ABOVE_LIMIT=true)",
            source_of(cfg, "rate_per_min", src, sizeof src),
            gk_config_format_double(cfg->rate_per_min, a, sizeof a));
    if (cfg->follow_ups_min > cfg->follow_ups_max)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "follow_ups_min (%s): %lld is above follow_ups_max (%s), %lld",
                          source_of(cfg, "follow_ups_min", src, sizeof src),
                          (long long)cfg->follow_ups_min,
                          source_of(cfg, "follow_ups_max", src2, sizeof src2),
                          (long long)cfg->follow_ups_max);
    if (cfg->first_poll_us > cfg->max_poll_interval_us)
        return gk_err_set(
            err, GK_BAD_CONFIG,
            "first_poll (%s): %s is longer than max_poll_interval (%s), %s",
            source_of(cfg, "first_poll", src, sizeof src),
            gk_config_format_duration(cfg->first_poll_us, a, sizeof a),
            source_of(cfg, "max_poll_interval", src2, sizeof src2),
            gk_config_format_duration(cfg->max_poll_interval_us, b, sizeof b));
    if (cfg->first_poll_us >= cfg->poll_timeout_us)
        return gk_err_set(
            err, GK_BAD_CONFIG,
            "poll_timeout (%s): %s leaves no time after first_poll (%s), %s",
            source_of(cfg, "poll_timeout", src, sizeof src),
            gk_config_format_duration(cfg->poll_timeout_us, a, sizeof a),
            source_of(cfg, "first_poll", src2, sizeof src2),
            gk_config_format_duration(cfg->first_poll_us, b, sizeof b));
    if (cfg->output == NULL || cfg->output[0] == '\0')
        return gk_err_set(err, GK_BAD_CONFIG, "output (%s): missing",
                          source_of(cfg, "output", src, sizeof src));
    if (cfg->state != NULL && strcmp(cfg->state, cfg->output) == 0)
        return gk_err_set(err, GK_BAD_CONFIG, "state (%s): the same file as output (%s)",
                          source_of(cfg, "state", src, sizeof src),
                          source_of(cfg, "output", src2, sizeof src2));
    if (cfg->workspace_count == 0 && cfg->workspaces_from_file)
        return gk_err_set(err, GK_BAD_CONFIG, "%s: workspaces: the list is empty",
                          cfg->config_file);
    if (cfg->workspace_count == 0)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "no workspace: set host (DATABRICKS_HOST or --host), use "
                          "--profile, or list workspaces in a config file (--config)");
    for (size_t w = 0; w < cfg->workspace_count; w++)
        if ((rc = check_workspace(cfg, w, err)) != GK_OK)
            return rc;
    return GK_OK;
}
