/*
 * gen_plan: question banks and the plan of a run (generator/plan.h).
 *
 * The shipped banks (fixtures/questions) are checked against the mock's
 * default scenario (fixtures/scenarios/default.json, loaded with the mock's
 * own loader): every default space finds its own bank by title and
 * description alone, and every starter names a column of its space. The
 * plan tests build configurations on the heap (the struct gen_config of
 * gen.h holds non-const strings) and free them, so leak checks see both.
 */
#include "generator/config.h"
#include "generator/plan.h"
#include "mockserver/scenario.h"
#include "tests/gk_test.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BANKS    "fixtures/questions"
#define SCENARIO "fixtures/scenarios/default.json"
#define S(x)     ((int64_t)(x)*1000000)

/* ---- configurations ---- */

struct spec_space {
    const char *id, *title, *description, *domain;
};

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static void cfg_defaults(struct gen_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->conversations_per_space = 1;
    cfg->follow_ups_min = 1;
    cfg->follow_ups_max = 2;
    cfg->rate_per_min = 4;
    cfg->first_poll_us = S(1);
    cfg->max_poll_interval_us = S(60);
    cfg->poll_timeout_us = S(600);
    cfg->stall_us = S(300);
    cfg->seed = 42;
    cfg->time_scale = 1;
}

/* nws workspaces (ids given; NULL allowed), each with the same spaces. */
static struct gen_config *cfg_make(const char *const *ws_ids, size_t nws,
                                   const struct spec_space *sp, size_t nsp)
{
    struct gen_config *cfg = malloc(sizeof *cfg);
    cr_assert_not_null(cfg);
    cfg_defaults(cfg);
    cfg->workspaces = calloc(nws, sizeof *cfg->workspaces);
    cfg->workspace_count = nws;
    for (size_t w = 0; w < nws; w++) {
        struct gen_workspace *ws = &cfg->workspaces[w];
        ws->workspace_id = dup_or_null(ws_ids[w]);
        ws->host = strdup("https://dbc-1.example.com");
        ws->token = strdup("dapiSECRETSECRET");
        ws->spaces = calloc(nsp > 0 ? nsp : 1, sizeof *ws->spaces);
        ws->space_count = nsp;
        for (size_t s = 0; s < nsp; s++) {
            ws->spaces[s].space_id = dup_or_null(sp[s].id);
            ws->spaces[s].title = dup_or_null(sp[s].title);
            ws->spaces[s].description = dup_or_null(sp[s].description);
            ws->spaces[s].domain = dup_or_null(sp[s].domain);
        }
    }
    return cfg;
}

static void cfg_free(struct gen_config *cfg)
{
    gen_config_free(cfg); /* frees the workspaces and their spaces */
    free(cfg);
}

/* The default scenario's workspaces and spaces, as list spaces shows them
 * (no domain) or as configured with their domains. */
static struct gen_config *cfg_default(bool with_domain)
{
    struct mock_scenario sc;
    struct gk_err err = {0};
    cr_assert_eq(mock_scenario_load(SCENARIO, &sc, &err), GK_OK, "%s", err.msg);
    struct gen_config *cfg = malloc(sizeof *cfg);
    cr_assert_not_null(cfg);
    cfg_defaults(cfg);
    cfg->workspace_count = sc.workspace_count;
    cfg->workspaces = calloc(sc.workspace_count, sizeof *cfg->workspaces);
    for (size_t w = 0; w < sc.workspace_count; w++) {
        const struct mock_workspace *mw = &sc.workspaces[w];
        struct gen_workspace *ws = &cfg->workspaces[w];
        ws->workspace_id = strdup(mw->workspace_id);
        ws->host = strdup("https://user:pw@dbc-1.example.com/");
        ws->token = strdup("dapiSECRETSECRET");
        ws->space_count = mw->space_count;
        ws->spaces = calloc(mw->space_count, sizeof *ws->spaces);
        for (size_t s = 0; s < mw->space_count; s++) {
            const struct mock_space *ms = mock_scenario_space(&sc, mw->spaces[s]);
            cr_assert_not_null(ms);
            ws->spaces[s].space_id = strdup(ms->space_id);
            ws->spaces[s].title = dup_or_null(ms->title);
            ws->spaces[s].description = dup_or_null(ms->description);
            ws->spaces[s].domain = with_domain ? dup_or_null(ms->domain) : NULL;
        }
    }
    mock_scenario_cleanup(&sc);
    return cfg;
}

static void load_banks(struct gen_banks *b)
{
    struct gk_err err = {0};
    cr_assert_eq(gen_banks_load(b, BANKS, &err), GK_OK, "%s", err.msg);
}

/* ---- the shipped banks ---- */

Test(gen_plan, the_shipped_banks_load_and_are_big_enough)
{
    static const char *const domains[] = {"finance", "general", "marketing", "operations",
                                          "retail",  "sales",   "support"};
    struct gen_banks b;
    load_banks(&b);
    cr_assert_eq(b.count, 7);
    cr_assert_str_eq(b.banks[b.fallback].domain, GEN_BANK_FALLBACK);
    for (size_t i = 0; i < b.count; i++) {
        const struct gen_bank *k = &b.banks[i];
        cr_assert_str_eq(k->domain, domains[i], "in file name order");
        char file[80];
        snprintf(file, sizeof file, "%s.json", k->domain);
        cr_assert_str_eq(k->file, file);
        cr_assert_geq(k->starter_count, 20, "%s: %zu starters", k->file,
                      k->starter_count);
        cr_assert_geq(k->follow_up_count, 15, "%s: %zu follow-ups", k->file,
                      k->follow_up_count);
        cr_assert_eq(k->match_count == 0, strcmp(k->domain, "general") == 0, "%s",
                     k->file);
    }
    gen_banks_cleanup(&b);
    gen_banks_cleanup(NULL);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, every_default_space_finds_its_bank_by_title_and_description)
{
    struct gen_banks b;
    load_banks(&b);
    struct mock_scenario sc;
    cr_assert_eq(mock_scenario_load(SCENARIO, &sc, NULL), GK_OK);
    cr_assert_eq(sc.space_count, 6);
    for (size_t i = 0; i < sc.space_count; i++) {
        const struct mock_space *ms = &sc.spaces[i];
        struct gen_space sp = {ms->space_id, ms->title, ms->description, NULL};
        size_t k = 99;
        cr_assert_eq(gen_banks_pick(&b, &sp, &k, NULL), GK_OK);
        cr_assert_str_eq(b.banks[k].domain, ms->domain, "\"%s\" got %s", ms->title,
                         b.banks[k].domain);
    }
    mock_scenario_cleanup(&sc);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

/* Lower-cased, a trailing "s" dropped: "Orders" and "order_id" meet at "order". */
static void stem(char *w)
{
    for (char *c = w; *c != '\0'; c++)
        *c = (char)tolower((unsigned char)*c);
    size_t n = strlen(w);
    if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's')
        w[n - 1] = '\0';
}

