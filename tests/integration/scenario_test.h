/*
 * scenario_test: helpers shared by the scenario suite's files
 * (test_scenario*.c): parsing text under the name "b.json", the zeroed-struct
 * check, the default fixture's path (relative to the repository root, where
 * the tests run) and macros that nest a JSON fragment where a key path
 * expects it.
 */
#ifndef GK_SCENARIO_TEST_H
#define GK_SCENARIO_TEST_H

#include "common/id.h"
#include "mockserver/scenario.h"
#include "tests/gk_test.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_FILE "fixtures/scenarios/default.json"
#define US           INT64_C(1000000)

static inline enum gk_rc parse(const char *json, struct mock_scenario *s,
                               struct gk_err *e)
{
    gk_err_clear(e);
    return mock_scenario_parse("b.json", json, strlen(json), s, e);
}

static inline bool is_zeroed(const struct mock_scenario *s)
{
    static const struct mock_scenario zero;
    return memcmp(s, &zero, sizeof zero) == 0;
}

static inline bool is_pat(const char *t)
{
    if (t == NULL || strlen(t) != 36 || strncmp(t, "dapi", 4) != 0)
        return false;
    for (size_t i = 4; i < 36; i++)
        if (strchr("0123456789abcdef", t[i]) == NULL)
            return false;
    return true;
}

static inline char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* A fragment placed inside workspaces[0], ...spaces[0], ...tables[0], a
 * column named x of table a.b.c, and principals[0] of a workspace with one
 * space titled "A". */
#define WS(x)  "{\"workspaces\":[{" x "}]}"
#define SP(x)  WS("\"spaces\":[{" x "}]")
#define TB(x)  SP("\"tables\":[{" x "}]")
#define COL(x) TB("\"name\":\"a.b.c\",\"columns\":[{\"name\":\"x\"," x "}]")
#define P(x)   WS("\"spaces\":[{\"title\":\"A\"}],\"principals\":[{" x "}]")

#endif
