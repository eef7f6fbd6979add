#include "common/routes.h"
#include "tests/gk_test.h"

#include <stdio.h>
#include <string.h>

#define S "01f1c10d662111078cd7326dff1774c6"
#define C "01f1c2a2ff3f113bae3e0bae29a420c0"
#define M "01f1c2a2ff511c40bf196a3b19f9c227"
#define A "01f1c2a300b41a879d43c9d4c57beb7d"
#define G "/api/2.0/genie/spaces"

#define N_CASES(a) (sizeof(a) / sizeof((a)[0]))

static enum gk_rc match_str(enum gk_http_method method, const char *path,
                            struct gk_route_match *m, struct gk_err *err)
{
    return gk_routes_match(method, path, strlen(path), m, err);
}

static const struct {
    enum gk_route_id id;
    const char *name;
    enum gk_http_method method;
    const char *path;
    const char *space, *conv, *msg, *att;
    const char *action;
    bool question;
} examples[] = {
    {GK_ROUTE_START_CONVERSATION, "start_conversation", GK_HTTP_POST,
     G "/" S "/start-conversation", S, "", "", "", "genieStartConversationMessage", true},
    {GK_ROUTE_CREATE_MESSAGE, "create_message", GK_HTTP_POST,
     G "/" S "/conversations/" C "/messages", S, C, "", "",
     "genieCreateConversationMessage", true},
    {GK_ROUTE_GET_MESSAGE, "get_message", GK_HTTP_GET,
     G "/" S "/conversations/" C "/messages/" M, S, C, M, "",
     "genieGetConversationMessage", false},
    {GK_ROUTE_GET_MESSAGE_ATTACHMENT_QUERY_RESULT, "get_message_attachment_query_result",
     GK_HTTP_GET,
     G "/" S "/conversations/" C "/messages/" M "/attachments/" A "/query-result", S, C,
     M, A, "genieGetMessageAttachmentQueryResult", false},
    {GK_ROUTE_EXECUTE_MESSAGE_ATTACHMENT_QUERY, "execute_message_attachment_query",
     GK_HTTP_POST,
     G "/" S "/conversations/" C "/messages/" M "/attachments/" A "/execute-query", S, C,
     M, A, "genieExecuteMessageAttachmentQuery", false},
    {GK_ROUTE_GET_MESSAGE_QUERY_RESULT, "get_message_query_result", GK_HTTP_GET,
     G "/" S "/conversations/" C "/messages/" M "/query-result", S, C, M, "",
     "genieGetMessageQueryResult", false},
    {GK_ROUTE_GET_MESSAGE_QUERY_RESULT_BY_ATTACHMENT,
     "get_message_query_result_by_attachment", GK_HTTP_GET,
     G "/" S "/conversations/" C "/messages/" M "/query-result/" A, S, C, M, A,
     "genieGetMessageQueryResultByAttachment", false},
    {GK_ROUTE_EXECUTE_MESSAGE_QUERY, "execute_message_query", GK_HTTP_POST,
     G "/" S "/conversations/" C "/messages/" M "/execute-query", S, C, M, "",
     "genieExecuteMessageQuery", false},
    {GK_ROUTE_LIST_CONVERSATIONS, "list_conversations", GK_HTTP_GET,
     G "/" S "/conversations", S, "", "", "", "genieListConversations", false},
    {GK_ROUTE_DELETE_CONVERSATION, "delete_conversation", GK_HTTP_DELETE,
     G "/" S "/conversations/" C, S, C, "", "", "genieDeleteConversation", false},
    {GK_ROUTE_LIST_CONVERSATION_MESSAGES, "list_conversation_messages", GK_HTTP_GET,
     G "/" S "/conversations/" C "/messages", S, C, "", "",
     "genieListConversationMessages", false},
    {GK_ROUTE_DELETE_CONVERSATION_MESSAGE, "delete_conversation_message", GK_HTTP_DELETE,
     G "/" S "/conversations/" C "/messages/" M, S, C, M, "",
     "genieDeleteConversationMessage", false},
    {GK_ROUTE_SEND_MESSAGE_FEEDBACK, "send_message_feedback", GK_HTTP_POST,
     G "/" S "/conversations/" C "/messages/" M "/feedback", S, C, M, "",
     "genieSendMessageFeedback", false},
    {GK_ROUTE_LIST_SPACES, "list_spaces", GK_HTTP_GET, G, "", "", "", "",
     "genieListSpaces", false},
    {GK_ROUTE_GET_SPACE, "get_space", GK_HTTP_GET, G "/" S, S, "", "", "",
     "genieGetSpace", false},
    {GK_ROUTE_TRASH_SPACE, "trash_space", GK_HTTP_DELETE, G "/" S, S, "", "", "",
     "genieTrashSpace", false},
    {GK_ROUTE_CREATE_SPACE, "create_space", GK_HTTP_POST, G, "", "", "", "",
     "genieCreateSpace", false},
    {GK_ROUTE_UPDATE_SPACE, "update_space", GK_HTTP_PATCH, G "/" S, S, "", "", "",
     "genieUpdateSpace", false},
    {GK_ROUTE_HOST_METADATA, "host_metadata", GK_HTTP_GET,
     "/.well-known/databricks-config", "", "", "", "", NULL, false},
    {GK_ROUTE_OIDC_DISCOVERY, "oidc_discovery", GK_HTTP_GET,
     "/oidc/.well-known/oauth-authorization-server", "", "", "", "", NULL, false},
    {GK_ROUTE_OIDC_TOKEN, "oidc_token", GK_HTTP_POST, "/oidc/v1/token", "", "", "", "",
     NULL, false},
};

