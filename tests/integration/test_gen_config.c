/*
 * gen_config: genie-gen's settings from defaults, profiles, the JSON config
 * file, the environment and flags (generator/config.h). The environment is
 * a table passed in (never the real one: HOME is unset unless a test sets
 * it, so no real ~/.databrickscfg is read); files live in a temporary
 * directory.
 */
#include "generator/config.h"
#include "tests/gk_test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENV_MAX 12

struct env {
    const char *name[ENV_MAX];
    const char *value[ENV_MAX];
};

static const char *lookup(const char *name, void *ctx)
{
    const struct env *e = ctx;
    for (int i = 0; i < ENV_MAX && e->name[i] != NULL; i++)
        if (strcmp(e->name[i], name) == 0)
            return e->value[i];
    return NULL;
}

static void setenv_(struct env *e, const char *name, const char *value)
{
    int i = 0;
    while (e->name[i] != NULL && strcmp(e->name[i], name) != 0)
        i++;
    cr_assert_lt(i, ENV_MAX - 1);
    e->name[i] = name;
    e->value[i] = value;
}

struct dir {
    char path[64];
    char files[8][128];
    int n;
};

static void dir_init(struct dir *d)
{
    snprintf(d->path, sizeof d->path, "/tmp/gk-gen-config-XXXXXX");
    cr_assert_not_null(mkdtemp(d->path));
    d->n = 0;
}

