/*
 * config_file.c: the two files genie-gen reads settings from (see config.h):
 * the JSON config file (through generator/json, the only door to cJSON) and
 * the INI profiles of ~/.databrickscfg.
 *
 * Both hold secrets, so: no message quotes a value or a line of either file
 * (keys and paths only), and every buffer that held file text is wiped
 * before it is freed.
 *
 * Scalar settings go through gk_config_set, which ranks them ("file"); the
 * profile, which ranks below the config file, sets a key only where nothing
 * set it (or where an earlier line of the same section did).
 */
#include "generator/config.h"

#include "generator/json.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define NUM_TEXT_MAX 64

static enum gk_rc no_memory(struct gk_err *err)
{
    return gk_err_set(err, GK_OUT_OF_MEMORY, "config: out of memory");
}

/* Reads the whole file (at most max bytes) into a heap buffer. Buffers are
 * wiped when replaced or dropped: the file may hold secrets. */
static enum gk_rc slurp(const char *path, size_t max, char **text, size_t *len,
                        struct gk_err *err)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    FILE *f;

    *text = NULL;
    if (buf == NULL)
        return no_memory(err);
    if ((f = fopen(path, "rb")) == NULL) {
        free(buf);
        return gk_err_set(err, GK_IO_ERROR, "%s: cannot open: %s", path, strerror(errno));
    }
    for (;;) {
        if (n == cap) {
            char *grown = malloc(cap * 2);
            if (grown != NULL)
                memcpy(grown, buf, n);
            sodium_memzero(buf, n);
            free(buf);
            if ((buf = grown) == NULL) {
                fclose(f);
                return no_memory(err);
            }
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0 || n > max)
            break;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || n > max) {
        sodium_memzero(buf, n);
        free(buf);
        if (bad)
            return gk_err_set(err, GK_IO_ERROR, "%s: cannot read", path);
        return gk_err_set(err, GK_BAD_CONFIG, "%s: larger than %zu bytes", path, max);
    }
    *text = buf;
    *len = n;
    return GK_OK;
}

/* ---- the JSON config file ---- */

/* A string member (a number too when numbers are ok, for numeric ids) as a
 * heap copy in *out; absent leaves *out NULL. */
static enum gk_rc read_string(struct gen_json *j, const struct gen_json_node *n,
                              bool numbers_ok, char **out)
{
    char num[NUM_TEXT_MAX];
    const char *s = gen_json_string(n);
    if (s == NULL && numbers_ok && gen_json_kind(n) == GEN_JSON_NUMBER &&
        gen_json_scalar_text(n, num, sizeof num))
        s = num;
    if (s == NULL)
        return gen_json_fail(j, "expected a string, got %s", gen_json_kind_name(n));
    if (s[0] == '\0')
        return gen_json_fail(j, "empty");
    if ((*out = strdup(s)) == NULL)
        return no_memory(j->err);
    return GK_OK;
}

static enum gk_rc read_space(struct gen_json *j, const struct gen_json_node *n,
                             struct gen_space *sp)
{
    static const char *const keys[] = {"space_id", "title", "domain", "description"};
    if (gen_json_kind(n) == GEN_JSON_STRING || gen_json_kind(n) == GEN_JSON_NUMBER)
        return read_string(j, n, true, &sp->space_id);
    if (gen_json_kind(n) != GEN_JSON_OBJECT)
        return gen_json_fail(j, "expected a space id or an object, got %s",
                             gen_json_kind_name(n));
    for (const struct gen_json_node *m = gen_json_child(n); m != NULL;
         m = gen_json_next(m)) {
        char **field[] = {&sp->space_id, &sp->title, &sp->domain, &sp->description};
        size_t k = 0, mark = gen_json_push_key(j, gen_json_key(m));
        while (k < 4 && strcmp(keys[k], gen_json_key(m)) != 0)
            k++;
        enum gk_rc rc =
            k == 4 ? gen_json_fail(j, "unknown key (expected space_id, title, domain or "
                                      "description)")
            : *field[k] != NULL ? gen_json_fail(j, "given twice")
                                : read_string(j, m, k == 0, field[k]);
        if (rc != GK_OK)
            return rc;
        gen_json_pop(j, mark);
    }
    return sp->space_id != NULL ? GK_OK : gen_json_fail(j, "space_id: missing");
}

static enum gk_rc read_spaces(struct gen_json *j, const struct gen_json_node *arr,
                              struct gen_workspace *ws)
{
    if (gen_json_kind(arr) != GEN_JSON_ARRAY)
        return gen_json_fail(j, "expected an array of space ids, got %s",
                             gen_json_kind_name(arr));
    size_t n = gen_json_count(arr), i = 0;
    if (n == 0)
        return GK_OK;
    if ((ws->spaces = calloc(n, sizeof *ws->spaces)) == NULL)
        return no_memory(j->err);
    for (const struct gen_json_node *e = gen_json_child(arr); e != NULL;
         e = gen_json_next(e), i++) {
        size_t mark = gen_json_push_index(j, i);
        ws->space_count = i + 1; /* counted before filled: freed on failure too */
        enum gk_rc rc = read_space(j, e, &ws->spaces[i]);
        if (rc != GK_OK)
            return rc;
        gen_json_pop(j, mark);
    }
    return GK_OK;
}

