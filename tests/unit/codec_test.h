/*
 * codec_test: helpers shared by the codec's test files (test_codec*.c):
 * checked allocation, the examples file (read from the repository root,
 * where the tests run) and a JSON comparison that names the first
 * difference by its path.
 */
#ifndef GK_CODEC_TEST_H
#define GK_CODEC_TEST_H

#include "common/codec.h"
#include "tests/gk_test.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static inline char *xstrdup(const char *s)
{
    char *p = strdup(s);
    cr_assert_not_null(p);
    return p;
}

static inline void *zalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    cr_assert_not_null(p);
    return p;
}

/* ---- the examples file ---- */

static inline void strip_annotations(cJSON *j)
{
    cJSON *c = j->child;
    while (c != NULL) {
        cJSON *next = c->next;
        if (cJSON_IsObject(j) && c->string != NULL && c->string[0] == '_')
            cJSON_Delete(cJSON_DetachItemViaPointer(j, c));
        else
            strip_annotations(c);
        c = next;
    }
}

/* The example under key, without its "_" annotations; cJSON_Delete it. */
static inline cJSON *example(const char *key)
{
    FILE *f = fopen("fixtures/genie-api-examples.json", "rb");
    cr_assert_not_null(f, "run the tests from the repository root");
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    cr_assert(n > 0 && n < sizeof buf);
    cJSON *all = cJSON_ParseWithLength(buf, n);
    cr_assert_not_null(all);
    cJSON *one = cJSON_DetachItemFromObjectCaseSensitive(all, key);
    cJSON_Delete(all);
    cr_assert_not_null(one, "no example %s", key);
    strip_annotations(one);
    return one;
}

/* The example as a compact body; free() it. */
static inline char *example_body(const char *key)
{
    cJSON *j = example(key);
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    cr_assert_not_null(s);
    return s;
}

/* want and got hold the same members (both ways), types and values. */
static inline void assert_same_json(const cJSON *want, const cJSON *got, const char *path)
{
    char sub[256];
    cr_assert_eq(want->type & 0xff, got->type & 0xff,
                 "%s: JSON type %d in output, %d expected", path, got->type & 0xff,
                 want->type & 0xff);
    if (cJSON_IsObject(want)) {
        for (const cJSON *w = want->child; w != NULL; w = w->next) {
            snprintf(sub, sizeof sub, "%s.%s", path, w->string);
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
            cr_assert_not_null(g, "%s: missing in the output", sub);
            assert_same_json(w, g, sub);
        }
        for (const cJSON *g = got->child; g != NULL; g = g->next)
            cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(want, g->string),
                               "%s.%s: in the output, not in the example", path,
                               g->string);
    } else if (cJSON_IsArray(want)) {
        cr_assert_eq(cJSON_GetArraySize(want), cJSON_GetArraySize(got), "%s: length",
                     path);
        const cJSON *g = got->child;
        int i = 0;
        for (const cJSON *w = want->child; w != NULL; w = w->next, g = g->next, i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            assert_same_json(w, g, sub);
        }
    } else if (cJSON_IsString(want)) {
        cr_assert_str_eq(got->valuestring, want->valuestring, "%s", path);
    } else if (cJSON_IsNumber(want)) {
        cr_assert_eq(got->valuedouble, want->valuedouble, "%s", path);
    }
}

static inline void assert_matches_example(const char *body, const char *key)
{
    cJSON *want = example(key);
    cJSON *got = cJSON_Parse(body);
    cr_assert_not_null(got, "output is not JSON: %s", body);
    assert_same_json(want, got, key);
    cJSON_Delete(want);
    cJSON_Delete(got);
}

static inline char *encode_message(const struct gk_message *m,
                                   const struct gk_codec_opts *o)
{
    char *out = NULL;
    size_t len = 0;
    struct gk_err err = {0};
    cr_assert_eq(gk_codec_encode_message(m, o, &out, &len, &err), GK_OK, "%s", err.msg);
    cr_assert_eq(strlen(out), len);
    return out;
}

#endif