Test(routes, every_route_has_an_example)
{
    cr_assert_eq(N_CASES(examples), GK_ROUTE_COUNT);
    for (size_t i = 0; i < N_CASES(examples); i++)
        cr_assert_eq(examples[i].id, (enum gk_route_id)i, "examples are in table order");
}

Test(routes, every_route_matches_its_example_path_and_builds_it_back)
{
    for (size_t i = 0; i < N_CASES(examples); i++) {
        struct gk_route_match m;
        struct gk_err err = {0};
        char built[512];
        size_t len = 0;
        cr_assert_eq(match_str(examples[i].method, examples[i].path, &m, &err), GK_OK,
                     "%s: %s", examples[i].name, err.msg);
        cr_assert_eq(m.route, examples[i].id, "%s", examples[i].path);
        cr_assert_str_eq(m.params.space_id, examples[i].space);
        cr_assert_str_eq(m.params.conversation_id, examples[i].conv);
        cr_assert_str_eq(m.params.message_id, examples[i].msg);
        cr_assert_str_eq(m.params.attachment_id, examples[i].att);
        cr_assert_eq(m.query_len, 0);
        cr_assert_str_eq(m.query, "");
        cr_assert_not(m.trailing_slash);
        cr_assert(m.allowed & GK_ROUTES_METHOD_BIT(examples[i].method));

        cr_assert_eq(gk_routes_build(m.route, &m.params, built, sizeof built, &len, &err),
                     GK_OK, "%s", err.msg);
        cr_assert_str_eq(built, examples[i].path);
        cr_assert_eq(len, strlen(examples[i].path));
    }
}

Test(routes, the_table_carries_names_methods_actions_and_the_question_flag)
{
    for (size_t i = 0; i < N_CASES(examples); i++) {
        enum gk_route_id id = examples[i].id;
        cr_assert_str_eq(gk_routes_name(id), examples[i].name);
        cr_assert_eq(gk_routes_from_name(examples[i].name), id);
        cr_assert_eq(gk_routes_method(id), examples[i].method, "%s", examples[i].name);
        cr_assert_eq(gk_routes_is_question(id), examples[i].question, "%s",
                     examples[i].name);
        if (examples[i].action == NULL)
            cr_assert_null(gk_routes_action(id), "%s", examples[i].name);
        else
            cr_assert_str_eq(gk_routes_action(id), examples[i].action);
        cr_assert_eq(gk_routes_pattern(id)[0], '/');
    }
    cr_assert_str_eq(gk_routes_pattern(GK_ROUTE_GET_SPACE),
                     "/api/2.0/genie/spaces/{space_id}");
}

Test(routes, unknown_ids_and_names_are_reported_as_such)
{
    cr_assert_eq(gk_routes_from_name("getSpace"), GK_ROUTE_NONE);
    cr_assert_eq(gk_routes_from_name(""), GK_ROUTE_NONE);
    cr_assert_eq(gk_routes_from_name(NULL), GK_ROUTE_NONE);
    cr_assert_str_eq(gk_routes_name(GK_ROUTE_NONE), "unknown");
    cr_assert_str_eq(gk_routes_name((enum gk_route_id) - 1), "unknown");
    cr_assert_eq(gk_routes_method(GK_ROUTE_NONE), GK_HTTP_UNKNOWN);
    cr_assert_str_eq(gk_routes_pattern(GK_ROUTE_NONE), "");
    cr_assert_null(gk_routes_action(GK_ROUTE_NONE));
    cr_assert_not(gk_routes_is_question(GK_ROUTE_NONE));
}

Test(routes, method_names_round_trip)
{
    for (int i = 0; i < GK_HTTP_METHOD_COUNT; i++)
        cr_assert_eq(gk_routes_method_from_name(gk_routes_method_name(i)), i);
    cr_assert_eq(gk_routes_method_from_name("get"), GK_HTTP_UNKNOWN,
                 "methods are case-sensitive");
    cr_assert_eq(gk_routes_method_from_name("BREW"), GK_HTTP_UNKNOWN);
    cr_assert_eq(gk_routes_method_from_name(NULL), GK_HTTP_UNKNOWN);
    cr_assert_str_eq(gk_routes_method_name(GK_HTTP_UNKNOWN), "UNKNOWN");
}

