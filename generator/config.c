/*
 * config.c: genie-gen's option table, the order sources are read in, the
 * workspaces built from them, validation, --help, --print-config and
 * freeing (see config.h; config_file.c reads the JSON file and profiles).
 *
 * Invariants:
 *  - Every scalar setting lives in the table and so has exactly one key,
 *    flag, environment variable and source; config_file.c sets them only
 *    through gk_config_set, so precedence is common/config's.
 *  - The table's strings belong to cfg->settings (gk_config_cleanup frees
 *    and wipes them); cfg->workspaces and everything under it belong to cfg
 *    and are freed (secrets wiped) by gen_config_free. A workspace never
 *    borrows a table string: credentials it inherits are copied.
 *  - Messages name keys and sources, never a secret's value.
 */
#include "generator/config.h"

#include "common/auth.h"
#include "common/log.h"

#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const log_levels[] = {"error", "warn", "info", "debug", "trace", NULL};

#define OPT(field) offsetof(struct gen_config, field)
#define MIN_US     INT64_C(1000)
#define HOUR_US    INT64_C(3600000000)

/* One row per setting: kept compact, it reads as the table it is. */
/* clang-format off */
static const struct gk_config_option options[] = {
    {.key = "config", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(config_file),
     .flag = "--config", .flags = GK_CONFIG_CLI_ONLY,
     .help = "JSON config file: any key below, and a \"workspaces\" list"},
    {.key = "profile", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(profile),
     .env = "DATABRICKS_CONFIG_PROFILE", .flag = "--profile",
     .help = "section of ~/.databrickscfg (or DATABRICKS_CONFIG_FILE) with host and "
             "credentials"},
    {.key = "host", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(host),
     .env = "DATABRICKS_HOST", .flag = "--host",
     .help = "workspace URL, when the config file lists no workspaces"},
    {.key = "token", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(token),
     .env = "DATABRICKS_TOKEN", .flags = GK_CONFIG_SECRET,
     .help = "personal access token (no flag: command lines are visible in ps)"},
    {.key = "client_id", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(client_id),
     .env = "DATABRICKS_CLIENT_ID", .flag = "--client-id",
     .help = "OAuth machine-to-machine: the service principal's application id"},
    {.key = "client_secret", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(client_secret),
     .env = "DATABRICKS_CLIENT_SECRET", .flags = GK_CONFIG_SECRET,
     .help = "OAuth machine-to-machine: the service principal's secret (no flag)"},
    {.key = "workspace_id", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(workspace_id),
     .env = "GENIE_GEN_WORKSPACE_ID", .flag = "--workspace-id",
     .help = "id of that workspace (default: from /.well-known/databricks-config)"},
    {.key = "spaces", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(spaces),
     .env = "GENIE_GEN_SPACES", .flag = "--spaces",
     .help = "its Genie space ids, comma-separated (default: every space it lists)"},
    {.key = "conversations_per_space", .type = GK_CONFIG_TYPE_INT64,
     .offset = OPT(conversations_per_space), .default_value = "1",
     .env = "GENIE_GEN_CONVERSATIONS_PER_SPACE", .flag = "--conversations", .min = 0,
     .max = 10000, .help = "conversations started in each space"},
    {.key = "follow_ups_min", .type = GK_CONFIG_TYPE_INT64,
     .offset = OPT(follow_ups_min), .default_value = "1",
     .env = "GENIE_GEN_FOLLOW_UPS_MIN", .flag = "--follow-ups-min", .min = 0, .max = 100,
     .help = "fewest follow-up questions per conversation"},
    {.key = "follow_ups_max", .type = GK_CONFIG_TYPE_INT64,
     .offset = OPT(follow_ups_max), .default_value = "2",
     .env = "GENIE_GEN_FOLLOW_UPS_MAX", .flag = "--follow-ups-max", .min = 0, .max = 100,
     .help = "most follow-up questions per conversation"},
    {.key = "follow_up_after_failure", .type = GK_CONFIG_TYPE_BOOL,
     .offset = OPT(follow_up_after_failure), .default_value = "false",
     .env = "GENIE_GEN_FOLLOW_UP_AFTER_FAILURE", .flag = "--follow-up-after-failure",
     .help = "keep asking follow-ups in a conversation whose last message failed"},
    {.key = "questions_dir", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(questions_dir),
     .default_value = "fixtures/questions", .env = "GENIE_GEN_QUESTIONS_DIR",
     .flag = "--questions-dir", .help = "folder of question banks (*.json)"},
    {.key = "rate_per_min", .type = GK_CONFIG_TYPE_DOUBLE, .offset = OPT(rate_per_min),
     .default_value = "4", .env = "GENIE_GEN_RATE_PER_MIN", .flag = "--rate",
     .dmin = 1, .dmax = 600,
     .help = "questions per minute per workspace, retries included (Genie allows 5; "
             "above needs --allow-above-limit)"},
    {.key = "allow_above_limit", .type = GK_CONFIG_TYPE_BOOL,
     .offset = OPT(allow_above_limit), .default_value = "false",
     .env = "GENIE_GEN_ALLOW_ABOVE_LIMIT", .flag = "--allow-above-limit",
     .help = "allow a rate above Genie's 5 per minute (for genie-mock)"},
    {.key = "first_poll", .type = GK_CONFIG_TYPE_DURATION, .offset = OPT(first_poll_us),
     .default_value = "1s", .env = "GENIE_GEN_FIRST_POLL", .flag = "--first-poll",
     .min = MIN_US, .max = HOUR_US, .help = "first poll of a message, after asking"},
    {.key = "max_poll_interval", .type = GK_CONFIG_TYPE_DURATION,
     .offset = OPT(max_poll_interval_us), .default_value = "60s",
     .env = "GENIE_GEN_MAX_POLL_INTERVAL", .flag = "--max-poll-interval", .min = MIN_US,
     .max = HOUR_US, .help = "polls back off exponentially up to this interval"},
    {.key = "poll_timeout", .type = GK_CONFIG_TYPE_DURATION,
     .offset = OPT(poll_timeout_us), .default_value = "10m",
     .env = "GENIE_GEN_POLL_TIMEOUT", .flag = "--poll-timeout", .min = MIN_US,
     .max = 24 * HOUR_US, .help = "give up on a message not terminal after this long"},
    {.key = "stall", .type = GK_CONFIG_TYPE_DURATION, .offset = OPT(stall_us),
     .default_value = "5m", .env = "GENIE_GEN_STALL", .flag = "--stall", .min = MIN_US,
     .max = 24 * HOUR_US,
     .help = "report a message whose status has not changed this long"},
    {.key = "max_in_flight", .type = GK_CONFIG_TYPE_INT64, .offset = OPT(max_in_flight),
     .default_value = "32", .env = "GENIE_GEN_MAX_IN_FLIGHT", .flag = "--max-in-flight",
     .min = 1, .max = 10000, .help = "messages being polled at once"},
    {.key = "retry_budget", .type = GK_CONFIG_TYPE_DURATION,
     .offset = OPT(retry_budget_us), .default_value = "5m",
     .env = "GENIE_GEN_RETRY_BUDGET", .flag = "--retry-budget", .min = 0,
     .max = 24 * HOUR_US,
     .help = "per request, time spent retrying 503s, timeouts and network errors"},
    {.key = "request_timeout", .type = GK_CONFIG_TYPE_DURATION,
     .offset = OPT(request_timeout_us), .default_value = "60s",
     .env = "GENIE_GEN_REQUEST_TIMEOUT", .flag = "--request-timeout", .min = MIN_US,
     .max = HOUR_US, .help = "one HTTP request, in real time"},
    {.key = "seed", .type = GK_CONFIG_TYPE_INT64, .offset = OPT(seed),
     .default_value = "1", .env = "GENIE_GEN_SEED", .flag = "--seed",
     .help = "seed of the plan; keep it to resume a run"},
    {.key = "time_scale", .type = GK_CONFIG_TYPE_DOUBLE, .offset = OPT(time_scale),
     .default_value = "1", .env = "GENIE_GEN_TIME_SCALE", .flag = "--time-scale",
     .dmin = 0.001, .dmax = 1e6,
     .help = "the server's clock runs this many times faster (genie-mock --time-scale)"},
    {.key = "output", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(output),
     .default_value = "genie-gen.jsonl", .env = "GENIE_GEN_OUTPUT", .flag = "--output",
     .help = "records file: one JSON line per message, appended; resumed when it exists"},
    {.key = "state", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(state),
     .env = "GENIE_GEN_STATE", .flag = "--state",
     .help = "journal of acknowledged questions (default: the output path + .state)"},
    {.key = "summary", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(summary),
     .env = "GENIE_GEN_SUMMARY", .flag = "--summary",
     .help = "also write the summary as JSON to this file"},
    {.key = "fsync", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(fsync),
     .default_value = "false", .env = "GENIE_GEN_FSYNC", .flag = "--fsync",
     .help = "fsync every line (survives power loss, not only a crash)"},
    {.key = "fetch_results", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(fetch_results),
     .default_value = "false", .env = "GENIE_GEN_FETCH_RESULTS",
     .flag = "--fetch-results",
     .help = "fetch each query result and record its rows and columns"},
    {.key = "dry_run", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(dry_run),
     .default_value = "false", .env = "GENIE_GEN_DRY_RUN", .flag = "--dry-run",
     .help = "print the plan and how long it takes at the rate, ask nothing"},
    {.key = "cacert", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(cacert),
     .env = "GENIE_GEN_CACERT", .flag = "--cacert",
     .help = "CA bundle for HTTPS (default: the system's)"},
    {.key = "grace", .type = GK_CONFIG_TYPE_DOUBLE, .offset = OPT(grace_s),
     .default_value = "30", .env = "GENIE_GEN_GRACE", .flag = "--grace", .dmin = 0,
     .dmax = 3600,
     .help = "after SIGINT, seconds in-flight messages may take to finish"},
    {.key = "log_level", .type = GK_CONFIG_TYPE_ENUM, .offset = OPT(log_level),
     .default_value = "info", .env = "GENIE_GEN_LOG_LEVEL", .flag = "--log-level",
     .names = log_levels, .help = "error, warn, info, debug or trace"},
    {.key = "print_config", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(print_config),
     .flag = "--print-config", .flags = GK_CONFIG_CLI_ONLY,
     .help = "print the settings, where each came from, and the workspaces; then exit"},
    {.key = "help", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(help), .flag = "--help",
     .flags = GK_CONFIG_CLI_ONLY, .help = "show this help and exit"},
};
/* clang-format on */
#define N_OPTIONS (sizeof options / sizeof options[0])