/* Does a word of q (3+ letters) equal a part of a column or table name? */
static bool names_a_column(const char *q, const struct mock_space *ms)
{
    char word[64];
    for (const char *p = q; *p != '\0';) {
        size_t n = 0;
        while (*p != '\0' && !isalnum((unsigned char)*p))
            p++;
        while (isalnum((unsigned char)*p) && n + 1 < sizeof word)
            word[n++] = *p++;
        word[n] = '\0';
        if (n < 3)
            continue;
        stem(word);
        for (size_t t = 0; t < ms->table_count; t++) {
            const struct mock_table *tb = &ms->tables[t];
            for (size_t c = 0; c <= tb->column_count; c++) {
                /* Column names, and the table's own name last. */
                const char *name = c < tb->column_count ? tb->columns[c].name : tb->name;
                char part[64];
                for (const char *s = name; *s != '\0';) {
                    size_t m = 0;
                    while (*s == '_' || *s == '.')
                        s++;
                    while (*s != '\0' && *s != '_' && *s != '.' && m + 1 < sizeof part)
                        part[m++] = *s++;
                    part[m] = '\0';
                    stem(part);
                    if (m >= 3 && strcmp(part, word) == 0)
                        return true;
                }
            }
        }
    }
    return false;
}

Test(gen_plan, every_starter_names_a_column_of_its_default_space)
{
    struct gen_banks b;
    load_banks(&b);
    struct mock_scenario sc;
    cr_assert_eq(mock_scenario_load(SCENARIO, &sc, NULL), GK_OK);
    for (size_t i = 0; i < sc.space_count; i++) {
        const struct mock_space *ms = &sc.spaces[i];
        struct gen_space sp = {ms->space_id, ms->title, ms->description, ms->domain};
        size_t k;
        cr_assert_eq(gen_banks_pick(&b, &sp, &k, NULL), GK_OK);
        for (size_t q = 0; q < b.banks[k].starter_count; q++)
            cr_expect(names_a_column(b.banks[k].starters[q], ms),
                      "%s: \"%s\" names no column", b.banks[k].file,
                      b.banks[k].starters[q]);
    }
    mock_scenario_cleanup(&sc);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

/* ---- picking a bank ---- */

Test(gen_plan, a_configured_domain_wins_and_an_unknown_one_is_an_error)
{
    struct gen_banks b;
    load_banks(&b);
    struct gen_space sp = {(char *)"s1", (char *)"Sales analytics",
                           (char *)"orders and revenue", (char *)"SUPPORT"};
    size_t k;
    cr_assert_eq(gen_banks_pick(&b, &sp, &k, NULL), GK_OK);
    cr_assert_str_eq(b.banks[k].domain, "support", "case-insensitive, matching ignored");
    sp.domain = (char *)"hr";
    struct gk_err err = {0};
    cr_assert_eq(gen_banks_pick(&b, &sp, &k, &err), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "space s1: domain: no question bank \"hr\"") != NULL, "%s",
              err.msg);
    cr_assert(strstr(err.msg, "have: finance, general, marketing") != NULL, "%s",
              err.msg);
    /* An empty domain means "not configured". */
    sp.domain = (char *)"";
    cr_assert_eq(gen_banks_pick(&b, &sp, &k, NULL), GK_OK);
    cr_assert_str_eq(b.banks[k].domain, "sales");
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, spaces_nothing_matches_fall_back_to_general)
{
    struct gen_banks b;
    load_banks(&b);
    static const struct spec_space cases[] = {
        {"s1", "Scratch area", "Miscellaneous experiments.", NULL},
        {"s2", NULL, NULL, NULL},
        {"s3", "", "", NULL},
        {"s4", "General", "general", NULL}, /* the fallback never competes */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_space sp = {(char *)cases[i].id, (char *)cases[i].title,
                               (char *)cases[i].description, NULL};
        size_t k;
        cr_assert_eq(gen_banks_pick(&b, &sp, &k, NULL), GK_OK);
        cr_assert_eq(k, b.fallback, "case %zu got %s", i, b.banks[k].domain);
    }
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

static void parse_ok(struct gen_bank *bank, const char *json)
{
    struct gk_err err = {0};
    cr_assert_eq(gen_bank_parse(bank, "t.json", json, strlen(json), &err), GK_OK, "%s",
                 err.msg);
}

Test(gen_plan, scores_count_title_words_twice_at_word_boundaries)
{
    struct gen_bank bank;
    parse_ok(&bank, "{\"domain\": \"t\", \"match\": [\"order\", \"Point of Sale\", "
                    "\"supply chain\", \"ad\"], \"starters\": [\"q\"], "
                    "\"follow_ups\": [\"f\"]}");
    cr_assert_str_eq(bank.match[1], "point of sale", "lower-cased");
    static const struct {
        const char *title, *description;
        int score;
    } cases[] = {
        {"Orders", NULL, 2},
        {NULL, "ORDER book", 1},
        {"Orders", "orderes and order", 3}, /* each word counts once per field */
        {"Reorder the border", "ordering", 0},
        {NULL, "Point-of-sale data", 1},
        {"Point of sales", NULL, 2},
        {"Supply chain", "supply chains", 3},
        {"Supply", "chain", 0},
        {"supply supply chain", NULL, 2}, /* a failed start does not hide a match */
        {"Ads", "ad-hoc", 3},
        {"\xc3\x93rders", NULL, 0}, /* UTF-8 bytes belong to the word */
        {"", "", 0},
        {NULL, NULL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_eq(gen_bank_score(&bank, cases[i].title, cases[i].description),
                     cases[i].score, "case %zu: %d", i,
                     gen_bank_score(&bank, cases[i].title, cases[i].description));
    gen_bank_cleanup(&bank);
    gen_bank_cleanup(NULL);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, the_best_score_wins_and_ties_go_to_the_first_bank)
{
    struct gen_bank v[3];
    parse_ok(&v[0], "{\"domain\": \"a\", \"match\": [\"x\"], \"starters\": [\"q\"], "
                    "\"follow_ups\": [\"f\"]}");
    parse_ok(&v[1],
             "{\"domain\": \"b\", \"match\": [\"x\", \"y\"], \"starters\": [\"q\"], "
             "\"follow_ups\": [\"f\"]}");
    parse_ok(&v[2], "{\"domain\": \"general\", \"match\": [\"x\", \"y\", \"z\"], "
                    "\"starters\": [\"q\"], \"follow_ups\": [\"f\"]}");
    struct gen_banks b;
    cr_assert_eq(gen_banks_adopt(&b, v, 3, NULL), GK_OK);
    cr_assert_eq(b.fallback, 2);
    static const struct {
        const char *title;
        const char *bank;
    } cases[] = {{"x", "a"}, {"x y", "b"}, {"y", "b"}, {"x y z", "b"}, {"z", "general"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_space sp = {(char *)"s", (char *)cases[i].title, NULL, NULL};
        size_t k;
        cr_assert_eq(gen_banks_pick(&b, &sp, &k, NULL), GK_OK);
        cr_assert_str_eq(b.banks[k].domain, cases[i].bank, "title \"%s\"",
                         cases[i].title);
    }
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

/* ---- parsing banks ---- */

#define OK_REST "\"starters\": [\"q\"], \"follow_ups\": [\"f\"]"

Test(gen_plan, bank_errors_name_the_file_the_key_and_the_index)
{
    static const struct {
        const char *json;
        const char *msg;
    } cases[] = {
        {"", "t.json: not valid JSON (line 1, byte 0)"},
        {"{\n\"domain\": \"a\",\n \"match\": [}", "t.json: not valid JSON (line 3"},
        {"{\"domain\": \"a\", \"match\": [], " OK_REST "} x",
         "t.json: unexpected text after the JSON value"},
        {"[]", "t.json: expected a JSON object, got an array"},
        {"{\"domain\": \"a\", \"match\": [], \"colour\": 1, " OK_REST "}",
         "t.json: colour: unknown key (expected domain, match, starters, follow_ups)"},
        {"{\"domain\": \"a\", \"domain\": \"b\", \"match\": [], " OK_REST "}",
         "t.json: domain: duplicate key"},
        {"{\"match\": [], " OK_REST "}", "t.json: domain: missing"},
        {"{\"domain\": \"a\", " OK_REST "}", "t.json: match: missing"},
        {"{\"domain\": \"a\", \"match\": [], \"follow_ups\": [\"f\"]}",
         "t.json: starters: missing"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"q\"]}",
         "t.json: follow_ups: missing"},
        {"{\"domain\": 7, \"match\": [], " OK_REST "}",
         "t.json: domain: expected a string, got a number"},
        {"{\"domain\": \"\", \"match\": [], " OK_REST "}",
         "t.json: domain: must be 1 to 64"},
        {"{\"domain\": \"Sales\", \"match\": [], " OK_REST "}",
         "t.json: domain: \"Sales\": use lower-case letters"},
        {"{\"domain\": \"a\", \"match\": \"x\", " OK_REST "}",
         "t.json: match: expected an array, got a string"},
        {"{\"domain\": \"a\", \"match\": [\"--\"], " OK_REST "}",
         "t.json: match[0]: no letter or digit in it"},
        {"{\"domain\": \"a\", \"match\": [null], " OK_REST "}",
         "t.json: match[0]: expected a string, got null"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"a\", \"b\", \"c\", 4], "
         "\"follow_ups\": [\"f\"]}",
         "t.json: starters[3]: expected a string, got a number"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [], \"follow_ups\": [\"f\"]}",
         "t.json: starters: expected at least 1 question, got 0"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"q\"], \"follow_ups\": []}",
         "t.json: follow_ups: expected at least 1 question, got 0"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": {}, \"follow_ups\": [\"f\"]}",
         "t.json: starters: expected an array, got an object"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"\"], \"follow_ups\": "
         "[\"f\"]}",
         "t.json: starters[0]: empty"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"   \"], \"follow_ups\": "
         "[\"f\"]}",
         "t.json: starters[0]: empty"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"q\"], "
         "\"follow_ups\": [\"f\", \"a\\tb\"]}",
         "t.json: follow_ups[1]: control characters are not allowed"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"q\\u007f\"], "
         "\"follow_ups\": [\"f\"]}",
         "t.json: starters[0]: control characters are not allowed"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"\xc3\x28\"], "
         "\"follow_ups\": [\"f\"]}",
         "t.json: starters[0]: not valid UTF-8"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"\xed\xa0\x80\"], "
         "\"follow_ups\": [\"f\"]}",
         "t.json: starters[0]: not valid UTF-8"}, /* a surrogate */
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"\xe0\x80\xaf\"], "
         "\"follow_ups\": [\"f\"]}",
         "t.json: starters[0]: not valid UTF-8"}, /* overlong */
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"q\", \"r\", \"q\"], "
         "\"follow_ups\": [\"f\"]}",
         "t.json: starters[2]: same as starters[0]"},
        {"{\"domain\": \"a\", \"match\": [], \"starters\": [\"q\"], "
         "\"follow_ups\": [\"z\", \"q\", \"r\", \"s\", \"z\", \"r\", \"q\"]}",
         "t.json: follow_ups[4]: same as follow_ups[0]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_bank bank;
        struct gk_err err = {0};
        cr_assert_eq(
            gen_bank_parse(&bank, "t.json", cases[i].json, strlen(cases[i].json), &err),
            GK_BAD_CONFIG, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].msg) != NULL, "case %zu: \"%s\"", i, err.msg);
        cr_assert_null(bank.domain, "case %zu: nothing left", i);
        cr_assert_null(bank.starters, "case %zu: nothing left", i);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, bank_texts_and_files_have_size_limits)
{
    size_t n = GEN_BANK_TEXT_MAX + 1;
    char *json = malloc(n + 200);
    cr_assert_not_null(json);
    int off = sprintf(json, "{\"domain\": \"a\", \"match\": [], \"starters\": [\"");
    memset(json + off, 'x', n);
    sprintf(json + off + n, "\"], \"follow_ups\": [\"f\"]}");
    struct gen_bank bank;
    struct gk_err err = {0};
    cr_assert_eq(gen_bank_parse(&bank, "t.json", json, strlen(json), &err),
                 GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "t.json: starters[0]: too long") != NULL, "%s", err.msg);
    /* One byte less is fine. */
    memmove(json + off + n - 1, json + off + n, strlen(json + off + n) + 1);
    parse_ok(&bank, json);
    cr_assert_eq(strlen(bank.starters[0]), GEN_BANK_TEXT_MAX);
    gen_bank_cleanup(&bank);
    free(json);
    err = (struct gk_err){0};
    cr_assert_eq(gen_bank_parse(&bank, "big.json", "{}", GEN_BANK_FILE_MAX + 1, &err),
                 GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "big.json: larger than") != NULL, "%s", err.msg);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, a_bank_need_not_be_nul_terminated)
{
    const char json[] = "{\"domain\": \"a\", \"match\": [\"W\"], " OK_REST "}garbage";
    struct gen_bank bank;
    cr_assert_eq(
        gen_bank_parse(&bank, "t.json", json, strlen(json) - strlen("garbage"), NULL),
        GK_OK);
    cr_assert_str_eq(bank.domain, "a");
    cr_assert_str_eq(bank.match[0], "w");
    cr_assert_eq(bank.starter_count, 1);
    cr_assert_eq(bank.follow_up_count, 1);
    gen_bank_cleanup(&bank);
    GK_ASSERT_NO_LEAKS();
}

/* ---- loading a folder ---- */

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/gen_plan_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void remove_dir(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

#define GENERAL "{\"domain\": \"general\", \"match\": [], " OK_REST "}"
#define BANK_A  "{\"domain\": \"a\", \"match\": [\"alpha\"], " OK_REST "}"

Test(gen_plan, a_folder_loads_its_json_files_and_nothing_else)
{
    char *dir = temp_dir();
    put_file(dir, "general.json", GENERAL);
    put_file(dir, "a.json", BANK_A);
    put_file(dir, ".hidden.json", "not json");
    put_file(dir, "notes.txt", "not json");
    put_file(dir, "x.json~", "not json");
    char sub[512];
    snprintf(sub, sizeof sub, "%s/dir.json", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    struct gen_banks b;
    struct gk_err err = {0};
    cr_assert_eq(gen_banks_load(&b, dir, &err), GK_OK, "%s", err.msg);
    cr_assert_eq(b.count, 2);
    cr_assert_str_eq(b.banks[0].file, "a.json");
    cr_assert_str_eq(b.banks[1].file, "general.json");
    cr_assert_eq(b.fallback, 1);
    gen_banks_cleanup(&b);
    remove_dir(dir);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, folder_errors_name_the_folder_or_the_file)
{
    static const struct {
        const char *files[3][2];
        const char *msg;
        enum gk_rc rc;
    } cases[] = {
        {{{NULL, NULL}}, "questions_dir: no question banks (*.json) in", GK_BAD_CONFIG},
        {{{"a.json", BANK_A}}, "questions_dir: no \"general\" bank", GK_BAD_CONFIG},
        {{{"a.json", BANK_A}, {"b.json", BANK_A}, {"general.json", GENERAL}},
         "b.json: domain: \"a\" is also the domain of a.json",
         GK_BAD_CONFIG},
        {{{"a.json", BANK_A}, {"general.json", "{\"domain\": \"general\"}"}},
         "general.json: match: missing",
         GK_BAD_CONFIG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = temp_dir();
        for (size_t f = 0; f < 3 && cases[i].files[f][0] != NULL; f++)
            put_file(dir, cases[i].files[f][0], cases[i].files[f][1]);
        struct gen_banks b;
        struct gk_err err = {0};
        cr_assert_eq(gen_banks_load(&b, dir, &err), cases[i].rc, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].msg) != NULL, "case %zu: %s", i, err.msg);
        cr_assert_null(b.banks, "case %zu", i);
        cr_assert_eq(b.count, 0, "case %zu", i);
        remove_dir(dir);
    }
    struct gen_banks b;
    struct gk_err err = {0};
    cr_assert_eq(gen_banks_load(&b, "/nonexistent/questions", &err), GK_IO_ERROR);
    cr_assert(strstr(err.msg, "questions_dir: cannot open \"/nonexistent/questions\"") !=
                  NULL,
              "%s", err.msg);
    err = (struct gk_err){0};
    cr_assert_eq(gen_banks_load(&b, "", &err), GK_BAD_CONFIG);
    cr_assert_eq(gen_banks_adopt(&b, NULL, 0, NULL), GK_BAD_CONFIG);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, an_oversized_bank_file_is_refused)
{
    char *dir = temp_dir();
    put_file(dir, "general.json", GENERAL);
    char path[512];
    snprintf(path, sizeof path, "%s/big.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int i = 0; i <= GEN_BANK_FILE_MAX; i += 64)
        fputs("                                                               \n", f);
    fclose(f);
    struct gen_banks b;
    struct gk_err err = {0};
    cr_assert_eq(gen_banks_load(&b, dir, &err), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "big.json: larger than 1048576 bytes") != NULL, "%s",
              err.msg);
    remove_dir(dir);
    GK_ASSERT_NO_LEAKS();
}

/* ---- the plan ---- */

static void build(struct gen_plan *plan, const struct gen_config *cfg,
                  const struct gen_banks *b)
{
    struct gk_err err = {0};
    cr_assert_eq(gen_plan_build(plan, cfg, b, &err), GK_OK, "%s", err.msg);
}

static bool in_list(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

Test(gen_plan, the_plan_holds_every_conversation_turn_by_turn)
{
    struct gen_banks b;
    load_banks(&b);
    struct gen_config *cfg = cfg_default(false);
    cfg->conversations_per_space = 2;
    struct gen_plan plan;
    build(&plan, cfg, &b);
    cr_assert_eq(plan.space_count, 6);
    cr_assert_eq(plan.conversations, 12);
    cr_assert(plan.count >= 24 && plan.count <= 36, "%zu questions", plan.count);
    size_t i = 0, conversations = 0;
    for (size_t s = 0; s < plan.space_count; s++) {
        const struct gen_plan_space *ps = &plan.spaces[s];
        const struct gen_workspace *ws = &cfg->workspaces[ps->workspace];
        const struct gen_space *sp = &ws->spaces[ps->space];
        cr_assert_eq(ps->first, i);
        cr_assert_eq(ps->conversations, 2);
        size_t k;
        cr_assert_eq(gen_banks_pick(&b, sp, &k, NULL), GK_OK);
        cr_assert_str_eq(ps->bank, b.banks[k].domain);
        for (size_t c = 0; c < ps->conversations; c++) {
            const struct gen_question *first = &plan.questions[i];
            cr_assert(first->turns >= 2 && first->turns <= 3, "%d turns", first->turns);
            for (int t = 0; t < first->turns; t++, i++) {
                const struct gen_question *q = &plan.questions[i];
                char key[GEN_KEY_MAX];
                snprintf(key, sizeof key, "%s/%s/c%zu/m%d", ws->workspace_id,
                         sp->space_id, c, t);
                cr_assert_str_eq(q->key, key);
                cr_assert_eq(q->workspace, ps->workspace);
                cr_assert_eq(q->space, ps->space);
                cr_assert_eq(q->conversation, c);
                cr_assert_eq(q->turn, t);
                cr_assert_eq(q->turns, first->turns);
                if (t == 0)
                    cr_assert(
                        in_list(b.banks[k].starters, b.banks[k].starter_count, q->text),
                        "%s", q->text);
                else
                    cr_assert(in_list(b.banks[k].follow_ups, b.banks[k].follow_up_count,
                                      q->text),
                              "%s", q->text);
            }
            conversations++;
        }
        cr_assert_eq(ps->questions, i - ps->first);
    }
    cr_assert_eq(i, plan.count);
    cr_assert_eq(conversations, plan.conversations);
    gen_plan_cleanup(&plan);
    gen_plan_cleanup(NULL);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

static bool same_plan(const struct gen_plan *a, const struct gen_plan *b)
{
    if (a->count != b->count || a->conversations != b->conversations ||
        a->space_count != b->space_count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const struct gen_question *x = &a->questions[i], *y = &b->questions[i];
        if (strcmp(x->key, y->key) != 0 || strcmp(x->text, y->text) != 0 ||
            x->turn != y->turn || x->turns != y->turns || x->workspace != y->workspace ||
            x->space != y->space || x->conversation != y->conversation)
            return false;
    }
    return true;
}

Test(gen_plan, the_same_seed_gives_the_same_plan_and_another_seed_another)
{
    struct gen_banks b;
    load_banks(&b);
    struct gen_config *cfg = cfg_default(false);
    cfg->conversations_per_space = 5;
    struct gen_plan p1, p2, p3;
    build(&p1, cfg, &b);
    build(&p2, cfg, &b);
    cr_assert(same_plan(&p1, &p2));
    cfg->seed = 43;
    build(&p3, cfg, &b);
    cr_assert_not(same_plan(&p1, &p3));
    gen_plan_cleanup(&p1);
    gen_plan_cleanup(&p2);
    gen_plan_cleanup(&p3);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

static const struct gen_question *find_key(const struct gen_plan *p, const char *key)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->questions[i].key, key) == 0)
            return &p->questions[i];
    return NULL;
}

Test(gen_plan, a_question_depends_on_its_key_not_on_the_order_of_spaces)
{
    struct gen_banks b;
    load_banks(&b);
    struct gen_config *cfg = cfg_default(false);
    cfg->conversations_per_space = 3;
    struct gen_plan p1, p2;
    build(&p1, cfg, &b);
    /* Reverse the workspaces and each workspace's spaces. */
    for (size_t w = 0; w < cfg->workspace_count / 2; w++) {
        struct gen_workspace t = cfg->workspaces[w];
        cfg->workspaces[w] = cfg->workspaces[cfg->workspace_count - 1 - w];
        cfg->workspaces[cfg->workspace_count - 1 - w] = t;
    }
    for (size_t w = 0; w < cfg->workspace_count; w++) {
        struct gen_workspace *ws = &cfg->workspaces[w];
        for (size_t s = 0; s < ws->space_count / 2; s++) {
            struct gen_space t = ws->spaces[s];
            ws->spaces[s] = ws->spaces[ws->space_count - 1 - s];
            ws->spaces[ws->space_count - 1 - s] = t;
        }
    }
    build(&p2, cfg, &b);
    cr_assert_eq(p1.count, p2.count);
    cr_assert_str_neq(p1.questions[0].key, p2.questions[0].key, "reordered");
    for (size_t i = 0; i < p1.count; i++) {
        const struct gen_question *q = find_key(&p2, p1.questions[i].key);
        cr_assert_not_null(q, "%s", p1.questions[i].key);
        cr_assert_str_eq(q->text, p1.questions[i].text, "%s", q->key);
        cr_assert_eq(q->turns, p1.questions[i].turns);
    }
    gen_plan_cleanup(&p1);
    gen_plan_cleanup(&p2);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, more_conversations_keep_the_earlier_ones)
{
    struct gen_banks b;
    load_banks(&b);
    struct gen_config *cfg = cfg_default(false);
    cfg->conversations_per_space = 3;
    struct gen_plan small, big;
    build(&small, cfg, &b);
    cfg->conversations_per_space = 40;
    build(&big, cfg, &b);
    for (size_t i = 0; i < small.count; i++) {
        const struct gen_question *q = find_key(&big, small.questions[i].key);
        cr_assert_not_null(q);
        cr_assert_str_eq(q->text, small.questions[i].text, "%s", q->key);
    }
    gen_plan_cleanup(&small);
    gen_plan_cleanup(&big);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, a_space_repeats_no_starter_until_it_has_asked_them_all)
{
    struct gen_banks b;
    load_banks(&b);
    static const struct spec_space sp[] = {{"s1", "Sales", NULL, "sales"}};
    const char *ws[] = {"w1"};
    struct gen_config *cfg = cfg_make(ws, 1, sp, 1);
    size_t k;
    cr_assert_eq(gen_banks_pick(&b, &cfg->workspaces[0].spaces[0], &k, NULL), GK_OK);
    size_t n = b.banks[k].starter_count;
    cfg->conversations_per_space = (int64_t)(2 * n + 3);
    cfg->follow_ups_min = cfg->follow_ups_max = 0;
    struct gen_plan plan;
    build(&plan, cfg, &b);
    cr_assert_eq(plan.count, 2 * n + 3);
    /* Each block of n conversations asks every starter once. */
    for (size_t block = 0; block < 2; block++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < i; j++)
                cr_assert_str_neq(plan.questions[block * n + i].text,
                                  plan.questions[block * n + j].text,
                                  "block %zu: conversations %zu and %zu", block, i, j);
    /* Two shuffles, not one order repeated. */
    bool differ = false;
    for (size_t i = 0; i < n; i++)
        differ |= strcmp(plan.questions[i].text, plan.questions[n + i].text) != 0;
    cr_assert(differ);
    gen_plan_cleanup(&plan);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, follow_up_counts_are_uniform_in_the_range)
{
    struct gen_banks b;
    load_banks(&b);
    static const struct spec_space sp[] = {{"s1", "Store operations", NULL, NULL}};
    const char *ws[] = {"w1"};
    struct gen_config *cfg = cfg_make(ws, 1, sp, 1);
    cfg->conversations_per_space = 4000;
    cfg->follow_ups_min = 1;
    cfg->follow_ups_max = 4;
    struct gen_plan plan;
    build(&plan, cfg, &b);
    size_t seen[6] = {0};
    for (size_t i = 0; i < plan.count; i++) {
        const struct gen_question *q = &plan.questions[i];
        if (q->turn != 0)
            continue;
        cr_assert(q->turns >= 2 && q->turns <= 5);
        seen[q->turns]++;
        /* Follow-ups of one conversation are distinct. */
        for (int t = 1; t < q->turns; t++)
            for (int u = 1; u < t; u++)
                cr_assert_str_neq(q[t].text, q[u].text, "%s", q[t].key);
    }
    for (int turns = 2; turns <= 5; turns++)
        cr_assert(seen[turns] > 850 && seen[turns] < 1150, "%d turns: %zu", turns,
                  seen[turns]);
    gen_plan_cleanup(&plan);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, more_follow_ups_than_the_bank_has_reuse_them_only_after_all)
{
    struct gen_banks b;
    load_banks(&b);
    static const struct spec_space sp[] = {{"s1", "x", NULL, "retail"}};
    const char *ws[] = {"w1"};
    struct gen_config *cfg = cfg_make(ws, 1, sp, 1);
    cfg->follow_ups_min = cfg->follow_ups_max = 40;
    struct gen_plan plan;
    build(&plan, cfg, &b);
    size_t k;
    cr_assert_eq(gen_banks_pick(&b, &cfg->workspaces[0].spaces[0], &k, NULL), GK_OK);
    size_t n = b.banks[k].follow_up_count;
    cr_assert_eq(plan.count, 41);
    cr_assert_str_eq(plan.questions[40].key, "w1/s1/c0/m40");
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j < i; j++)
            cr_assert_str_neq(plan.questions[i].text, plan.questions[j].text);
    gen_plan_cleanup(&plan);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, zero_conversations_or_follow_ups_give_smaller_plans)
{
    struct gen_banks b;
    load_banks(&b);
    struct gen_config *cfg = cfg_default(false);
    cfg->follow_ups_min = cfg->follow_ups_max = 0;
    cfg->conversations_per_space = 2;
    struct gen_plan plan;
    build(&plan, cfg, &b);
    cr_assert_eq(plan.count, 12);
    for (size_t i = 0; i < plan.count; i++)
        cr_assert_eq(plan.questions[i].turns, 1);
    gen_plan_cleanup(&plan);
    cfg->conversations_per_space = 0;
    build(&plan, cfg, &b);
    cr_assert_eq(plan.count, 0);
    cr_assert_eq(plan.space_count, 6, "the spaces are still listed");
    gen_plan_cleanup(&plan);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, configuration_errors_name_the_key)
{
    struct gen_banks b;
    load_banks(&b);
    static const struct spec_space two[] = {{"s1", "a", NULL, NULL},
                                            {"s2", "b", NULL, NULL}};
    static const struct spec_space dup[] = {{"s1", "a", NULL, NULL},
                                            {"s1", "b", NULL, NULL}};
    static const struct spec_space slash[] = {{"s1", "a", NULL, NULL},
                                              {"s/2", "b", NULL, NULL}};
    static const struct spec_space none[] = {{NULL, "a", NULL, NULL}};
    static const struct spec_space hr[] = {{"s1", "a", NULL, NULL},
                                           {"s2", "b", NULL, "hr"}};
    static const struct spec_space longid[] = {
        {"0123456789012345678901234567890123456789012345678901234567890123456789", "a",
         NULL, NULL}};
    static const char *const one_ws[] = {"w1"};
    static const char *const two_ws[] = {"w1", "w1"};
    static const char *const no_ws[] = {NULL};
    static const char *const long_ws[] = {"01234567890123456789"};
    static const struct {
        const char *const *ws;
        size_t nws;
        const struct spec_space *sp;
        size_t nsp;
        int64_t conv, fmin, fmax;
        const char *msg;
    } cases[] = {
        {one_ws, 1, two, 2, -1, 1, 2,
         "conversations_per_space: must be 0 to 10000, got -1"},
        {one_ws, 1, two, 2, 10001, 1, 2, "conversations_per_space: must be 0 to 10000"},
        {one_ws, 1, two, 2, 1, -1, 2, "follow_ups_min: must be 0 to 100, got -1"},
        {one_ws, 1, two, 2, 1, 3, 2, "follow_ups_max: must be follow_ups_min (3) to 100"},
        {one_ws, 1, two, 2, 1, 1, 101,
         "follow_ups_max: must be follow_ups_min (1) to 100"},
        {two_ws, 2, two, 2, 1, 1, 2,
         "workspaces[1].workspace_id: \"w1\" is also workspaces[0]"},
        {no_ws, 1, two, 2, 1, 1, 2, "workspaces[0].workspace_id: missing"},
        {one_ws, 1, dup, 2, 1, 1, 2, "workspaces[0].spaces[1].space_id: \"s1\" is also"},
        {one_ws, 1, slash, 2, 1, 1, 2, "workspaces[0].spaces[1].space_id: \"s/2\": '/'"},
        {one_ws, 1, none, 1, 1, 1, 2, "workspaces[0].spaces[0].space_id: missing"},
        {one_ws, 1, hr, 2, 1, 1, 2,
         "workspaces[0].spaces[1]: space s2: domain: no question bank \"hr\""},
        {long_ws, 1, longid, 1, 1, 1, 2,
         "workspaces[0].spaces[0]: the question key \"0123456789"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct gen_config *cfg =
            cfg_make(cases[i].ws, cases[i].nws, cases[i].sp, cases[i].nsp);
        cfg->conversations_per_space = cases[i].conv;
        cfg->follow_ups_min = cases[i].fmin;
        cfg->follow_ups_max = cases[i].fmax;
        struct gen_plan plan;
        struct gk_err err = {0};
        cr_assert_eq(gen_plan_build(&plan, cfg, &b, &err), GK_BAD_CONFIG, "case %zu", i);
        cr_assert(strstr(err.msg, cases[i].msg) != NULL, "case %zu: %s", i, err.msg);
        cr_assert_eq(gen_plan_build(&plan, cfg, &b, NULL), GK_BAD_CONFIG,
                     "case %zu without an error record", i);
        cr_assert_null(plan.questions, "case %zu", i);
        cr_assert_null(plan.spaces, "case %zu", i);
        cr_assert_eq(plan.count, 0, "case %zu", i);
        cfg_free(cfg);
    }
    /* The longest id that fits: 95 bytes of key with follow_ups_max 2. */
    static const struct spec_space fits[] = {
        {"0123456789012345678901234567890123456789012345678901234567890123456", "a", NULL,
         NULL}};
    struct gen_config *cfg = cfg_make(long_ws, 1, fits, 1);
    struct gen_plan plan;
    build(&plan, cfg, &b);
    cr_assert_eq(strlen(plan.questions[plan.count - 1].key) <= GEN_KEY_MAX - 1, true);
    gen_plan_cleanup(&plan);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

/* ---- estimate and print ---- */

Test(gen_plan, the_estimate_is_the_paced_sending_plus_one_answer)
{
    struct gen_banks b;
    load_banks(&b);
    static const struct spec_space sp[] = {{"s1", "Sales", NULL, NULL}};
    const char *ws[] = {"w1", "w2"};
    struct gen_config *cfg = cfg_make(ws, 2, sp, 1);
    cfg->conversations_per_space = 5;
    cfg->follow_ups_min = cfg->follow_ups_max = 2;
    struct gen_plan plan;
    build(&plan, cfg, &b);
    struct gen_plan_estimate e;
    /* 15 questions at 4/min: POSTs 15 s apart, the last at 210 s; an answer
     * ready at 15 s is seen by the poll at 15 s (1 + 2 + 4 + 8). */
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 1, S(15), &e, NULL), GK_OK);
    cr_assert_eq(e.spaces, 1);
    cr_assert_eq(e.conversations, 5);
    cr_assert_eq(e.questions, 15);
    cr_assert_eq(e.max_turns, 3);
    cr_assert_eq(e.send_us, S(210));
    cr_assert_eq(e.answer_us, S(15));
    cr_assert_eq(e.duration_us, S(225));
    /* Ready at 16 s, seen at 31 s. */
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 0, S(16), &e, NULL), GK_OK);
    cr_assert_eq(e.answer_us, S(31));
    cr_assert_eq(e.duration_us, S(241));
    /* At 4.5/min the window, not the spacing, sets the pace. */
    cfg->rate_per_min = 4.5;
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 0, S(15), &e, NULL), GK_OK);
    cr_assert_eq(e.send_us, S(180) + 26666668);
    /* Never answered within the poll timeout: the timeout counts. */
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 0, S(3600), &e, NULL), GK_OK);
    cr_assert_eq(e.answer_us, S(600));
    gen_plan_cleanup(&plan);

    /* One long conversation: its turns, one after another, set the pace. */
    cfg->rate_per_min = 4;
    cfg->conversations_per_space = 1;
    build(&plan, cfg, &b);
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 0, S(16), &e, NULL), GK_OK);
    cr_assert_eq(e.send_us, S(30));
    cr_assert_eq(e.duration_us, 3 * S(31));
    gen_plan_cleanup(&plan);

    /* Nothing to ask takes no time; errors name what is wrong. */
    cfg->conversations_per_space = 0;
    build(&plan, cfg, &b);
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 0, S(15), &e, NULL), GK_OK);
    cr_assert_eq(e.duration_us, 0);
    struct gk_err err = {0};
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 2, S(15), &e, &err), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "out of range") != NULL, "%s", err.msg);
    cfg->conversations_per_space = 1;
    gen_plan_cleanup(&plan);
    build(&plan, cfg, &b);
    cfg->rate_per_min = 0.5;
    err = (struct gk_err){0};
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 0, S(15), &e, &err), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "rate_per_min") != NULL, "%s", err.msg);
    cfg->rate_per_min = 4;
    cfg->first_poll_us = 0;
    err = (struct gk_err){0};
    cr_assert_eq(gen_plan_estimate(&plan, cfg, 0, S(15), &e, &err), GK_BAD_CONFIG);
    cr_assert(strstr(err.msg, "first_poll_us") != NULL, "%s", err.msg);
    gen_plan_cleanup(&plan);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