Test(routes, a_wrong_method_is_405_with_the_allow_list)
{
    static const struct {
        enum gk_http_method method;
        const char *path, *allow;
    } cases[] = {
        {GK_HTTP_PUT, G "/" S, "GET, PATCH, DELETE"},
        {GK_HTTP_POST, G "/" S, "GET, PATCH, DELETE"},
        {GK_HTTP_GET, G "/" S "/start-conversation", "POST"},
        {GK_HTTP_DELETE, G, "GET, POST"},
        {GK_HTTP_HEAD, G, "GET, POST"},
        {GK_HTTP_POST, G "/" S "/conversations/" C "/messages/" M, "GET, DELETE"},
        {GK_HTTP_GET, G "/" S "/conversations/" C "/messages/" M "/feedback", "POST"},
        {GK_HTTP_GET, "/oidc/v1/token", "POST"},
        {GK_HTTP_POST, "/.well-known/databricks-config", "GET"},
        {GK_HTTP_UNKNOWN, G "/" S "/conversations", "GET"},
        {GK_HTTP_OPTIONS, G "/" S "/conversations/" C "/messages", "GET, POST"},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_route_match m;
        struct gk_err err = {0};
        char allow[GK_ROUTES_ALLOW_MAX];
        cr_assert_eq(match_str(cases[i].method, cases[i].path, &m, &err),
                     GK_METHOD_NOT_ALLOWED, "%s", cases[i].path);
        cr_assert_eq(m.route, GK_ROUTE_NONE);
        cr_assert_eq(gk_routes_allow_format(m.allowed, allow, sizeof allow, NULL), GK_OK);
        cr_assert_str_eq(allow, cases[i].allow, "%s", cases[i].path);
        cr_assert(strstr(err.msg, cases[i].allow) != NULL, "%s", err.msg);
        cr_assert_eq(gk_err_http_status(err.rc), 405);
    }
}

Test(routes, unknown_paths_are_404_naming_the_path)
{
    static const char *const paths[] = {
        "",
        "/",
        "api/2.0/genie/spaces",
        "/api/2.0/genie",
        "/api/2.0/genie/",
        "/API/2.0/genie/spaces",
        "/api/2.1/genie/spaces",
        "/api/2.0/genie/spacesX",
        "/api/2.0/genie/spaces/" S "/start-conversationX",
        "/api/2.0/genie/spaces/" S "/start-conversation/extra",
        "/api/2.0/genie/spaces/" S "/conversations/" C "/messages/" M "/attachments/" A,
        "/api/2.0/genie/spaces/" S "/conversations/" C "/messages/" M "/attachments",
        "//api/2.0/genie/spaces",
        "/api/2.0/genie//spaces",
        "/api/2.0/genie/spaces/" S "/sp%61ces",
        "/api/2.0/genie/spaces/" S "/start%2Dconversation",
        "/oidc/v1/token/x",
        "/.well-known",
    };
    for (size_t i = 0; i < N_CASES(paths); i++) {
        struct gk_route_match m;
        struct gk_err err = {0};
        cr_assert_eq(match_str(GK_HTTP_GET, paths[i], &m, &err), GK_ENDPOINT_NOT_FOUND,
                     "%s", paths[i]);
        cr_assert_eq(m.route, GK_ROUTE_NONE);
        cr_assert_eq(m.allowed, 0);
        char want[300];
        snprintf(want, sizeof want, "No API found for 'GET %s'", paths[i]);
        cr_assert_str_eq(err.msg, want);
    }
    struct gk_route_match m;
    cr_assert_eq(gk_routes_match(GK_HTTP_GET, NULL, 5, &m, NULL), GK_ENDPOINT_NOT_FOUND);
}

Test(routes, the_path_in_a_404_message_is_bounded_and_printable)
{
    char path[4000];
    struct gk_route_match m;
    struct gk_err err = {0};
    memset(path, 'x', sizeof path);
    path[0] = '/';
    path[1] = '\033';
    cr_assert_eq(gk_routes_match(GK_HTTP_GET, path, sizeof path, &m, &err),
                 GK_ENDPOINT_NOT_FOUND);
    cr_assert_lt(strlen(err.msg), 240);
    cr_assert(strstr(err.msg, "'GET /?xxx") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "...'") != NULL, "%s", err.msg);
}

Test(routes, one_trailing_slash_is_tolerated_and_flagged)
{
    static const struct {
        enum gk_http_method method;
        const char *path;
        enum gk_route_id id;
        enum gk_rc rc;
    } cases[] = {
        {GK_HTTP_GET, G "/", GK_ROUTE_LIST_SPACES, GK_OK},
        {GK_HTTP_GET, G "/" S "/", GK_ROUTE_GET_SPACE, GK_OK},
        {GK_HTTP_POST, G "/" S "/start-conversation/", GK_ROUTE_START_CONVERSATION,
         GK_OK},
        {GK_HTTP_POST, "/oidc/v1/token/", GK_ROUTE_OIDC_TOKEN, GK_OK},
        /* the second slash is an empty space_id */
        {GK_HTTP_GET, G "//", GK_ROUTE_GET_SPACE, GK_INVALID_PARAMETER_VALUE},
        {GK_HTTP_GET, G "/" S "//", GK_ROUTE_NONE, GK_ENDPOINT_NOT_FOUND},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_route_match m;
        cr_assert_eq(match_str(cases[i].method, cases[i].path, &m, NULL), cases[i].rc,
                     "%s", cases[i].path);
        cr_assert_eq(m.route, cases[i].id, "%s", cases[i].path);
        cr_assert(m.trailing_slash, "%s", cases[i].path);
    }
}