/* ---- freeing ---- */

static void free_secret(char *s)
{
    if (s != NULL)
        sodium_memzero(s, strlen(s));
    free(s);
}

static void free_workspaces(struct gen_config *cfg)
{
    for (size_t w = 0; w < cfg->workspace_count; w++) {
        struct gen_workspace *ws = &cfg->workspaces[w];
        for (size_t s = 0; s < ws->space_count; s++) {
            free(ws->spaces[s].space_id);
            free(ws->spaces[s].title);
            free(ws->spaces[s].description);
            free(ws->spaces[s].domain);
        }
        free(ws->spaces);
        free(ws->workspace_id);
        free(ws->host);
        free_secret(ws->token);
        free(ws->client_id);
        free_secret(ws->client_secret);
    }
    free(cfg->workspaces);
    cfg->workspaces = NULL;
    cfg->workspace_count = 0;
}

void gen_config_free(struct gen_config *cfg)
{
    if (cfg == NULL)
        return;
    free_workspaces(cfg);
    if (cfg->settings != NULL)
        gk_config_cleanup(cfg->settings);
    free(cfg->settings);
    memset(cfg, 0, sizeof *cfg);
}

/* ---- sources ---- */

/* "flag --rate", "env GENIE_GEN_RATE_PER_MIN", "file gen.json", "default". */
static const char *source(const struct gen_config *cfg, const char *key, char *buf,
                          size_t cap)
{
    const char *s = cfg->settings != NULL
                        ? gk_config_source(cfg->settings, key, NULL, buf, cap)
                        : NULL;
    return s != NULL ? s : "default";
}