static enum gk_rc read_workspace(struct gen_json *j, const struct gen_json_node *obj,
                                 struct gen_workspace *ws)
{
    static const char *const keys[] = {"workspace_id", "host",          "token",
                                       "client_id",    "client_secret", "spaces"};
    bool seen[6] = {false};
    if (gen_json_kind(obj) != GEN_JSON_OBJECT)
        return gen_json_fail(j, "expected an object, got %s", gen_json_kind_name(obj));
    for (const struct gen_json_node *m = gen_json_child(obj); m != NULL;
         m = gen_json_next(m)) {
        char **field[] = {&ws->workspace_id, &ws->host, &ws->token, &ws->client_id,
                          &ws->client_secret};
        size_t k = 0, mark = gen_json_push_key(j, gen_json_key(m));
        enum gk_rc rc;
        while (k < 6 && strcmp(keys[k], gen_json_key(m)) != 0)
            k++;
        if (k == 6)
            rc = gen_json_fail(j, "unknown key (expected workspace_id, host, token, "
                                  "client_id, client_secret or spaces)");
        else if (seen[k])
            rc = gen_json_fail(j, "given twice");
        else if (k == 5)
            rc = read_spaces(j, m, ws);
        else
            rc = read_string(j, m, k == 0, field[k]);
        if (rc != GK_OK)
            return rc;
        seen[k] = true;
        gen_json_pop(j, mark);
    }
    return GK_OK;
}

static enum gk_rc read_workspaces(struct gen_config *cfg, struct gen_json *j,
                                  const struct gen_json_node *arr)
{
    if (gen_json_kind(arr) != GEN_JSON_ARRAY)
        return gen_json_fail(j, "expected an array of workspaces, got %s",
                             gen_json_kind_name(arr));
    if (cfg->workspaces_from_file)
        return gen_json_fail(j, "workspaces were already read from a config file");
    size_t n = gen_json_count(arr), i = 0;
    cfg->workspaces_from_file = true;
    if (n == 0)
        return GK_OK;
    if ((cfg->workspaces = calloc(n, sizeof *cfg->workspaces)) == NULL)
        return no_memory(j->err);
    for (const struct gen_json_node *e = gen_json_child(arr); e != NULL;
         e = gen_json_next(e), i++) {
        size_t mark = gen_json_push_index(j, i);
        cfg->workspace_count = i + 1;
        enum gk_rc rc = read_workspace(j, e, &cfg->workspaces[i]);
        if (rc != GK_OK)
            return rc;
        gen_json_pop(j, mark);
    }
    return GK_OK;
}

/* The top-level "spaces" may be an array: joined with commas for the table. */
static enum gk_rc join_spaces(struct gen_json *j, const struct gen_json_node *arr,
                              char **out)
{
    size_t len = 1, i = 0;
    for (const struct gen_json_node *e = gen_json_child(arr); e != NULL;
         e = gen_json_next(e), i++) {
        if (gen_json_string(e) == NULL || strchr(gen_json_string(e), ',') != NULL) {
            gen_json_push_index(j, i);
            return gen_json_fail(j, "expected a space id");
        }
        len += strlen(gen_json_string(e)) + 1;
    }
    char *s = malloc(len), *p = s;
    if (s == NULL)
        return no_memory(j->err);
    *p = '\0';
    i = 0;
    for (const struct gen_json_node *e = gen_json_child(arr); e != NULL;
         e = gen_json_next(e), i++)
        p += sprintf(p, "%s%s", i > 0 ? "," : "", gen_json_string(e));
    *out = s;
    return GK_OK;
}

static enum gk_rc read_setting(struct gen_config *cfg, struct gen_json *j,
                               const struct gen_json_node *m)
{
    const char *key = gen_json_key(m);
    char num[NUM_TEXT_MAX], *joined = NULL;
    const char *text = gen_json_string(m);
    enum gk_rc rc;

    if (strcmp(key, "spaces") == 0 && gen_json_kind(m) == GEN_JSON_ARRAY) {
        if ((rc = join_spaces(j, m, &joined)) != GK_OK)
            return rc;
        text = joined;
    } else if (text == NULL && gen_json_kind(m) == GEN_JSON_NULL) {
        return gen_json_fail(j, "null: leave the key out for the default");
    } else if (text == NULL && !gen_json_scalar_text(m, num, sizeof num)) {
        return gen_json_fail(j, "expected a string, a number or a boolean, got %s%s",
                             gen_json_kind_name(m),
                             gen_json_kind(m) == GEN_JSON_NUMBER
                                 ? " beyond 2^53 (write it as a string)"
                                 : "");
    } else if (text == NULL) {
        text = num;
    }
    rc = gk_config_set(cfg->settings, GK_CONFIG_FROM_FILE, j->file, key, text, j->err);
    free(joined);
    return rc;
}

