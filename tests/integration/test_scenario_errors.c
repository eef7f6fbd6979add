/*
 * scenario (errors): every way a scenario document can be wrong names the
 * file and the exact key path, returns GK_BAD_CONFIG and leaves the struct
 * zeroed; untrusted bytes never crash the loader.
 */
#include "common/rng.h"
#include "tests/integration/scenario_test.h"

/* ---- broken files ---- */

static const struct broken {
    const char *json;
    const char *message; /* the whole message, or its start when it ends in "..." */
} broken[] = {
    /* syntax */
    {"", "b.json: empty: expected a JSON object"},
    {"[]", "b.json: expected a JSON object, got an array"},
    {"{\"seed\": }", "b.json: line 1 column 10: not valid JSON near \"}\""},
    {"{\n  \"name\": \"x\",\n  oops\n}",
     "b.json: line 3 column ...: not valid JSON near ..."},
    {"{} x",
     "b.json: line 1 column 4: unexpected text after the JSON document near \"x\""},
    {"{}{}",
     "b.json: line 1 column 3: unexpected text after the JSON document near \"{}\""},
    {"{\"name\": \"a\\u0000b\"}",
     "b.json: line 1 column 12: \\u0000 is not allowed in strings..."},
    {"{\"seed\": 1e999}", "b.json: a number is too large for a double"},
    /* keys */
    {"{\"workspace\": []}", "b.json: workspace: unknown key (did you mean workspaces?)"},
    {WS("\"principles\": []"),
     "b.json: workspaces[0].principles: unknown key (did you mean principals?)"},
    {"{\"behavior\": {}}", "b.json: behavior: unknown key (did you mean behaviour?)"},
    {"{\"zzz\": 1}",
     "b.json: zzz: unknown key (known: name, seed, workspaces, behaviour, limits, wire, faults, base)"},
    {"{\"a b\": 1}", "b.json: \"a b\": unknown key..."},
    {"{\"seed\": 1, \"seed\": 2}", "b.json: seed: duplicate key"},
    {COL("\"kind\": \"x\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].kind: unknown key..."},
    /* types and values */
    {"{\"name\": 5}", "b.json: name: expected a string, got a number"},
    {"{\"name\": \"\"}", "b.json: name: expected non-empty text on one line, got \"\""},
    {"{\"name\": \"a\\u0001b\"}",
     "b.json: name: expected non-empty text on one line, got \"a\\x01b\""},
    {"{\"name\": \"\xff\"}",
     "b.json: name: expected non-empty text on one line, got \"\\xff\""},
    {"{\"name\": null}", "b.json: name: expected a string, got null"},
    {"{\"seed\": -1}",
     "b.json: seed: expected an integer from 0 to 18446744073709551615..."},
    {"{\"seed\": 1.5}", "b.json: seed: expected an integer from 0 to ...got 1.5"},
    {"{\"seed\": 9007199254740993}",
     "b.json: seed: expected an integer from 0 to 18446744073709551615, got "
     "9007199254740992 (a JSON number is exact only up to 2^53 - 1: write larger values "
     "as a string of digits)"},
    {"{\"seed\": \"12x\"}", "b.json: seed: expected decimal digits, got \"12x\""},
    {"{\"seed\": \"18446744073709551616\"}",
     "b.json: seed: \"18446744073709551616\" is larger than 18446744073709551615"},
    {"{\"workspaces\": {}}",
     "b.json: workspaces: expected an array of workspaces, got an object"},
    {"{\"workspaces\": [3]}", "b.json: workspaces[0]: expected an object, got a number"},
    {WS("\"workspace_id\": \"12345\""),
     "b.json: workspaces[0].workspace_id: expected 16 decimal digits, got \"12345\""},
    {WS("\"account_id\": \"ABC\""),
     "b.json: workspaces[0].account_id: expected a lowercase UUID, got \"ABC\""},
    {WS("\"port\": 70000"),
     "b.json: workspaces[0].port: expected an integer from 0 to 65535, got 70000"},
    {SP("\"space_id\": \"0123456789ABCDEF0123456789ABCDEF\""),
     "b.json: workspaces[0].spaces[0].space_id: expected 32 lowercase hex digits..."},
    {SP("\"warehouse_id\": \"xyz\""), "b.json: workspaces[0].spaces[0].warehouse_id: "
                                      "expected 16 lowercase hex digits, got \"xyz\""},
    {SP("\"domain\": \"Sales\""), "b.json: workspaces[0].spaces[0].domain: expected 1 to "
                                  "64 of a-z, 0-9, _ and -, got \"Sales\""},
    {SP("\"parent_path\": \"Users/x\""),
     "b.json: workspaces[0].spaces[0].parent_path: expected a path starting with /, got "
     "\"Users/x\""},
    {SP("\"create_time\": \"yesterday\""),
     "b.json: workspaces[0].spaces[0].create_time: expected an RFC 3339 date-time..."},
    {SP("\"sample_questions\": [\"ok\", 2]"),
     "b.json: workspaces[0].spaces[0].sample_questions[1]: expected a string, got a "
     "number"},
    /* tables and columns */
    {TB("\"name\": \"orders\", \"columns\": [{\"name\": \"x\"}]"),
     "b.json: workspaces[0].spaces[0].tables[0].name: expected catalog.schema.table..."},
    {TB("\"columns\": [{\"name\": \"x\"}]"),
     "b.json: workspaces[0].spaces[0].tables[0].name: required"},
    {TB("\"name\": \"a.b.c\""), "b.json: workspaces[0].spaces[0].tables[0].columns: "
                                "required: a table needs at least one column"},
    {TB("\"name\": \"a.b.c\", \"columns\": []"),
     "b.json: workspaces[0].spaces[0].tables[0].columns: a table needs at least one "
     "column"},
    {TB("\"name\": \"a.b.c\", \"row_count\": -1, \"columns\": [{\"name\": \"x\"}]"),
     "b.json: workspaces[0].spaces[0].tables[0].row_count: expected an integer from 0 "
     "to..."},
    {TB("\"name\": \"a.b.c\", \"columns\": [{\"type\": \"INT\"}]"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].name: required"},
    {SP("\"title\": \"A\"}, {\"tables\": [{\"name\": \"a.b.c\", \"columns\": [{\"name\": "
        "\"a\"}, {\"name\": \"b\"}, {\"name\": \"c\", \"type\": \"TEXT\"}]}]"),
     "b.json: workspaces[0].spaces[1].tables[0].columns[2].type: expected one of STRING, "
     "LONG, INT, DOUBLE, DECIMAL, DATE, TIMESTAMP, BOOLEAN, got \"TEXT\""},
    {COL("\"type\": \"string\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].type: expected one of STRING, "
     "..."},
    {COL("\"type\": \"DATE\", \"min\": \"2025-02-30\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].min: \"2025-02-30\" is not a "
     "calendar date"},
    {COL("\"type\": \"DATE\", \"max\": \"01/02/2025\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].max: expected a date "
     "YYYY-MM-DD, got \"01/02/2025\""},
    {COL("\"type\": \"DATE\", \"min\": 20000"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].min: expected a date "
     "YYYY-MM-DD, got a number"},
    {COL("\"type\": \"TIMESTAMP\", \"min\": \"noon\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].min: expected YYYY-MM-DD or "
     "an RFC 3339 date-time, got \"noon\""},
    {COL("\"type\": \"DATE\", \"min\": \"2026-01-02\", \"max\": \"2026-01-01\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].max: smaller than min"},
    {COL("\"type\": \"DOUBLE\", \"min\": 5, \"max\": 1"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].max: smaller than min"},
    {COL("\"type\": \"INT\", \"max\": 3000000000"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].max: expected an integer from "
     "-2147483648 to 2147483647, got 3000000000"},
    {COL("\"type\": \"LONG\", \"min\": 1.5"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].min: expected an integer from "
     "...got 1.5"},
    {COL("\"type\": \"DECIMAL\", \"type_text\": \"DECIMAL(5,2)\", \"max\": 1000"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].max: 1000 does not fit "
     "DECIMAL(5,2) (less than 1000)"},
    {COL("\"type\": \"DECIMAL\", \"type_text\": \"DECIMAL(40,2)\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].type_text: \"DECIMAL(40,2)\": "
     "precision must be 1..38 and scale 0..precision"},
    {COL("\"type\": \"DECIMAL\", \"type_text\": \"NUMBER\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].type_text: expected "
     "DECIMAL(precision,scale), got \"NUMBER\""},
    {COL("\"null_ratio\": 1.5"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].null_ratio: expected a number "
     "from 0 to 1, got 1.5"},
    {COL("\"type\": \"LONG\", \"values\": [\"1\"]"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].values: only STRING columns "
     "take a value pool"},
    {COL("\"min\": 1"), "b.json: workspaces[0].spaces[0].tables[0].columns[0].min: only "
                        "numeric, DATE and TIMESTAMP columns take a range"},
    {COL("\"values\": \"EMEA\""),
     "b.json: workspaces[0].spaces[0].tables[0].columns[0].values: expected an array of "
     "strings, got a string"},
    /* principals */
    {P("\"name\": \"p\", \"client_id\": \"c\""),
     "b.json: workspaces[0].principals[0].client_id: client_id and client_secret go "
     "together"},
    {P("\"name\": \"p\", \"client_secret\": \"s\""),
     "b.json: workspaces[0].principals[0].client_secret: client_id and client_secret go "
     "together"},
    {P("\"name\": \"p\", \"token\": \"dapi secret\""),
     "b.json: workspaces[0].principals[0].token: expected 1 to 256 visible ASCII "
     "characters"},
    {P("\"name\": \"p\", \"user_id\": 0"),
     "b.json: workspaces[0].principals[0].user_id: expected an integer from 1 to..."},
    {P("\"name\": \"p\", \"spaces\": [\"Nope\"]"),
     "b.json: workspaces[0].principals[0].spaces[0]: no space of this workspace has the "
     "id or title \"Nope\""},
    {P("\"name\": \"p\", \"spaces\": \"all\""),
     "b.json: workspaces[0].principals[0].spaces: expected \"*\" or an array of space "
     "ids or titles, got \"all\""},
    {P("\"name\": \"p\", \"can_manage\": \"yes\""),
     "b.json: workspaces[0].principals[0].can_manage: expected true or false, got a "
     "string"},
    {WS("\"spaces\": [{\"title\": \"A\"}, {\"title\": \"A\"}], \"principals\": "
        "[{\"spaces\": [\"A\"]}]"),
     "b.json: workspaces[0].principals[0].spaces[0]: 2 spaces of this workspace are "
     "titled \"A\": use the space_id"},
    {"{\"workspaces\": [{\"spaces\": [{\"title\": \"A\"}]}, {\"principals\": "
     "[{\"spaces\": [\"A\"]}]}]}",
     "b.json: workspaces[1].principals[0].spaces[0]: no space of this workspace has the "
     "id or title \"A\""},
    /* uniqueness */
    {"{\"workspaces\": [{\"workspace_id\": \"1234567890123456\"}, {\"workspace_id\": "
     "\"1234567890123456\"}]}",
     "b.json: workspaces[1].workspace_id: duplicate workspace id \"1234567890123456\" "
     "(first at workspaces[0].workspace_id)"},
    {"{\"workspaces\": [{\"port\": 8080}, {\"port\": 8081}, {\"port\": 8080}]}",
     "b.json: workspaces[2].port: duplicate port \"8080\" (first at workspaces[0].port)"},
    {"{\"workspaces\": [{\"spaces\": [{}, {\"space_id\": "
     "\"0123456789abcdef0123456789abcdef\"}]}, {\"spaces\": [{\"space_id\": "
     "\"0123456789abcdef0123456789abcdef\"}]}]}",
     "b.json: workspaces[1].spaces[0].space_id: duplicate space id "
     "\"0123456789abcdef0123456789abcdef\" (first at workspaces[0].spaces[1].space_id)"},
    {WS("\"principals\": [{\"name\": \"a\", \"token\": \"t\"}, {\"name\": \"b\", "
        "\"token\": \"t\"}]"),
     "b.json: workspaces[0].principals[1].token: duplicate token (first at "
     "workspaces[0].principals[0].token)"},
    {"{\"workspaces\": [{\"principals\": [{\"client_id\": \"c\", \"client_secret\": "
     "\"1\"}]}, {\"principals\": [{\"client_id\": \"c\", \"client_secret\": \"2\"}]}]}",
     "b.json: workspaces[1].principals[0].client_id: duplicate client id \"c\" (first at "
     "workspaces[0].principals[0].client_id)"},
    {WS("\"principals\": [{\"name\": \"a\"}, {\"name\": \"a\"}]"),
     "b.json: workspaces[0].principals[1].name: duplicate principal name in this "
     "workspace \"a\" (first at workspaces[0].principals[0].name)"},
    {WS("\"principals\": [{\"name\": \"a\", \"user_id\": 7}, {\"name\": \"b\", "
        "\"user_id\": 7}]"),
     "b.json: workspaces[0].principals[1].user_id: duplicate user id in this workspace "
     "\"7\"..."},
    {SP("\"tables\": [{\"name\": \"a.b.c\", \"columns\": [{\"name\": \"x\"}]}, "
        "{\"name\": \"a.b.c\", \"columns\": [{\"name\": \"x\"}]}]"),
     "b.json: workspaces[0].spaces[0].tables[1].name: duplicate table name in this space "
     "\"a.b.c\" (first at workspaces[0].spaces[0].tables[0].name)"},
    {TB("\"name\": \"a.b.c\", \"columns\": [{\"name\": \"x\"}, {\"name\": \"y\"}, "
        "{\"name\": \"x\"}]"),
     "b.json: workspaces[0].spaces[0].tables[0].columns[2].name: duplicate column name "
     "in this table \"x\" (first at workspaces[0].spaces[0].tables[0].columns[0].name)"},
    /* behaviour */
    {"{\"behaviour\": {\"outcomes\": {\"completed_sql\": 0}}}",
     "b.json: behaviour.outcomes: the weights add up to 0: give one a positive weight"},
    {"{\"behaviour\": {\"outcomes\": {\"failed\": -1}}}",
     "b.json: behaviour.outcomes.failed: expected a number from 0 to 1e+09, got -1"},
    {"{\"behaviour\": {\"status_time\": {\"ASKING_AI\": \"8s..3s\"}}}",
     "b.json: behaviour.status_time.ASKING_AI: span \"8s..3s\": the minimum is greater "
     "than the maximum"},
    {"{\"behaviour\": {\"status_time\": {\"ASKING_AI\": \"fast\"}}}",
     "b.json: behaviour.status_time.ASKING_AI: expected a duration (\"2s\") or a span "
     "(\"300ms..800ms\"), got \"fast\""},
    {"{\"behaviour\": {\"status_time\": {\"ASKING_AI\": \"1s..\"}}}",
     "b.json: behaviour.status_time.ASKING_AI: expected a duration (\"2s\") or a "
     "span..."},
    {"{\"behaviour\": {\"status_time\": {\"ASKING_AI\": 3}}}",
     "b.json: behaviour.status_time.ASKING_AI: expected a duration (\"2s\") or a span "
     "(\"1s..3s\"), got a number"},
    {"{\"behaviour\": {\"status_time\": {\"ASKING_AI\": \"2d\"}}}",
     "b.json: behaviour.status_time.ASKING_AI: expected a duration..."},
    {"{\"behaviour\": {\"status_time\": {\"ASKING_AI\": \"25h\"}}}",
     "b.json: behaviour.status_time.ASKING_AI: span \"25h\": at most 24h"},
    {"{\"behaviour\": {\"status_time\": {\"COMPLETED\": \"1s\"}}}",
     "b.json: behaviour.status_time.COMPLETED: unknown key..."},
    {"{\"behaviour\": {\"pending_warehouse_ratio\": 2}}",
     "b.json: behaviour.pending_warehouse_ratio: expected a number from 0 to 1, got 2"},
    {"{\"behaviour\": {\"failure_types\": []}}",
     "b.json: behaviour.failure_types: name at least one type while outcomes.failed > 0"},
    {"{\"behaviour\": {\"failure_types\": [\"sql_error\"]}}",
     "b.json: behaviour.failure_types[0]: expected a MessageErrorType ([A-Z0-9_], at "
     "most 63), got \"sql_error\""},
    {"{\"behaviour\": {\"result_expiry\": \"-1s\"}}",
     "b.json: behaviour.result_expiry: ..."},
    {"{\"behaviour\": {\"result_expiry\": 86400}}",
     "b.json: behaviour.result_expiry: expected a duration string (\"500ms\", \"24h\"), "
     "got 86400"},
    /* limits and wire */
    {"{\"limits\": {\"questions_per_window\": 0}}",
     "b.json: limits.questions_per_window: expected an integer from 1 to 100000, got 0"},
    {"{\"limits\": {\"questions_per_minute\": 5}}",
     "b.json: limits.questions_per_minute: unknown key..."},
    {"{\"limits\": {\"page_size_default\": 200}}",
     "b.json: limits.page_size_default: 200 is larger than page_size_max (100)"},
    {"{\"limits\": {\"max_body\": \"lots\"}}", "b.json: limits.max_body: ..."},
    {"{\"limits\": {\"max_body\": \"2GiB\"}}",
     "b.json: limits.max_body: expected a size from 1KiB to 1GiB"},
    {"{\"limits\": {\"token_ttl\": \"0s\"}}",
     "b.json: limits.token_ttl: expected a duration from 1s to 720h"},
    {"{\"wire\": {\"rate_limit_error_code\": \"SLOW_DOWN\"}}",
     "b.json: wire.rate_limit_error_code: expected one of REQUEST_LIMIT_EXCEEDED, "
     "RESOURCE_EXHAUSTED, TOO_MANY_REQUESTS, got \"SLOW_DOWN\""},
    {"{\"wire\": {\"legacy_query_result\": 1}}",
     "b.json: wire.legacy_query_result: expected true or false, got a number"},
};

/* The message equals want, where each "..." in want stands for any text. */
static bool message_matches(const char *msg, const char *want)
{
    const char *dots = strstr(want, "...");
    if (dots == NULL)
        return strcmp(msg, want) == 0;
    size_t head = (size_t)(dots - want);
    if (strncmp(msg, want, head) != 0)
        return false;
    const char *rest = dots + 3;
    if (*rest == '\0')
        return true;
    /* Try every place the rest could start (messages are short). */
    for (const char *m = msg + head; *m != '\0'; m++)
        if (message_matches(m, rest))
            return true;
    return false;
}

Test(scenario, broken_files_are_rejected_with_the_key_path_and_leave_nothing)
{
    struct mock_scenario s;
    struct gk_err e;

    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        memset(&s, 0xa5, sizeof s); /* must come back zeroed */
        enum gk_rc rc = parse(broken[i].json, &s, &e);
        cr_assert_eq(rc, GK_BAD_CONFIG, "case %zu (%s): rc %s, msg %s", i, broken[i].json,
                     gk_err_name(rc), e.msg);
        cr_assert_eq(e.rc, GK_BAD_CONFIG);
        cr_assert(message_matches(e.msg, broken[i].message),
                  "case %zu:\n  got  %s\n  want %s", i, e.msg, broken[i].message);
        cr_assert(is_zeroed(&s), "case %zu: scenario not zeroed", i);
        mock_scenario_cleanup(&s); /* harmless on a zeroed one */
    }
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, secrets_are_not_quoted_in_messages)
{
    struct mock_scenario s;
    struct gk_err e;

    cr_assert_eq(
        parse(P("\"name\": \"p\", \"client_id\": \"c\", \"client_secret\": \"hunter 2\""),
              &s, &e),
        GK_BAD_CONFIG);
    cr_assert_null(strstr(e.msg, "hunter"), "%s", e.msg);
    cr_assert_eq(
        parse(WS("\"principals\": [{\"name\": \"a\", \"token\": \"dapiSECRET\"}, "
                 "{\"name\": \"b\", \"token\": \"dapiSECRET\"}]"),
              &s, &e),
        GK_BAD_CONFIG);
    cr_assert_null(strstr(e.msg, "SECRET"), "%s", e.msg);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, text_with_a_nul_byte_is_rejected)
{
    static const char text[] = "{\"name\": \"a\0b\"}";
    struct mock_scenario s;
    struct gk_err e;

    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_parse("b.json", text, sizeof text - 1, &s, &e),
                 GK_BAD_CONFIG);
    cr_assert_str_eq(e.msg, "b.json: line 1 column 12: NUL byte");
    cr_assert(is_zeroed(&s));
    /* A terminator counted in len is a NUL byte too. */
    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_parse("b.json", "{}", 3, &s, &e), GK_BAD_CONFIG);
    cr_assert_eq(mock_scenario_parse(NULL, "{} ", 3, &s, NULL), GK_OK,
                 "NULL err and name");
    cr_assert_str_eq(s.name, "scenario");
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, text_need_not_be_nul_terminated)
{
    char text[8];
    struct mock_scenario s;
    struct gk_err e;

    memcpy(text, "{}xxxxxx", 8); /* only the first two bytes are the document */
    gk_err_clear(&e);
    cr_assert_eq(mock_scenario_parse("b.json", text, 2, &s, &e), GK_OK, "%s", e.msg);
    mock_scenario_cleanup(&s);
    GK_ASSERT_NO_LEAKS();
}

/* ---- untrusted input ---- */

static void must_not_crash(const char *text, size_t len)
{
    struct mock_scenario s;
    struct gk_err e;

    gk_err_clear(&e);
    enum gk_rc rc = mock_scenario_parse("m.json", text, len, &s, &e);
    cr_assert(rc == GK_OK || rc == GK_BAD_CONFIG, "rc %s: %s", gk_err_name(rc), e.msg);
    if (rc != GK_OK)
        cr_assert(is_zeroed(&s));
    mock_scenario_cleanup(&s);
}

Test(scenario, truncated_and_mutated_files_fail_cleanly)
{
    size_t len;
    char *text = read_text(DEFAULT_FILE, &len);
    char *copy = malloc(len);
    struct gk_rng rng;

    cr_assert_not_null(copy);
    for (size_t cut = 0; cut < len; cut += 61)
        must_not_crash(text, cut);
    gk_rng_init(&rng, 1234);
    for (int round = 0; round < 400; round++) {
        memcpy(copy, text, len);
        int edits = 1 + (int)gk_rng_below(&rng, 4);
        for (int k = 0; k < edits; k++) {
            size_t at = gk_rng_below(&rng, len);
            static const char bytes[] = "{}[]\",:0-9eE.\\ntfu\x01\xff ";
            copy[at] = bytes[gk_rng_below(&rng, sizeof bytes - 1)];
        }
        must_not_crash(copy, len);
    }
    free(copy);
    free(text);
    GK_ASSERT_NO_LEAKS();
}

Test(scenario, hostile_documents_fail_cleanly)
{
    static const char *const docs[] = {
        "{\"workspaces\": [{\"spaces\": [{\"tables\": [{\"name\": \"a.b.c\", "
        "\"columns\": [{\"name\": \"x\", \"type\": \"DECIMAL\", \"type_text\": "
        "\"DECIMAL(38,38)\", \"max\": 0.5}]}]}]}]}",
        "{\"workspaces\": [{\"spaces\": [{\"tables\": [{\"name\": \"a.b.c\", "
        "\"columns\": [{\"name\": \"x\", \"type\": \"DOUBLE\", \"min\": -1e308, "
        "\"max\": 1e308}]}]}]}]}",
        "{\"seed\": 9007199254740993}",
        "{\"seed\": \"18446744073709551615\"}",
        "{\"workspaces\": [{\"principals\": [{\"user_id\": \"99999999999999999999\"}]}]}",
        "{\"\": 1}",
        "{\"name\": \"\\ud800\"}",
        "\xef\xbb\xbf{}",
        "  {\"name\": \"\xf0\x9f\x98\x80 ok\"}  \n",
    };
    char deep[4200];
    size_t n = 0;

    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        must_not_crash(docs[i], strlen(docs[i]));
    n += (size_t)snprintf(deep, sizeof deep, "{\"name\": ");
    for (int i = 0; i < 2000; i++)
        deep[n++] = '[';
    for (int i = 0; i < 2000; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    must_not_crash(deep, n);
    GK_ASSERT_NO_LEAKS();
}