static enum gk_config_origin origin(const struct gen_config *cfg, const char *key)
{
    enum gk_config_origin o = GK_CONFIG_FROM_DEFAULT;
    if (cfg->settings != NULL)
        gk_config_source(cfg->settings, key, &o, NULL, 0);
    return o;
}

static const char *env_getenv(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

/* ---- workspaces ---- */

static enum gk_rc oom(struct gk_err *err)
{
    return gk_err_set(err, GK_OUT_OF_MEMORY, "config: out of memory");
}

/* *dst = a copy of src (NULL stays NULL); false when the copy failed. */
static bool copy(char **dst, const char *src)
{
    *dst = src != NULL ? strdup(src) : NULL;
    return src == NULL || *dst != NULL;
}

/* "https://" in front of a bare host name (as the Databricks SDKs do), no
 * surrounding blanks, no trailing slashes. Replaces *host. */
static enum gk_rc normalize_host(char **host, struct gk_err *err)
{
    const char *h = *host;
    if (h == NULL)
        return GK_OK;
    while (*h == ' ' || *h == '\t')
        h++;
    size_t len = strlen(h);
    while (len > 0 && (h[len - 1] == ' ' || h[len - 1] == '\t' || h[len - 1] == '/'))
        len--;
    bool bare = len > 0 && strstr(h, "://") == NULL;
    char *out = malloc(len + sizeof "https://");
    if (out == NULL)
        return oom(err);
    snprintf(out, len + sizeof "https://", "%s%.*s", bare ? "https://" : "", (int)len, h);
    free(*host);
    *host = out;
    return GK_OK;
}

/* The one workspace described by host, workspace_id, spaces and the
 * top-level credentials. */
static enum gk_rc build_single(struct gen_config *cfg, struct gk_err *err)
{
    struct gen_workspace *ws = calloc(1, sizeof *ws);
    if (ws == NULL)
        return oom(err);
    cfg->workspaces = ws;
    cfg->workspace_count = 1;
    if (!copy(&ws->host, cfg->host) || !copy(&ws->workspace_id, cfg->workspace_id))
        return oom(err);
    /* Space ids, comma-separated; blanks around them and empty items go. */
    for (const char *p = cfg->spaces; p != NULL && *p != '\0';) {
        size_t n = strcspn(p, ",");
        const char *a = p, *b = p + n;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b > a) {
            void *grown = realloc(ws->spaces, (ws->space_count + 1) * sizeof *ws->spaces);
            if (grown == NULL)
                return oom(err);
            ws->spaces = grown;
            struct gen_space *s = &ws->spaces[ws->space_count++];
            memset(s, 0, sizeof *s);
            if ((s->space_id = strndup(a, (size_t)(b - a))) == NULL)
                return oom(err);
        }
        p += n + (p[n] == ',');
    }
    return GK_OK;
}

