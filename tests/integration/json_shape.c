/*
 * json_shape: the recursive comparison behind shape_match (rules in the
 * header). The walk carries the current path in a fixed buffer; differences
 * are appended to the caller's buffer and counted, so one call reports every
 * difference rather than the first.
 */
#include "tests/integration/json_shape.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct walk {
    const struct shape_rules *rules;
    char *why;
    size_t cap, len;
    int diffs;
};

static void diff(struct walk *w, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void diff(struct walk *w, const char *path, const char *fmt, ...)
{
    va_list ap;
    w->diffs++;
    if (w->why == NULL || w->len + 1 >= w->cap)
        return;
    int n = snprintf(w->why + w->len, w->cap - w->len, "%s: ", path[0] ? path : "(root)");
    if (n > 0)
        w->len = w->len + (size_t)n < w->cap ? w->len + (size_t)n : w->cap - 1;
    va_start(ap, fmt);
    n = vsnprintf(w->why + w->len, w->cap - w->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len = w->len + (size_t)n < w->cap ? w->len + (size_t)n : w->cap - 1;
    if (w->len + 1 < w->cap) {
        w->why[w->len++] = '\n';
        w->why[w->len] = '\0';
    }
}

static bool listed(const char *const *list, const char *path)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++)
        if (strcmp(list[i], path) == 0)
            return true;
    return false;
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsObject(v))
        return "object";
    return "invalid";
}

static bool integral(const cJSON *v)
{
    return cJSON_IsNumber(v) && floor(v->valuedouble) == v->valuedouble;
}

static void join(char *out, size_t cap, const char *path, const char *key)
{
    snprintf(out, cap, "%s%s%s", path, path[0] && key[0] != '[' ? "." : "", key);
}

static void compare(struct walk *w, const cJSON *got, const cJSON *want, const char *path,
                    bool in_array);

/* How alike two array elements are: shared keys for objects, 1 for equal
 * types otherwise. */
static int likeness(const cJSON *got, const cJSON *want)
{
    int n = 0;
    if (!cJSON_IsObject(got) || !cJSON_IsObject(want))
        return strcmp(type_name(got), type_name(want)) == 0;
    for (const cJSON *k = got->child; k != NULL; k = k->next)
        n += cJSON_GetObjectItemCaseSensitive(want, k->string) != NULL;
    return n;
}

static void compare_array(struct walk *w, const cJSON *got, const cJSON *want,
                          const char *path)
{
    char sub[512];
    join(sub, sizeof sub, path, "[]");
    if (cJSON_GetArraySize(want) == 0)
        return; /* nothing to compare the elements with */
    for (const cJSON *g = got->child; g != NULL; g = g->next) {
        const cJSON *best = want->child;
        int score = -1;
        for (const cJSON *e = want->child; e != NULL; e = e->next) {
            int s = likeness(g, e);
            if (s > score) {
                score = s;
                best = e;
            }
        }
        compare(w, g, best, sub, true);
    }
}

static void compare_object(struct walk *w, const cJSON *got, const cJSON *want,
                           const char *path)
{
    char sub[512];
    for (const cJSON *k = want->child; k != NULL; k = k->next) {
        if (k->string[0] == '_')
            continue;
        join(sub, sizeof sub, path, k->string);
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, k->string);
        if (g == NULL) {
            if (!listed(w->rules->optional, sub))
                diff(w, sub, "missing (the example has a %s)", type_name(k));
            continue;
        }
        compare(w, g, k, sub, false);
    }
    for (const cJSON *g = got->child; g != NULL; g = g->next) {
        join(sub, sizeof sub, path, g->string);
        if (cJSON_GetObjectItemCaseSensitive(want, g->string) == NULL &&
            !listed(w->rules->extra, sub))
            diff(w, sub, "not in the example (a %s)", type_name(g));
    }
}

static void compare(struct walk *w, const cJSON *got, const cJSON *want, const char *path,
                    bool in_array)
{
    if (in_array && cJSON_IsNull(got) && cJSON_IsString(want))
        return; /* a NULL cell */
    if (strcmp(type_name(got), type_name(want)) != 0) {
        diff(w, path, "expected %s, got %s", type_name(want), type_name(got));
        return;
    }
    if (integral(want) && !integral(got))
        diff(w, path, "expected an integer, got %g", got->valuedouble);
    else if (cJSON_IsObject(want))
        compare_object(w, got, want, path);
    else if (cJSON_IsArray(want))
        compare_array(w, got, want, path);
}

bool shape_match(const cJSON *got, const cJSON *want, const struct shape_rules *rules,
                 char *why, size_t cap)
{
    static const struct shape_rules none;
    struct walk w = {.rules = rules != NULL ? rules : &none, .why = why, .cap = cap};
    if (why != NULL && cap > 0)
        why[0] = '\0';
    if (got == NULL) {
        diff(&w, "", "no JSON body");
        return false;
    }
    compare(&w, got, want, "", false);
    return w.diffs == 0;
}

cJSON *shape_examples_load(void)
{
    FILE *f = fopen(SHAPE_EXAMPLES_FILE, "rb");
    cr_assert_not_null(f, "%s: cannot open (tests run from the repository root)",
                       SHAPE_EXAMPLES_FILE);
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    cJSON *j = cJSON_ParseWithLength(buf, len);
    free(buf);
    cr_assert_not_null(j, "%s: not JSON", SHAPE_EXAMPLES_FILE);
    return j;
}

const cJSON *shape_example(const cJSON *examples, const char *name)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(examples, name);
    cr_assert(cJSON_IsObject(e), "%s: no example \"%s\"", SHAPE_EXAMPLES_FILE, name);
    return e;
}

const cJSON *shape_get(const cJSON *root, const char *path)
{
    const cJSON *v = root;
    const char *p = path;
    char key[128];
    while (v != NULL && *p != '\0') {
        if (*p == '.') {
            p++;
        } else if (*p == '[') {
            char *end;
            long i = strtol(p + 1, &end, 10);
            if (*end != ']' || !cJSON_IsArray(v))
                return NULL;
            v = cJSON_GetArrayItem(v, (int)i);
            p = end + 1;
        } else {
            size_t k = strcspn(p, ".[");
            if (k >= sizeof key)
                return NULL;
            memcpy(key, p, k);
            key[k] = '\0';
            v = cJSON_GetObjectItemCaseSensitive(v, key);
            p += k;
        }
    }
    return v;
}