Test(routes, the_query_is_split_off_and_handed_back)
{
    static const struct {
        const char *path, *query;
        enum gk_route_id id;
        bool trailing_slash;
    } cases[] = {
        {G "?page_size=10&page_token=a", "page_size=10&page_token=a",
         GK_ROUTE_LIST_SPACES, false},
        {G "/?page_size=10", "page_size=10", GK_ROUTE_LIST_SPACES, true},
        {G "?", "", GK_ROUTE_LIST_SPACES, false},
        {G "/" S "?include_serialized_space=true?x=/",
         "include_serialized_space=true?x=/", GK_ROUTE_GET_SPACE, false},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_route_match m;
        cr_assert_eq(match_str(GK_HTTP_GET, cases[i].path, &m, NULL), GK_OK, "%s",
                     cases[i].path);
        cr_assert_eq(m.route, cases[i].id);
        cr_assert_eq(m.query_len, strlen(cases[i].query));
        cr_assert_eq(memcmp(m.query, cases[i].query, m.query_len), 0, "%s",
                     cases[i].path);
        cr_assert_eq(m.trailing_slash, cases[i].trailing_slash);
    }
}

Test(routes, bad_path_parameters_are_400_naming_the_parameter)
{
    char long_id[GK_ROUTES_PARAM_MAX + 2];
    char path[400];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    snprintf(path, sizeof path, G "/" S "/conversations/%s", long_id);

    const struct {
        enum gk_http_method method;
        const char *path, *msg;
        enum gk_route_id id;
    } cases[] = {
        {GK_HTTP_POST, G "//start-conversation", "space_id: must not be empty",
         GK_ROUTE_START_CONVERSATION},
        {GK_HTTP_GET, G "/" S "/conversations//messages/" M,
         "conversation_id: must not be empty", GK_ROUTE_GET_MESSAGE},
        {GK_HTTP_GET, G "/a%2Fb", "space_id: must not contain '/' or NUL, got \"a%2Fb\"",
         GK_ROUTE_GET_SPACE},
        {GK_HTTP_GET, G "/a%2fb", "space_id: must not contain '/' or NUL, got \"a%2fb\"",
         GK_ROUTE_GET_SPACE},
        {GK_HTTP_GET, G "/a%00b", "space_id: must not contain '/' or NUL, got \"a%00b\"",
         GK_ROUTE_GET_SPACE},
        {GK_HTTP_GET, G "/a%zzb", "space_id: malformed percent escape in \"a%zzb\"",
         GK_ROUTE_GET_SPACE},
        {GK_HTTP_GET, G "/ab%4", "space_id: malformed percent escape in \"ab%4\"",
         GK_ROUTE_GET_SPACE},
        {GK_HTTP_GET, G "/ab%", "space_id: malformed percent escape in \"ab%\"",
         GK_ROUTE_GET_SPACE},
        {GK_HTTP_DELETE, path, "conversation_id: longer than 128 bytes",
         GK_ROUTE_DELETE_CONVERSATION},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_route_match m;
        struct gk_err err = {0};
        cr_assert_eq(match_str(cases[i].method, cases[i].path, &m, &err),
                     GK_INVALID_PARAMETER_VALUE, "%s", cases[i].path);
        cr_assert_eq(m.route, cases[i].id, "the route is still known: %s", cases[i].path);
        cr_assert(strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) == 0, "%s",
                  err.msg);
        cr_assert_str_eq(m.params.space_id, "", "no half-decoded parameters are left");
    }
}

Test(routes, a_parameter_of_exactly_the_maximum_length_is_accepted)
{
    char id[GK_ROUTES_PARAM_MAX + 1], path[300];
    struct gk_route_match m;
    memset(id, 'f', GK_ROUTES_PARAM_MAX);
    id[GK_ROUTES_PARAM_MAX] = '\0';
    snprintf(path, sizeof path, G "/%s", id);
    cr_assert_eq(match_str(GK_HTTP_GET, path, &m, NULL), GK_OK);
    cr_assert_str_eq(m.params.space_id, id);
    /* the limit is on decoded bytes: 128 escapes are 384 raw bytes */
    char escaped[3 * GK_ROUTES_PARAM_MAX + 1], path2[500];
    for (int i = 0; i < GK_ROUTES_PARAM_MAX; i++)
        memcpy(escaped + 3 * i, "%41", 3);
    escaped[3 * GK_ROUTES_PARAM_MAX] = '\0';
    snprintf(path2, sizeof path2, G "/%s", escaped);
    cr_assert_eq(match_str(GK_HTTP_GET, path2, &m, NULL), GK_OK);
    cr_assert_eq(strlen(m.params.space_id), GK_ROUTES_PARAM_MAX);
}