/* Writes text to a new file in d; returns its path (lives as long as d). */
static const char *dir_file(struct dir *d, const char *name, const char *text)
{
    cr_assert_lt(d->n, 8);
    char *p = d->files[d->n++];
    const char *dir = d->path;
    size_t n = strlen(dir);
    memcpy(p, dir, n);
    snprintf(p + n, sizeof d->files[0] - n, "/%s", name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void dir_cleanup(struct dir *d)
{
    for (int i = 0; i < d->n; i++)
        unlink(d->files[i]);
    rmdir(d->path);
}

/* Loads argv (NULL-terminated, without argv[0]) against env. */
static enum gk_rc load(struct gen_config *cfg, struct env *env, struct gk_err *err, ...)
{
    char *argv[32] = {(char *)"genie-gen"};
    int argc = 1;
    va_list ap;
    va_start(ap, err);
    for (char *a; (a = va_arg(ap, char *)) != NULL && argc < 31;)
        argv[argc++] = a;
    va_end(ap);
    return gen_config_load(cfg, argc, argv, lookup, env, err);
}

static const char *src(const struct gen_config *cfg, const char *key, char *buf,
                       size_t cap)
{
    return gk_config_source(cfg->settings, key, NULL, buf, cap);
}

static struct env pat_env(void)
{
    struct env e = {{0}, {0}};
    setenv_(&e, "DATABRICKS_HOST", "dbc-1.cloud.databricks.com/");
    setenv_(&e, "DATABRICKS_TOKEN", "dapi0123456789abcdef0123456789abcdef");
    return e;
}

Test(gen_config, defaults_fill_every_setting)
{
    struct gen_config cfg;
    struct gk_err err = {0};
    struct env e = pat_env();
    cr_assert_eq(load(&cfg, &e, &err, NULL), GK_OK, "%s", err.msg);
    cr_assert_eq(cfg.conversations_per_space, 1);
    cr_assert_eq(cfg.follow_ups_min, 1);
    cr_assert_eq(cfg.follow_ups_max, 2);
    cr_assert_not(cfg.follow_up_after_failure);
    cr_assert_str_eq(cfg.questions_dir, "fixtures/questions");
    cr_assert_float_eq(cfg.rate_per_min, 4.0, 1e-12);
    cr_assert_not(cfg.allow_above_limit);
    cr_assert_eq(cfg.first_poll_us, 1000000);
    cr_assert_eq(cfg.max_poll_interval_us, 60000000);
    cr_assert_eq(cfg.poll_timeout_us, 600000000);
    cr_assert_eq(cfg.stall_us, 300000000);
    cr_assert_eq(cfg.max_in_flight, 32);
    cr_assert_eq(cfg.retry_budget_us, 300000000);
    cr_assert_eq(cfg.request_timeout_us, 60000000);
    cr_assert_float_eq(cfg.time_scale, 1.0, 1e-12);
    cr_assert_str_eq(cfg.output, "genie-gen.jsonl");
    cr_assert_str_eq(cfg.state, "genie-gen.jsonl.state");
    cr_assert_null(cfg.summary);
    cr_assert_not(cfg.fsync);
    cr_assert_float_eq(cfg.grace_s, 30.0, 1e-12);
    cr_assert_eq(cfg.workspace_count, 1);
    cr_assert_str_eq(cfg.workspaces[0].host, "https://dbc-1.cloud.databricks.com");
    cr_assert_eq(cfg.workspaces[0].auth, GEN_AUTH_PAT);
    cr_assert_str_eq(cfg.workspaces[0].token, "dapi0123456789abcdef0123456789abcdef");
    cr_assert_eq(cfg.workspaces[0].space_count, 0, "no spaces: discover them");
    gen_config_free(&cfg);
    gen_config_free(&cfg); /* twice is fine */
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, flags_beat_env_beat_file_beat_profile_beat_defaults)
{
    struct gen_config cfg;
    struct gk_err err = {0};
    struct dir d;
    char buf[GK_CONFIG_SOURCE_MAX];
    dir_init(&d);
    const char *ini = dir_file(&d, "databrickscfg",
                               "[p]\nhost = https://from-profile\ntoken = tok-profile\n"
                               "cluster_id = not-ours\n");
    const char *json =
        dir_file(&d, "gen.json",
                 "{\"rate_per_min\": 3, \"conversations_per_space\": 5,\n"
                 " \"follow_ups_max\": 3, \"host\": \"https://from-file\",\n"
                 " \"first_poll\": \"2s\", \"fsync\": true}\n");
    struct env e = {{0}, {0}};
    setenv_(&e, "DATABRICKS_CONFIG_FILE", ini);
    setenv_(&e, "GENIE_GEN_RATE_PER_MIN", "2");
    setenv_(&e, "GENIE_GEN_CONVERSATIONS_PER_SPACE", "6");
    setenv_(&e, "GENIE_GEN_SEED", ""); /* empty: unset */
    cr_assert_eq(
        load(&cfg, &e, &err, "--rate", "1", "--config", json, "--profile=p", NULL), GK_OK,
        "%s", err.msg);
    cr_assert_float_eq(cfg.rate_per_min, 1.0, 1e-12);
    cr_assert_str_eq(src(&cfg, "rate_per_min", buf, sizeof buf), "flag --rate");
    cr_assert_eq(cfg.conversations_per_space, 6);
    cr_assert_str_eq(src(&cfg, "conversations_per_space", buf, sizeof buf),
                     "env GENIE_GEN_CONVERSATIONS_PER_SPACE");
    cr_assert_eq(cfg.follow_ups_max, 3);
    cr_assert(strstr(src(&cfg, "follow_ups_max", buf, sizeof buf), "gen.json") != NULL);
    cr_assert_eq(cfg.first_poll_us, 2000000);
    cr_assert(cfg.fsync);
    cr_assert_str_eq(cfg.workspaces[0].host, "https://from-file",
                     "the file beats the profile");
    cr_assert_str_eq(cfg.workspaces[0].token, "tok-profile", "only the profile sets it");
    cr_assert_eq(cfg.seed, 1);
    cr_assert_str_eq(src(&cfg, "seed", buf, sizeof buf), "default");
    gen_config_free(&cfg);
    dir_cleanup(&d);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, a_profile_gives_host_and_credentials)
{
    struct gen_config cfg;
    struct gk_err err = {0};
    struct dir d;
    dir_init(&d);
    const char *ini =
        dir_file(&d, "databrickscfg",
                 "; a comment\n"
                 "[DEFAULT]\nhost = https://default.example\ntoken = tok-default\n"
                 "\n[m2m]\n  HOST: https://m2m.example/  \n"
                 "client_id = sp-id\n# another comment\n"
                 "client_secret = sp=secret:with=delims\nauth_type = oauth-m2m\n"
                 "[other]\nthis line is not ours to judge\n");
    struct env e = {{0}, {0}};
    setenv_(&e, "DATABRICKS_CONFIG_FILE", ini);

    cr_assert_eq(load(&cfg, &e, &err, "--profile", "m2m", NULL), GK_OK, "%s", err.msg);
    cr_assert_str_eq(cfg.workspaces[0].host, "https://m2m.example");
    cr_assert_eq(cfg.workspaces[0].auth, GEN_AUTH_OAUTH_M2M);
    cr_assert_str_eq(cfg.workspaces[0].client_id, "sp-id");
    cr_assert_str_eq(cfg.workspaces[0].client_secret, "sp=secret:with=delims");
    cr_assert_null(cfg.workspaces[0].token, "DEFAULT's values do not leak into m2m");
    gen_config_free(&cfg);

    /* No profile named and no host: [DEFAULT], as the SDKs do. */
    cr_assert_eq(load(&cfg, &e, &err, NULL), GK_OK, "%s", err.msg);
    cr_assert_str_eq(cfg.workspaces[0].host, "https://default.example");
    cr_assert_str_eq(cfg.workspaces[0].token, "tok-default");
    gen_config_free(&cfg);

    /* The environment outranks the profile; DATABRICKS_CONFIG_PROFILE names it. */
    setenv_(&e, "DATABRICKS_CONFIG_PROFILE", "DEFAULT");
    setenv_(&e, "DATABRICKS_TOKEN", "tok-env");
    cr_assert_eq(load(&cfg, &e, &err, NULL), GK_OK, "%s", err.msg);
    cr_assert_str_eq(cfg.workspaces[0].token, "tok-env");
    gen_config_free(&cfg);
    dir_cleanup(&d);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, profile_errors_name_the_profile_file_and_line)
{
    struct dir d;
    dir_init(&d);
    const char *ini = dir_file(&d, "cfg", "[a]\nhost = https://a\n[b]\nhost https//b\n");
    const char *half = dir_file(&d, "half", "[a\nhost = x\n");
    char missing[160];
    snprintf(missing, sizeof missing, "%s/nothing-here", d.path);
    static char line4[200];
    snprintf(line4, sizeof line4, "%s:4: expected key = value", ini);
    static char nosec[200];
    snprintf(nosec, sizeof nosec, "profile zz: no [zz] section in %s", ini);
    static char nofile[200];
    snprintf(nofile, sizeof nofile, "profile a: cannot read %s", missing);
    const struct {
        const char *file, *profile, *says;
    } cases[] = {
        {ini, "b", line4},
        {ini, "zz", nosec},
        {missing, "a", nofile},
        {half, "a", "no [a] section"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_config cfg;
        struct gk_err err = {0};
        struct env e = {{0}, {0}};
        setenv_(&e, "DATABRICKS_CONFIG_FILE", cases[i].file);
        cr_assert_eq(load(&cfg, &e, &err, "--profile", cases[i].profile, NULL),
                     GK_BAD_CONFIG, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].says) != NULL, "case %zu: %s", i, err.msg);
        cr_assert(strstr(err.msg, "https//b") == NULL, "case %zu quotes the line", i);
        cr_assert_null(cfg.settings, "a failed load leaves nothing");
    }
    /* Without a profile asked for, a missing file is no error. */
    struct gen_config cfg;
    struct gk_err err = {0};
    struct env e = pat_env();
    setenv_(&e, "DATABRICKS_CONFIG_FILE", missing);
    cr_assert_eq(load(&cfg, &e, &err, NULL), GK_OK, "%s", err.msg);
    gen_config_free(&cfg);
    dir_cleanup(&d);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, the_config_file_lists_workspaces_and_spaces)
{
    struct gen_config cfg;
    struct gk_err err = {0};
    struct dir d;
    dir_init(&d);
    const char *json = dir_file(
        &d, "gen.json",
        "{\"rate_per_min\": 4.5, \"spaces_unused\": null,\n"
        " \"workspaces\": [\n"
        "  {\"workspace_id\": 1234, \"host\": \"https://dbc-1.example/\", \"token\": "
        "\"t1\",\n"
        "   \"spaces\": [\"01ef\", {\"space_id\": \"01f0\", \"title\": \"Sales\",\n"
        "                \"domain\": \"sales\", \"description\": \"orders\"}]},\n"
        "  {\"host\": \"dbc-2.example\"}]}\n");
    /* The second workspace has no credentials: it takes the environment's. */
    struct env e = {{0}, {0}};
    setenv_(&e, "DATABRICKS_CLIENT_ID", "sp");
    setenv_(&e, "DATABRICKS_CLIENT_SECRET", "sp-secret");
    setenv_(&e, "DATABRICKS_HOST",
            "https://ignored.example"); /* env: ignored next to a list */
    cr_assert_eq(load(&cfg, &e, &err, "--config", json, NULL), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "spaces_unused") != NULL, "%s", err.msg);
    gen_config_free(&cfg);

    json = dir_file(
        &d, "gen2.json",
        "{\"rate_per_min\": 4.5,\n"
        " \"workspaces\": [\n"
        "  {\"workspace_id\": 1234, \"host\": \"https://dbc-1.example/\","
        " \"token\": \"t1\",\n"
        "   \"spaces\": [\"01ef\", {\"space_id\": \"01f0\", \"title\": \"Sales\",\n"
        "                \"domain\": \"sales\", \"description\": \"orders\"}]},\n"
        "  {\"host\": \"dbc-2.example\"}]}\n");
    gk_err_clear(&err);
    cr_assert_eq(load(&cfg, &e, &err, "--config", json, NULL), GK_OK, "%s", err.msg);
    cr_assert(cfg.workspaces_from_file);
    cr_assert_eq(cfg.workspace_count, 2);
    const struct gen_workspace *w0 = &cfg.workspaces[0], *w1 = &cfg.workspaces[1];
    cr_assert_str_eq(w0->workspace_id, "1234");
    cr_assert_str_eq(w0->host, "https://dbc-1.example");
    cr_assert_eq(w0->auth, GEN_AUTH_PAT);
    cr_assert_str_eq(w0->token, "t1");
    cr_assert_null(w0->client_id, "its own token: nothing inherited");
    cr_assert_eq(w0->space_count, 2);
    cr_assert_str_eq(w0->spaces[0].space_id, "01ef");
    cr_assert_null(w0->spaces[0].title);
    cr_assert_str_eq(w0->spaces[1].space_id, "01f0");
    cr_assert_str_eq(w0->spaces[1].title, "Sales");
    cr_assert_str_eq(w0->spaces[1].domain, "sales");
    cr_assert_str_eq(w0->spaces[1].description, "orders");
    cr_assert_null(w1->workspace_id);
    cr_assert_str_eq(w1->host, "https://dbc-2.example");
    cr_assert_eq(w1->auth, GEN_AUTH_OAUTH_M2M);
    cr_assert_str_eq(w1->client_id, "sp");
    cr_assert_str_eq(w1->client_secret, "sp-secret");
    cr_assert_eq(w1->space_count, 0);
    gen_config_free(&cfg);

    /* --host next to a list is a mistake, not silently ignored. */
    gk_err_clear(&err);
    cr_assert_eq(load(&cfg, &e, &err, "--config", json, "--host", "https://x", NULL),
                 GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "host (flag --host)") != NULL, "%s", err.msg);
    dir_cleanup(&d);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, config_file_errors_name_the_file_and_key)
{
    static const struct {
        const char *text;
        const char *says;
    } cases[] = {
        {"{\"rate_per_min\": \"fast\"}", "rate_per_min (file "},
        {"{\"rate_per_mim\": 3}", "did you mean rate_per_min?"},
        {"{\"seed\": 1e300}",
         "seed: expected a string, a number or a boolean, got a number "
         "beyond 2^53"},
        {"{\"first_poll\": [1]}", "first_poll: expected a string, a number or a boolean"},
        {"{\"help\": true}", "only accepted on the command line"},
        {"{\"rate_per_min\": 3,,}", "line 1 column 21: not valid JSON"},
        {"{\"rate_per_min\": 3}\n{}", "line 2 column 1: unexpected text"},
        {"[1, 2]", "expected a JSON object, got an array"},
        {"", "empty"},
        {"{\"workspaces\": {}}",
         "workspaces: expected an array of workspaces, got an object"},
        {"{\"workspaces\": [7]}", "workspaces[0]: expected an object, got a number"},
        {"{\"workspaces\": [{\"host\": 5}]}",
         "workspaces[0].host: expected a string, got a "
         "number"},
        {"{\"workspaces\": [{\"host\": \"h\", \"tokn\": \"t\"}]}",
         "workspaces[0].tokn: unknown key"},
        {"{\"workspaces\": [{\"host\": \"h\", \"host\": \"i\"}]}",
         "workspaces[0].host: given "
         "twice"},
        {"{\"workspaces\": [{\"host\": \"h\", \"token\": \"t\", \"spaces\": [{\"title\": "
         "\"x\"}]}]}",
         "workspaces[0].spaces[0]: space_id: missing"},
        {"{\"workspaces\": [{\"host\": \"h\", \"spaces\": \"01ef\"}]}",
         "workspaces[0].spaces: expected an array of space ids"},
        {"{\"host\": \"https://a\", \"workspaces\": []}",
         "host: not next to \"workspaces\""},
        {"{\"workspaces\": []}", "workspaces: the list is empty"},
        {"{\"workspaces\": [{\"host\": \"https://a\", \"token\": \"t\"}, {\"host\": "
         "\"https://A/\", \"token\": \"t\"}]}",
         "workspaces[1].host: the same host as workspaces[0]"},
        {"{\"workspaces\": [{\"host\": \"https://a\", \"token\": \"t\", "
         "\"workspace_id\": "
         "\"1\"}, {\"host\": \"https://b\", \"token\": \"t\", \"workspace_id\": 1}]}",
         "workspaces[1].workspace_id: the same id as workspaces[0]"},
        {"{\"workspaces\": [{\"host\": \"https://a\", \"token\": \"t\", \"spaces\": [\"x "
         "y\"]}]}",
         "workspaces[0].spaces[0].space_id: expected 1 to 40 letters"},
        {"{\"workspaces\": [{\"host\": \"https://a\", \"token\": \"t\", \"spaces\": "
         "[\"s\", "
         "\"s\"]}]}",
         "workspaces[0].spaces[1].space_id: space s is listed twice"},
        {"{\"workspaces\": [{\"host\": \"ftp://a\", \"token\": \"t\"}]}",
         "workspaces[0].host: expected an http:// or https:// URL, got \"ftp://a\""},
        {"{\"workspaces\": [{\"host\": \"https://a\"}]}",
         "workspaces[0]: no credentials"},
        {"{\"workspaces\": [{\"host\": \"https://a\", \"token\": \"t\", \"client_id\": "
         "\"c\"}]}",
         "workspaces[0]: both a token and client_id/client_secret"},
        {"{\"workspaces\": [{\"host\": \"https://a\", \"client_id\": \"c\"}]}",
         "workspaces[0]: client_id without client_secret"},
    };
    struct dir d;
    dir_init(&d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_config cfg;
        struct gk_err err = {0};
        struct env e = {{0}, {0}};
        char name[16];
        snprintf(name, sizeof name, "c%zu.json", i);
        d.n = 0;
        const char *path = dir_file(&d, name, cases[i].text);
        cr_assert_eq(load(&cfg, &e, &err, "--config", path, NULL), GK_BAD_CONFIG,
                     "case %zu: %s", i, err.msg);
        cr_assert(strstr(err.msg, path) != NULL, "case %zu names no file: %s", i,
                  err.msg);
        cr_assert(strstr(err.msg, cases[i].says) != NULL, "case %zu: %s", i, err.msg);
        unlink(path);
    }
    struct gen_config cfg;
    struct gk_err err = {0};
    struct env e = {{0}, {0}};
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.json", d.path);
    cr_assert_eq(load(&cfg, &e, &err, "--config", missing, NULL), GK_IO_ERROR);
    cr_assert(strstr(err.msg, missing) != NULL, "%s", err.msg);
    d.n = 0;
    dir_cleanup(&d);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, the_rate_guard_keeps_below_genies_limit_unless_told)
{
    static const struct {
        const char *flag_rate, *env_rate;
        bool allow;
        enum gk_rc rc;
        const char *says;
    } cases[] = {
        {"5", NULL, false, GK_OK, NULL},
        {"1", NULL, false, GK_OK, NULL},
        {"5.5", NULL, false, GK_BAD_CONFIG,
         "rate_per_min (flag --rate): 5.5 is above Genie's limit"},
        {NULL, "6", false, GK_BAD_CONFIG,
         "rate_per_min (env GENIE_GEN_RATE_PER_MIN): 6 is"},
        {"5.5", NULL, true, GK_OK, NULL},
        {"60", NULL, true, GK_OK, NULL},
        /* The pacer counts whole questions per minute. */
        {"0.5", NULL, false, GK_BAD_CONFIG,
         "rate_per_min (flag --rate): expected a number "
         "from 1"},
        {"fast", NULL, false, GK_BAD_CONFIG, "got \"fast\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_config cfg;
        struct gk_err err = {0};
        struct env e = pat_env();
        if (cases[i].env_rate != NULL)
            setenv_(&e, "GENIE_GEN_RATE_PER_MIN", cases[i].env_rate);
        char rate[32] = "--seed=1", allow[32] = "--seed=1";
        if (cases[i].flag_rate != NULL)
            snprintf(rate, sizeof rate, "--rate=%s", cases[i].flag_rate);
        if (cases[i].allow)
            snprintf(allow, sizeof allow, "--allow-above-limit");
        cr_assert_eq(load(&cfg, &e, &err, rate, allow, NULL), cases[i].rc, "case %zu: %s",
                     i, err.msg);
        if (cases[i].says != NULL) {
            cr_assert(strstr(err.msg, cases[i].says) != NULL, "case %zu: %s", i, err.msg);
            if (cases[i].rc == GK_BAD_CONFIG && strstr(cases[i].says, "limit") != NULL)
                cr_assert(strstr(err.msg, "--allow-above-limit") != NULL,
                          "case %zu does not say how to override: %s", i, err.msg);
        }
        gen_config_free(&cfg);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, settings_that_disagree_are_refused)
{
    static const struct {
        const char *a, *b;
        const char *says;
    } cases[] = {
        {"--follow-ups-min=3", "--follow-ups-max=2",
         "follow_ups_min (flag --follow-ups-min): 3 is above follow_ups_max (flag "
         "--follow-ups-max), 2"},
        {"--first-poll=2m", "--seed=1",
         "first_poll (flag --first-poll): 2m is longer than "
         "max_poll_interval (default), 1m"},
        {"--poll-timeout=1s", "--seed=1",
         "poll_timeout (flag --poll-timeout): 1s leaves no"},
        {"--output=a.jsonl", "--state=a.jsonl",
         "state (flag --state): the same file as output"},
        {"--spaces=ok,no/slash", "--seed=1", "spaces (flag --spaces): expected 1 to 40"},
        {"--host=https://user:pw@h", "--seed=1",
         "credentials in the URL are not supported"},
        {"--max-in-flight=0", "--seed=1",
         "max_in_flight (flag --max-in-flight): expected an "
         "integer from 1"},
        {"--follow-ups-max=101", "--seed=1", "follow_ups_max (flag --follow-ups-max)"},
        {"--rate", "4", "unexpected argument"}, /* a bare value after a valued flag */
        {"--token=dapiSECRET", "--seed=1", "unknown option \"--token\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_config cfg;
        struct gk_err err = {0};
        struct env e = pat_env();
        enum gk_rc rc = i == 8 ? load(&cfg, &e, &err, cases[i].a, cases[i].b, "x", NULL)
                               : load(&cfg, &e, &err, cases[i].a, cases[i].b, NULL);
        cr_assert_eq(rc, GK_BAD_CONFIG, "case %zu: %s", i, err.msg);
        cr_assert(strstr(err.msg, cases[i].says) != NULL, "case %zu: %s", i, err.msg);
        cr_assert(strstr(err.msg, "pw@") == NULL && strstr(err.msg, "SECRET") == NULL,
                  "case %zu leaks: %s", i, err.msg);
        gen_config_free(&cfg);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, the_single_workspace_comes_from_host_id_and_spaces)
{
    struct gen_config cfg;
    struct gk_err err = {0};
    struct env e = pat_env();
    setenv_(&e, "GENIE_GEN_SPACES", "ignored,by,the,flag");
    cr_assert_eq(
        load(&cfg, &e, &err, "--spaces= a , b,,c ", "--workspace-id", "42", NULL), GK_OK,
        "%s", err.msg);
    const struct gen_workspace *w = &cfg.workspaces[0];
    cr_assert_str_eq(w->workspace_id, "42");
    cr_assert_eq(w->space_count, 3);
    cr_assert_str_eq(w->spaces[0].space_id, "a");
    cr_assert_str_eq(w->spaces[1].space_id, "b");
    cr_assert_str_eq(w->spaces[2].space_id, "c");
    gen_config_free(&cfg);

    /* No host anywhere: the message says every way to give one. */
    struct env none = {{0}, {0}};
    cr_assert_eq(load(&cfg, &none, &err, NULL), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "DATABRICKS_HOST") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "--profile") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "--config") != NULL, "%s", err.msg);

    /* A dry run needs no credentials. */
    struct env host_only = {{0}, {0}};
    setenv_(&host_only, "DATABRICKS_HOST", "https://h");
    gk_err_clear(&err);
    cr_assert_eq(load(&cfg, &host_only, &err, "--dry-run", NULL), GK_OK, "%s", err.msg);
    gen_config_free(&cfg);
    gk_err_clear(&err);
    cr_assert_eq(load(&cfg, &host_only, &err, NULL), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "no credentials") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "host (env DATABRICKS_HOST)") != NULL, "%s", err.msg);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, help_and_print_config_stop_before_validation)
{
    struct gen_config cfg;
    struct gk_err err = {0};
    struct env none = {{0}, {0}};
    cr_assert_eq(load(&cfg, &none, &err, "--help", NULL), GK_OK, "%s", err.msg);
    cr_assert(cfg.help);
    gen_config_free(&cfg);
    cr_assert_eq(load(&cfg, &none, &err, "--print-config", "--rate=9", NULL), GK_OK, "%s",
                 err.msg);
    cr_assert(cfg.print_config);
    cr_assert_eq(gen_config_validate(&cfg, &err), GK_BAD_CONFIG,
                 "validation comes after");
    cr_assert(strstr(err.msg, "rate_per_min") != NULL, "%s", err.msg);
    gen_config_free(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_config, help_documents_every_option_with_its_environment_variable)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert_eq(gen_config_print_help(out), GK_OK);
    fclose(out);
    static const char *const expect[] = {
        "--config",
        "--profile",
        "DATABRICKS_CONFIG_PROFILE",
        "DATABRICKS_HOST",
        "DATABRICKS_TOKEN",
        "DATABRICKS_CLIENT_ID",
        "DATABRICKS_CLIENT_SECRET",
        "--rate",
        "GENIE_GEN_RATE_PER_MIN",
        "--allow-above-limit",
        "--first-poll",
        "--max-poll-interval",
        "--poll-timeout",
        "--stall",
        "--max-in-flight",
        "--retry-budget",
        "--request-timeout",
        "--seed",
        "--time-scale",
        "--output",
        "--state",
        "--summary",
        "--fsync",
        "--fetch-results",
        "--dry-run",
        "--cacert",
        "--grace",
        "--conversations",
        "--follow-ups-min",
        "--follow-ups-max",
        "--follow-up-after-failure",
        "--questions-dir",
        "--spaces",
        "--workspace-id",
        "--print-config",
        "--help",
        "\"workspaces\"",
        "DATABRICKS_CONFIG_FILE",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        cr_assert(strstr(text, expect[i]) != NULL, "help lacks %s", expect[i]);
    free(text);
    GK_ASSERT_NO_LEAKS();
}

/* Every secret, fed in every way, and every output that could show it. */
Test(gen_config, secrets_never_appear_in_the_dump_or_in_errors)
{
    static const char *const secrets[] = {"dapiTOPSECRET0001", "env-secret-0002",
                                          "file-secret-0003", "profile-secret-0004"};
    struct dir d;
    dir_init(&d);
    const char *ini = dir_file(&d, "ini", "[p]\ntoken = profile-secret-0004\n");
    const char *json =
        dir_file(&d, "gen.json",
                 "{\"workspaces\": [\n"
                 " {\"host\": \"https://a\", \"token\": \"dapiTOPSECRET0001\"},\n"
                 " {\"host\": \"https://b\", \"client_id\": \"sp\", \"client_secret\": "
                 "\"file-secret-0003\"},\n"
                 " {\"host\": \"https://c\"}]}\n");
    struct env e = {{0}, {0}};
    setenv_(&e, "DATABRICKS_CONFIG_FILE", ini);
    setenv_(&e, "DATABRICKS_CLIENT_SECRET", "env-secret-0002");
    setenv_(&e, "DATABRICKS_CLIENT_ID", "sp2");

    struct gen_config cfg;
    struct gk_err err = {0};
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(
        load(&cfg, &e, &err, "--config", json, "--profile", "p", "--print-config", NULL),
        GK_OK, "%s", err.msg);
    FILE *out = open_memstream(&text, &len);
    cr_assert_eq(gen_config_dump(&cfg, out), GK_OK);
    fclose(out);
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        cr_assert(strstr(text, secrets[i]) == NULL, "the dump shows %s:\n%s", secrets[i],
                  text);
    cr_assert(strstr(text, "(redacted, 17 chars)") != NULL, "%s", text);
    cr_assert(strstr(text, "https://b") != NULL, "%s", text);
    /* The third workspace inherits the profile token and the env client:
     * both at once is an error that names neither value. */
    cr_assert_eq(gen_config_validate(&cfg, &err), GK_BAD_CONFIG);
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        cr_assert(strstr(err.msg, secrets[i]) == NULL, "%s", err.msg);
    free(text);
    gen_config_free(&cfg);

    /* A syntax error right after a secret quotes nothing of the file. */
    const char *broken = dir_file(
        &d, "broken.json", "{\"token\": \"dapiTOPSECRET0001\" \"rate_per_min\": 3}");
    gk_err_clear(&err);
    cr_assert_eq(load(&cfg, &e, &err, "--config", broken, NULL), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "dapiTOPSECRET") == NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "line 1 column") != NULL, "%s", err.msg);
    /* A secret of the wrong type: the message names the type, not the value. */
    const char *typed = dir_file(&d, "typed.json",
                                 "{\"workspaces\": [{\"host\": \"https://a\", \"token\": "
                                 "[\"dapiTOPSECRET0001\"]}]}");
    gk_err_clear(&err);
    cr_assert_eq(load(&cfg, &e, &err, "--config", typed, NULL), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "dapiTOPSECRET") == NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "workspaces[0].token: expected a string") != NULL, "%s",
              err.msg);
    dir_cleanup(&d);
    GK_ASSERT_NO_LEAKS();
}