/* A listed workspace with no credential of its own takes the top-level
 * ones; then the auth kind follows from what it has. */
static enum gk_rc finish_workspaces(struct gen_config *cfg, struct gk_err *err)
{
    for (size_t w = 0; w < cfg->workspace_count; w++) {
        struct gen_workspace *ws = &cfg->workspaces[w];
        enum gk_rc rc = normalize_host(&ws->host, err);
        if (rc != GK_OK)
            return rc;
        if (ws->token == NULL && ws->client_id == NULL && ws->client_secret == NULL &&
            (!copy(&ws->token, cfg->token) || !copy(&ws->client_id, cfg->client_id) ||
             !copy(&ws->client_secret, cfg->client_secret)))
            return oom(err);
        ws->auth =
            ws->token == NULL && (ws->client_id != NULL || ws->client_secret != NULL)
                ? GEN_AUTH_OAUTH_M2M
                : GEN_AUTH_PAT;
    }
    return GK_OK;
}

static enum gk_rc load_profile(struct gen_config *cfg, gen_config_env_fn env, void *ctx,
                               struct gk_err *err)
{
    const char *name = cfg->profile;
    bool required = name != NULL;
    if (name == NULL) {
        /* The SDKs' fallback: [DEFAULT], when nothing else says where to go. */
        if (cfg->workspaces_from_file || cfg->host != NULL)
            return GK_OK;
        name = "DEFAULT";
    }
    const char *path = env("DATABRICKS_CONFIG_FILE", ctx);
    const char *home = env("HOME", ctx);
    if (path != NULL && path[0] != '\0')
        return gen_config_read_profile(cfg, path, name, required, err);
    if (home == NULL || home[0] == '\0') {
        if (!required)
            return GK_OK;
        return gk_err_set(
            err, GK_BAD_CONFIG,
            "profile %s: neither DATABRICKS_CONFIG_FILE nor HOME is set, so "
            "there is no ~/.databrickscfg to read it from",
            name);
    }
    size_t cap = strlen(home) + sizeof "/.databrickscfg";
    char *file = malloc(cap);
    if (file == NULL)
        return oom(err);
    snprintf(file, cap, "%s/.databrickscfg", home);
    enum gk_rc rc = gen_config_read_profile(cfg, file, name, required, err);
    free(file);
    return rc;
}