enum gk_rc gen_config_read_file(struct gen_config *cfg, const char *path,
                                struct gk_err *err)
{
    static const char *const single[] = {"host", "workspace_id", "spaces"};
    struct gen_json j;
    char *text = NULL;
    size_t len = 0;
    enum gk_rc rc = slurp(path, GEN_JSON_TEXT_MAX, &text, &len, err);

    if (rc != GK_OK)
        return rc;
    rc = gen_json_parse(&j, path, text, len, err);
    sodium_memzero(text, len);
    free(text);
    if (rc != GK_OK)
        return rc;
    for (const struct gen_json_node *m = gen_json_child(j.root); m != NULL && rc == GK_OK;
         m = gen_json_next(m)) {
        size_t mark = gen_json_push_key(&j, gen_json_key(m));
        if (strcmp(gen_json_key(m), "workspaces") == 0)
            rc = read_workspaces(cfg, &j, m);
        else
            rc = read_setting(cfg, &j, m);
        gen_json_pop(&j, mark);
    }
    for (size_t i = 0; i < 3 && rc == GK_OK; i++)
        if (gen_json_get(j.root, "workspaces") != NULL &&
            gen_json_get(j.root, single[i]) != NULL) {
            size_t mark = gen_json_push_key(&j, single[i]);
            rc = gen_json_fail(
                &j, "not next to \"workspaces\": give each workspace its %s", single[i]);
            gen_json_pop(&j, mark);
        }
    gen_json_cleanup(&j);
    return rc;
}

/* ---- ~/.databrickscfg ---- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 &&
           (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* One key = value line of the chosen section. */
static enum gk_rc profile_line(struct gen_config *cfg, char *line, const char *where,
                               bool *mine, struct gk_err *err)
{
    static const char *const keys[] = {"host", "token", "client_id", "client_secret"};
    size_t cut = strcspn(line, "=:");
    if (line[cut] == '\0')
        return gk_err_set(err, GK_BAD_CONFIG, "%s: expected key = value", where);
    line[cut] = '\0';
    char *key = trim(line), *value = trim(line + cut + 1);
    if (key[0] == '\0')
        return gk_err_set(err, GK_BAD_CONFIG, "%s: a value without a key", where);
    for (char *p = key; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    for (size_t k = 0; k < 4; k++) {
        enum gk_config_origin o = GK_CONFIG_FROM_DEFAULT;
        if (strcmp(key, keys[k]) != 0)
            continue;
        gk_config_source(cfg->settings, keys[k], &o, NULL, 0);
        if (o != GK_CONFIG_FROM_DEFAULT && !mine[k])
            return GK_OK; /* set by the config file, env or a flag: they rank higher */
        if (value[0] == '\0')
            return GK_OK; /* an empty value is no value (as for the environment) */
        mine[k] = true;
        return gk_config_set(cfg->settings, GK_CONFIG_FROM_FILE, where, keys[k], value,
                             err);
    }
    return GK_OK; /* cluster_id, auth_type, ...: not ours */
}

enum gk_rc gen_config_read_profile(struct gen_config *cfg, const char *path,
                                   const char *name, bool required, struct gk_err *err)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL, where[GK_ERR_MSG_MAX / 2];
    size_t cap = 0, lineno = 0;
    bool in_section = false, found = false, mine[4] = {false};
    ssize_t n;
    enum gk_rc rc = GK_OK;

    if (f == NULL && errno == ENOENT && !required)
        return GK_OK;
    if (f == NULL)
        return gk_err_set(err, required ? GK_BAD_CONFIG : GK_IO_ERROR,
                          "profile %s: cannot read %s: %s", name, path, strerror(errno));
    while (rc == GK_OK && (n = getline(&buf, &cap, f)) >= 0) {
        char *line = trim(buf);
        lineno++;
        if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
            continue;
        snprintf(where, sizeof where, "%s:%zu", path, lineno);
        if (line[0] == '[') {
            char *close = strrchr(line, ']');
            if (close == NULL || close[1] != '\0') {
                if (in_section)
                    rc = gk_err_set(err, GK_BAD_CONFIG, "%s: a section header without ]",
                                    where);
                in_section = false;
                continue;
            }
            *close = '\0';
            in_section = strcmp(trim(line + 1), name) == 0;
            found |= in_section;
        } else if (in_section) {
            rc = profile_line(cfg, line, where, mine, err);
        }
    }
    if (buf != NULL)
        sodium_memzero(buf, cap);
    free(buf);
    fclose(f);
    if (rc == GK_OK && !found && required)
        return gk_err_set(err, GK_BAD_CONFIG, "profile %s: no [%s] section in %s", name,
                          name, path);
    return rc;
}