static char *print_plan(const struct gen_plan *plan, const struct gen_config *cfg,
                        bool questions)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    struct gk_err err = {0};
    cr_assert_eq(gen_plan_print(f, plan, cfg, GEN_PLAN_ANSWER_US, questions, &err), GK_OK,
                 "%s", err.msg);
    fclose(f);
    return buf;
}

Test(gen_plan, the_dry_run_listing_shows_spaces_banks_counts_and_time)
{
    struct gen_banks b;
    load_banks(&b);
    struct gen_config *cfg = cfg_default(false);
    cfg->conversations_per_space = 2;
    struct gen_plan plan;
    build(&plan, cfg, &b);
    char *out = print_plan(&plan, cfg, false);
    static const char *const want[] = {
        "plan: 2 workspaces, 6 spaces, 12 conversations, ",
        "(seed 42)",
        "workspace 3141592653589793 https://dbc-1.example.com/\n",
        "workspace 2718281828459045",
        "3 spaces, 6 conversations, ",
        "at 4/min: about ",
        "space 01f0920e2b2c3400b2a74de452e6b438  bank sales ",
        "bank retail ",
        "bank operations ",
        "bank finance ",
        "bank marketing ",
        "bank support ",
        "Supply chain & operations\n",
        (" in all: workspaces run in parallel; an answer ready 15s after its POST is "
         "seen "
         "at the poll 15s after it\n"),
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_assert(strstr(out, want[i]) != NULL, "missing \"%s\" in:\n%s", want[i], out);
    cr_assert_null(strstr(out, "SECRET"), "%s", out);
    cr_assert_null(strstr(out, "user:pw"), "%s", out);
    cr_assert_null(strstr(out, "/c0/m0"), "no questions unless asked");
    free(out);

    cfg->time_scale = 600;
    out = print_plan(&plan, cfg, true);
    cr_assert(strstr(out, "real at time scale 600)") != NULL, "%s", out);
    char line[GEN_KEY_MAX + GEN_BANK_TEXT_MAX + 16];
    snprintf(line, sizeof line, "    %s  %s\n", plan.questions[0].key,
             plan.questions[0].text);
    cr_assert(strstr(out, line) != NULL, "missing \"%s\" in:\n%s", line, out);
    free(out);

    FILE *full = fopen("/dev/full", "w");
    if (full != NULL) {
        struct gk_err err = {0};
        cr_assert_eq(gen_plan_print(full, &plan, cfg, GEN_PLAN_ANSWER_US, true, &err),
                     GK_IO_ERROR);
        cr_assert(strstr(err.msg, "cannot write") != NULL, "%s", err.msg);
        fclose(full);
    }
    gen_plan_cleanup(&plan);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}

Test(gen_plan, titles_from_the_server_cannot_break_the_listing)
{
    struct gen_banks b;
    load_banks(&b);
    static const struct spec_space sp[] = {{"s1", "Evil\n\x1b[2Jtitle", NULL, NULL}};
    const char *ws[] = {"w1"};
    struct gen_config *cfg = cfg_make(ws, 1, sp, 1);
    struct gen_plan plan;
    build(&plan, cfg, &b);
    char *out = print_plan(&plan, cfg, false);
    cr_assert(strstr(out, "Evil??[2Jtitle\n") != NULL, "%s", out);
    free(out);
    gen_plan_cleanup(&plan);
    cfg_free(cfg);
    gen_banks_cleanup(&b);
    GK_ASSERT_NO_LEAKS();
}