/* Top-level host, workspace_id and spaces describe the single workspace;
 * next to a list they are a mistake when written in the file (caught while
 * reading it) or on the command line, and ignored from env and profiles. */
static enum gk_rc check_single_keys(const struct gen_config *cfg, struct gk_err *err)
{
    static const char *const keys[] = {"host", "workspace_id", "spaces"};
    char src[GK_CONFIG_SOURCE_MAX];
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (origin(cfg, keys[i]) == GK_CONFIG_FROM_FLAG)
            return gk_err_set(err, GK_BAD_CONFIG,
                              "%s (%s): %s lists the workspaces; set it there, per "
                              "workspace",
                              keys[i], source(cfg, keys[i], src, sizeof src),
                              cfg->config_file);
    return GK_OK;
}

static enum gk_rc derive_state(struct gen_config *cfg, struct gk_err *err)
{
    if (cfg->state != NULL || cfg->output == NULL)
        return GK_OK;
    size_t cap = strlen(cfg->output) + sizeof ".state";
    char *state = malloc(cap);
    if (state == NULL)
        return oom(err);
    snprintf(state, cap, "%s.state", cfg->output);
    enum gk_rc rc =
        gk_config_set(cfg->settings, GK_CONFIG_FROM_DEFAULT, NULL, "state", state, err);
    free(state);
    return rc;
}

enum gk_rc gen_config_load(struct gen_config *cfg, int argc, char *const argv[],
                           gen_config_env_fn env, void *ctx, struct gk_err *err)
{
    enum gk_rc rc;

    memset(cfg, 0, sizeof *cfg);
    if (env == NULL)
        env = env_getenv;
    if ((cfg->settings = calloc(1, sizeof *cfg->settings)) == NULL)
        return oom(err);
    rc = gk_config_init(cfg->settings, options, N_OPTIONS, cfg, err);
    if (rc == GK_OK)
        rc = gk_config_parse_args(cfg->settings, argc, argv, NULL, NULL, err);
    if (rc == GK_OK && cfg->help)
        return GK_OK;
    if (rc == GK_OK)
        rc = gk_config_load_env(cfg->settings, env, ctx, err);
    if (rc == GK_OK && cfg->config_file != NULL)
        rc = gen_config_read_file(cfg, cfg->config_file, err);
    if (rc == GK_OK)
        rc = load_profile(cfg, env, ctx, err);
    if (rc == GK_OK && cfg->workspaces_from_file)
        rc = check_single_keys(cfg, err);
    else if (rc == GK_OK && cfg->host != NULL)
        rc = build_single(cfg, err);
    if (rc == GK_OK)
        rc = finish_workspaces(cfg, err);
    if (rc == GK_OK)
        rc = derive_state(cfg, err);
    if (rc == GK_OK && !cfg->print_config)
        rc = gen_config_validate(cfg, err);
    if (rc != GK_OK)
        gen_config_free(cfg);
    return rc;
}