Test(routes, odd_ids_survive_a_percent_encoding_round_trip)
{
    static const struct {
        const char *id, *encoded;
    } cases[] = {
        {"a b", "a%20b"},
        {"a+b", "a%2Bb"},
        {"100%", "100%25"},
        {"~-._AZaz09", "~-._AZaz09"},
        {"a?b#c&d=e", "a%3Fb%23c%26d%3De"},
        {"a/b", "a%2Fb"},
        {"\xc3\xbc", "%C3%BC"},
        {"\x01\x7f\xff", "%01%7F%FF"},
        {"..", ".."},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        struct gk_route_params p;
        struct gk_route_match m;
        struct gk_err err = {0};
        char built[300], want[300];
        cr_assert_eq(gk_routes_params_set(&p, S, cases[i].id, M, NULL, &err), GK_OK);
        cr_assert_eq(
            gk_routes_build(GK_ROUTE_GET_MESSAGE, &p, built, sizeof built, NULL, &err),
            GK_OK, "%s", err.msg);
        snprintf(want, sizeof want, G "/" S "/conversations/%s/messages/" M,
                 cases[i].encoded);
        cr_assert_str_eq(built, want);
        enum gk_rc rc = match_str(GK_HTTP_GET, built, &m, &err);
        if (strchr(cases[i].id, '/') != NULL) {
            /* buildable for a client, but a server refuses a decoded '/' */
            cr_assert_eq(rc, GK_INVALID_PARAMETER_VALUE);
            continue;
        }
        cr_assert_eq(rc, GK_OK, "%s", err.msg);
        cr_assert_eq(m.route, GK_ROUTE_GET_MESSAGE);
        cr_assert_str_eq(m.params.conversation_id, cases[i].id);
        cr_assert_str_eq(m.params.space_id, S);
    }
    /* a '+' in a path is a plus, not a space (that rule is for queries) */
    struct gk_route_match m;
    cr_assert_eq(match_str(GK_HTTP_GET, G "/a+b", &m, NULL), GK_OK);
    cr_assert_str_eq(m.params.space_id, "a+b");
}

Test(routes, every_route_builds_from_any_ids_and_matches_back)
{
    struct gk_route_params p;
    cr_assert_eq(gk_routes_params_set(&p, "s 1", "c/2", "m%3", "a\xc3\xa9", NULL), GK_OK);
    strcpy(p.conversation_id, "c:2"); /* '/' would be refused when matching */
    for (int id = 0; id < GK_ROUTE_COUNT; id++) {
        char built[600];
        struct gk_route_match m;
        struct gk_err err = {0};
        cr_assert_eq(gk_routes_build(id, &p, built, sizeof built, NULL, &err), GK_OK,
                     "%s", err.msg);
        cr_assert_eq(match_str(gk_routes_method(id), built, &m, &err), GK_OK, "%s: %s",
                     built, err.msg);
        cr_assert_eq(m.route, id, "%s", built);
        const char *pattern = gk_routes_pattern(id);
        if (strstr(pattern, "{space_id}"))
            cr_assert_str_eq(m.params.space_id, "s 1");
        if (strstr(pattern, "{conversation_id}"))
            cr_assert_str_eq(m.params.conversation_id, "c:2");
        if (strstr(pattern, "{message_id}"))
            cr_assert_str_eq(m.params.message_id, "m%3");
        if (strstr(pattern, "{attachment_id}"))
            cr_assert_str_eq(m.params.attachment_id, "a\xc3\xa9");
    }
}

Test(routes, building_fails_cleanly)
{
    struct gk_route_params p;
    struct gk_err err = {0};
    char buf[64];
    gk_routes_params_set(&p, S, NULL, NULL, NULL, NULL);

    memset(buf, 'Z', sizeof buf);
    cr_assert_eq(gk_routes_build(GK_ROUTE_GET_MESSAGE, &p, buf, sizeof buf, NULL, &err),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(err.msg,
                     "conversation_id: required to build the path of get_message");
    cr_assert_str_eq(buf, "");

    struct gk_err err2 = {0};
    cr_assert_eq(gk_routes_build(GK_ROUTE_GET_SPACE, NULL, buf, sizeof buf, NULL, &err2),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(err2.msg, "space_id: required to build the path of get_space");

    struct gk_err err3 = {0};
    cr_assert_eq(gk_routes_build(GK_ROUTE_NONE, &p, buf, sizeof buf, NULL, &err3),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_eq(gk_routes_build(GK_ROUTE_GET_SPACE, &p, NULL, 10, NULL, NULL),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_eq(gk_routes_build(GK_ROUTE_LIST_SPACES, NULL, buf, sizeof buf, NULL, NULL),
                 GK_OK);
    cr_assert_str_eq(buf, G);
}

Test(routes, a_small_buffer_is_an_error_and_never_overflows)
{
    const char *want = G "/" S;
    size_t need = strlen(want) + 1;
    struct gk_route_params p;
    gk_routes_params_set(&p, S, NULL, NULL, NULL, NULL);
    for (size_t cap = 1; cap <= need; cap++) {
        char buf[128];
        struct gk_err err = {0};
        size_t len = 99;
        memset(buf, 'Z', sizeof buf);
        enum gk_rc rc = gk_routes_build(GK_ROUTE_GET_SPACE, &p, buf, cap, &len, &err);
        for (size_t k = cap; k < sizeof buf; k++)
            cr_assert_eq(buf[k], 'Z', "byte %zu written with cap %zu", k, cap);
        if (cap < need) {
            cr_assert_eq(rc, GK_INVALID_PARAMETER_VALUE, "cap %zu", cap);
            cr_assert_str_eq(buf, "");
            cr_assert_eq(len, 0);
            char hint[32];
            snprintf(hint, sizeof hint, "(needs %zu)", need);
            cr_assert(strstr(err.msg, hint) != NULL, "%s", err.msg);
        } else {
            cr_assert_eq(rc, GK_OK);
            cr_assert_str_eq(buf, want);
            cr_assert_eq(len, need - 1);
        }
    }
}

Test(routes, params_set_refuses_ids_that_do_not_fit)
{
    char big[GK_ROUTES_PARAM_MAX + 2];
    struct gk_route_params p;
    struct gk_err err = {0};
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cr_assert_eq(gk_routes_params_set(&p, S, big, "", NULL, &err),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(err.msg, "conversation_id: longer than 128 bytes");
    cr_assert_str_eq(p.space_id, S);
    cr_assert_str_eq(p.conversation_id, "");
}

Test(routes, the_allow_list_refuses_a_small_buffer)
{
    char buf[8];
    unsigned all = (1u << GK_HTTP_METHOD_COUNT) - 1;
    char big[GK_ROUTES_ALLOW_MAX];
    cr_assert_eq(gk_routes_allow_format(all, big, sizeof big, NULL), GK_OK);
    cr_assert_str_eq(big, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    cr_assert_eq(gk_routes_allow_format(all, buf, sizeof buf, NULL),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(gk_routes_allow_format(0, buf, sizeof buf, NULL), GK_OK);
    cr_assert_str_eq(buf, "");
}

/* ---- query strings ------------------------------------------------------ */

Test(routes, query_values_are_found_and_decoded)
{
    static const struct {
        const char *q, *key;
        bool found;
        const char *value;
    } cases[] = {
        {"page_size=10&page_token=abc", "page_token", true, "abc"},
        {"page_token=a%20b+c%2Bd", "page_token", true, "a b c+d"},
        {"page_token=first&page_token=second", "page_token", true, "first"},
        {"a=1&&&b=2&", "b", true, "2"},
        {"flag&x=1", "flag", true, ""},
        {"flag=&x=1", "flag", true, ""},
        {"page%5Fsize=7", "page_size", true, "7"},
        {"my+key=v", "my key", true, "v"},
        {"k=a=b", "k", true, "a=b"},
        {"page_size=10", "page", false, ""},
        {"page=10", "page_size", false, ""},
        {"", "k", false, ""},
        {"K=1", "k", false, ""},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        char out[64] = "junk";
        bool found = !cases[i].found;
        struct gk_err err = {0};
        cr_assert_eq(gk_routes_query_get(cases[i].q, strlen(cases[i].q), cases[i].key,
                                         out, sizeof out, &found, &err),
                     GK_OK, "%s: %s", cases[i].q, err.msg);
        cr_assert_eq(found, cases[i].found, "%s", cases[i].q);
        cr_assert_str_eq(out, cases[i].value, "%s", cases[i].q);
    }
}

Test(routes, query_strings_need_no_terminating_nul)
{
    const char q[] = {'k', '=', 'v', 'x', 'y'};
    char out[8];
    cr_assert_eq(gk_routes_query_get(q, 3, "k", out, sizeof out, NULL, NULL), GK_OK);
    cr_assert_str_eq(out, "v");
    cr_assert_eq(gk_routes_query_get(NULL, 0, "k", out, sizeof out, NULL, NULL), GK_OK);
}

Test(routes, malformed_queries_are_errors_naming_the_key)
{
    static const struct {
        const char *q, *key, *msg;
    } cases[] = {
        {"page_token=%zz", "page_token", "page_token: malformed percent escape"},
        {"page_token=ab%", "page_token", "page_token: malformed percent escape"},
        {"page_token=ab%4", "page_token", "page_token: malformed percent escape"},
        {"x=%G1&page_size=1", "page_size", "x: malformed percent escape"},
        {"page_size=1&x=%", "page_size", "x: malformed percent escape"},
        {"k%=1", "k", "k%: malformed percent escape"},
        {"page_token=a%00b", "page_token", "page_token: must not contain NUL"},
        {"page_token=0123456789", "page_token", "page_token: longer than 7 bytes"},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        char out[8];
        bool found = true;
        struct gk_err err = {0};
        cr_assert_eq(gk_routes_query_get(cases[i].q, strlen(cases[i].q), cases[i].key,
                                         out, sizeof out, &found, &err),
                     GK_INVALID_PARAMETER_VALUE, "%s", cases[i].q);
        cr_assert_str_eq(err.msg, cases[i].msg);
        cr_assert_not(found);
        cr_assert_str_eq(out, "");
    }
}

Test(routes, integers_are_range_checked)
{
    static const struct {
        const char *q;
        enum gk_rc rc;
        int64_t value;
        const char *msg;
    } cases[] = {
        {"page_size=10", GK_OK, 10, NULL},
        {"page_size=1", GK_OK, 1, NULL},
        {"page_size=100", GK_OK, 100, NULL},
        {"page_size=007", GK_OK, 7, NULL},
        {"page_size=abc", GK_INVALID_PARAMETER_VALUE, 0,
         "page_size: expected an integer from 1 to 100, got \"abc\""},
        {"page_size=0", GK_INVALID_PARAMETER_VALUE, 0,
         "page_size: expected an integer from 1 to 100, got \"0\""},
        {"page_size=101", GK_INVALID_PARAMETER_VALUE, 0,
         "page_size: expected an integer from 1 to 100, got \"101\""},
        {"page_size=-5", GK_INVALID_PARAMETER_VALUE, 0, NULL},
        {"page_size=+5", GK_INVALID_PARAMETER_VALUE, 0, NULL},
        {"page_size=", GK_INVALID_PARAMETER_VALUE, 0,
         "page_size: expected an integer from 1 to 100, got \"\""},
        {"page_size=-", GK_INVALID_PARAMETER_VALUE, 0, NULL},
        {"page_size=+5", GK_INVALID_PARAMETER_VALUE, 0, NULL},
        {"page_size=1+0", GK_INVALID_PARAMETER_VALUE, 0,
         "page_size: expected an integer from 1 to 100, got \"1 0\""},
        {"page_size=5.0", GK_INVALID_PARAMETER_VALUE, 0, NULL},
        {"page_size=10&page_size=abc", GK_OK, 10, NULL},
        {"page_size=99999999999999999999999", GK_INVALID_PARAMETER_VALUE, 0,
         "page_size: expected an integer from 1 to 100, got \"99999999999999999999999\""},
        {"page_size=%1b[31m", GK_INVALID_PARAMETER_VALUE, 0,
         "page_size: expected an integer from 1 to 100, got \"?[31m\""},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        int64_t v = -1;
        bool found = false;
        struct gk_err err = {0};
        cr_assert_eq(gk_routes_query_get_int(cases[i].q, strlen(cases[i].q), "page_size",
                                             1, 100, &v, &found, &err),
                     cases[i].rc, "%s: %s", cases[i].q, err.msg);
        if (cases[i].rc == GK_OK) {
            cr_assert_eq(v, cases[i].value, "%s", cases[i].q);
            cr_assert(found);
        } else {
            cr_assert_eq(v, -1, "untouched on error: %s", cases[i].q);
            cr_assert_not(found);
        }
        if (cases[i].msg != NULL)
            cr_assert_str_eq(err.msg, cases[i].msg);
    }
}

Test(routes, integers_cover_the_whole_int64_range)
{
    static const struct {
        const char *q;
        enum gk_rc rc;
        int64_t value;
    } cases[] = {
        {"n=-9223372036854775808", GK_OK, INT64_MIN},
        {"n=9223372036854775807", GK_OK, INT64_MAX},
        {"n=9223372036854775808", GK_INVALID_PARAMETER_VALUE, 0},
        {"n=-9223372036854775809", GK_INVALID_PARAMETER_VALUE, 0},
        {"n=-0", GK_OK, 0},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        int64_t v = 42;
        cr_assert_eq(gk_routes_query_get_int(cases[i].q, strlen(cases[i].q), "n",
                                             INT64_MIN, INT64_MAX, &v, NULL, NULL),
                     cases[i].rc, "%s", cases[i].q);
        if (cases[i].rc == GK_OK)
            cr_assert_eq(v, cases[i].value, "%s", cases[i].q);
    }
}

Test(routes, an_absent_key_leaves_the_default_alone)
{
    int64_t size = 20;
    bool all = true, found = true;
    cr_assert_eq(
        gk_routes_query_get_int("x=1", 3, "page_size", 1, 100, &size, &found, NULL),
        GK_OK);
    cr_assert_eq(size, 20);
    cr_assert_not(found);
    found = true;
    cr_assert_eq(gk_routes_query_get_bool("x=1", 3, "include_all", &all, &found, NULL),
                 GK_OK);
    cr_assert(all);
    cr_assert_not(found);
}

Test(routes, booleans_are_exactly_true_or_false)
{
    static const struct {
        const char *q;
        enum gk_rc rc;
        bool value;
    } cases[] = {
        {"include_all=true", GK_OK, true},
        {"include_all=false", GK_OK, false},
        {"include_all=%74rue", GK_OK, true},
        {"include_all=True", GK_INVALID_PARAMETER_VALUE, false},
        {"include_all=1", GK_INVALID_PARAMETER_VALUE, false},
        {"include_all=yes", GK_INVALID_PARAMETER_VALUE, false},
        {"include_all=", GK_INVALID_PARAMETER_VALUE, false},
        {"include_all", GK_INVALID_PARAMETER_VALUE, false},
        {"include_all=truefalse", GK_INVALID_PARAMETER_VALUE, false},
        {"include_all=true+", GK_INVALID_PARAMETER_VALUE, false},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        bool v = !cases[i].value;
        struct gk_err err = {0};
        cr_assert_eq(gk_routes_query_get_bool(cases[i].q, strlen(cases[i].q),
                                              "include_all", &v, NULL, &err),
                     cases[i].rc, "%s", cases[i].q);
        if (cases[i].rc == GK_OK)
            cr_assert_eq(v, cases[i].value, "%s", cases[i].q);
        else
            cr_assert(
                strncmp(err.msg, "include_all: expected true or false, got \"", 42) == 0,
                "%s", err.msg);
    }
    struct gk_err err = {0};
    bool v;
    gk_routes_query_get_bool("include_all=1", 13, "include_all", &v, NULL, &err);
    cr_assert_str_eq(err.msg, "include_all: expected true or false, got \"1\"");
}

Test(routes, form_bodies_use_the_same_grammar)
{
    const char *form = "grant_type=client_credentials&scope=all-apis+sql&client_id=a%2Bb";
    char out[64];
    cr_assert_eq(gk_routes_query_get(form, strlen(form), "grant_type", out, sizeof out,
                                     NULL, NULL),
                 GK_OK);
    cr_assert_str_eq(out, "client_credentials");
    gk_routes_query_get(form, strlen(form), "scope", out, sizeof out, NULL, NULL);
    cr_assert_str_eq(out, "all-apis sql");
    gk_routes_query_get(form, strlen(form), "client_id", out, sizeof out, NULL, NULL);
    cr_assert_str_eq(out, "a+b");

    char body[128] = "";
    cr_assert_eq(gk_routes_query_add(body, sizeof body, true, "grant_type",
                                     "client_credentials", NULL),
                 GK_OK);
    cr_assert_eq(gk_routes_query_add(body, sizeof body, true, "scope", "all-apis", NULL),
                 GK_OK);
    cr_assert_str_eq(body, "grant_type=client_credentials&scope=all-apis");
}

Test(routes, page_parameters_are_appended_encoded_and_read_back)
{
    static const struct {
        int size;
        const char *token, *want;
    } cases[] = {
        {20, "a b+c/=&?%", G "?page_size=20&page_token=a%20b%2Bc%2F%3D%26%3F%25"},
        {0, "tok", G "?page_token=tok"},
        {50, NULL, G "?page_size=50"},
        {-1, "", G},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        char url[256];
        struct gk_route_match m;
        cr_assert_eq(
            gk_routes_build(GK_ROUTE_LIST_SPACES, NULL, url, sizeof url, NULL, NULL),
            GK_OK);
        cr_assert_eq(gk_routes_query_add_page(url, sizeof url, cases[i].size,
                                              cases[i].token, NULL),
                     GK_OK);
        cr_assert_str_eq(url, cases[i].want);

        char token[64];
        int64_t size = -7;
        cr_assert_eq(match_str(GK_HTTP_GET, url, &m, NULL), GK_OK);
        cr_assert_eq(gk_routes_query_get(m.query, m.query_len, "page_token", token,
                                         sizeof token, NULL, NULL),
                     GK_OK);
        cr_assert_str_eq(token, cases[i].token != NULL ? cases[i].token : "");
        gk_routes_query_get_int(m.query, m.query_len, "page_size", 1, 100, &size, NULL,
                                NULL);
        cr_assert_eq(size, cases[i].size > 0 ? cases[i].size : -7);
    }
}

Test(routes, appending_picks_the_right_separator)
{
    static const struct {
        const char *start, *want;
    } cases[] = {
        {"/p", "/p?k=v"},          {"/p?", "/p?k=v"}, {"/p?a=1", "/p?a=1&k=v"},
        {"/p?a=1&", "/p?a=1&k=v"}, {"", "?k=v"},
    };
    for (size_t i = 0; i < N_CASES(cases); i++) {
        char buf[32];
        strcpy(buf, cases[i].start);
        cr_assert_eq(gk_routes_query_add(buf, sizeof buf, false, "k", "v", NULL), GK_OK);
        cr_assert_str_eq(buf, cases[i].want);
    }
}

Test(routes, appending_to_a_small_buffer_changes_nothing)
{
    char buf[24] = "/p?a=1";
    struct gk_err err = {0};
    cr_assert_eq(
        gk_routes_query_add(buf, sizeof buf, false, "page_token", "0123456789", &err),
        GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(buf, "/p?a=1");
    cr_assert_str_eq(err.msg, "page_token: 24 bytes is too small to add it (needs 29)");

    strcpy(buf, "/p");
    cr_assert_eq(gk_routes_query_add_page(buf, sizeof buf, 10, "a-long-token", NULL),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(buf, "/p", "page_size was added, then taken back");

    char full[4] = {'a', 'b', 'c', 'd'};
    cr_assert_eq(gk_routes_query_add(full, sizeof full, false, "k", "v", NULL),
                 GK_INVALID_PARAMETER_VALUE, "no NUL within cap");
    cr_assert_eq(gk_routes_query_add(buf, sizeof buf, false, NULL, "v", NULL),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_eq(gk_routes_query_add(buf, sizeof buf, false, "k", NULL, NULL),
                 GK_INVALID_PARAMETER_VALUE);
}