/* ---- help and dump ---- */

enum gk_rc gen_config_print_help(FILE *out)
{
    fputs("usage: genie-gen [options]\n\n"
          "Asks Databricks Genie (or genie-mock) questions across workspaces and spaces\n"
          "without breaking its limit of 5 questions per minute per workspace, polls\n"
          "each message to a terminal status and appends one JSON line per message to\n"
          "the output file. Re-run with the same settings to resume after a crash.\n\n"
          "Sources, lowest first: defaults, a ~/.databrickscfg profile, the config\n"
          "file, the environment, flags.\n\noptions:\n",
          out);
    gk_config_print_help(options, N_OPTIONS, out);
    fputs(
        "\nconfig file (--config FILE): a JSON object with any file key above, and\n"
        "  \"workspaces\": [{\"workspace_id\": \"...\", \"host\": \"https://...\",\n"
        "                  \"token\": \"...\"  or  \"client_id\": \"...\", "
        "\"client_secret\": \"...\",\n"
        "                  \"spaces\": [\"<space id>\", {\"space_id\": \"...\", "
        "\"title\": \"...\",\n"
        "                              \"domain\": \"...\", \"description\": "
        "\"...\"}]}]\n"
        "  A workspace without credentials uses the top-level ones; one without\n"
        "  spaces gets every space it lists.\n"
        "profiles: --profile NAME reads [NAME] (host, token, client_id, client_secret)\n"
        "  from DATABRICKS_CONFIG_FILE or ~/.databrickscfg; [DEFAULT] is used when\n"
        "  nothing else names a host.\n",
        out);
    return ferror(out) ? gk_err_set(NULL, GK_IO_ERROR, NULL) : GK_OK;
}

static void dump_quoted(FILE *out, const char *label, const char *s)
{
    char q[256];
    if (s != NULL)
        fprintf(out, "  %s = %s", label, gk_config_quote(s, q, sizeof q));
}

enum gk_rc gen_config_dump(const struct gen_config *cfg, FILE *out)
{
    char red[GK_AUTH_REDACTED_SIZE];
    if (cfg->settings != NULL && gk_config_dump(cfg->settings, out) != GK_OK)
        return GK_IO_ERROR;
    fprintf(out, "# %zu workspace%s%s%s\n", cfg->workspace_count,
            cfg->workspace_count == 1 ? "" : "s",
            cfg->workspaces_from_file ? ", listed in "
                                      : ", from host and its credentials",
            cfg->workspaces_from_file ? cfg->config_file : "");
    for (size_t w = 0; w < cfg->workspace_count; w++) {
        const struct gen_workspace *ws = &cfg->workspaces[w];
        fprintf(out, "workspaces[%zu]:", w);
        dump_quoted(out, "workspace_id", ws->workspace_id);
        dump_quoted(out, "host", ws->host);
        if (ws->token != NULL)
            fprintf(out, "  auth = pat  token = %s",
                    gk_auth_redact(ws->token, red, sizeof red));
        else if (ws->client_id != NULL || ws->client_secret != NULL) {
            fputs("  auth = oauth-m2m", out);
            dump_quoted(out, "client_id", ws->client_id);
            fprintf(out, "  client_secret = %s",
                    gk_auth_redact(ws->client_secret, red, sizeof red));
        } else
            fputs("  auth = (none)", out);
        fputc('\n', out);
        if (ws->space_count == 0)
            fputs("  spaces = (every space the workspace lists)\n", out);
        for (size_t s = 0; s < ws->space_count; s++) {
            const struct gen_space *sp = &ws->spaces[s];
            fprintf(out, "  spaces[%zu]:", s);
            dump_quoted(out, "space_id", sp->space_id);
            dump_quoted(out, "title", sp->title);
            dump_quoted(out, "domain", sp->domain);
            dump_quoted(out, "description", sp->description);
            fputc('\n', out);
        }
    }
    return ferror(out) ? gk_err_set(NULL, GK_IO_ERROR, NULL) : GK_OK;
}
