/*
 * plan: question banks, read with cJSON, strictly. Matching a bank to a
 * space is in plan_match.c; building, estimating and printing the plan in
 * plan_build.c.
 *
 * A bank file is read whole (at most GEN_BANK_FILE_MAX bytes), copied into a
 * NUL-terminated buffer (cJSON may look one byte past a length-bounded
 * buffer in some versions) and parsed with cJSON_ParseWithLengthOpts; the
 * tree never leaves this file. Every message starts with the file's base
 * name and names the key and index, so a user can fix a bank from the
 * message alone.
 *
 * Invariant of a loaded struct gen_banks: count >= 1, domains distinct
 * (case-insensitively), banks[fallback].domain == GEN_BANK_FALLBACK.
 */
#include "generator/plan.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- small helpers ---- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

static void free_strs(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "something else";
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned cp;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1fu;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0fu;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF. */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* NULL when s is acceptable text, else what is wrong with it. */
static const char *text_problem(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0)
        return "empty";
    if (n > max)
        return "too long";
    bool visible = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return "control characters are not allowed";
        size_t len = utf8_len((const unsigned char *)s + i, n - i);
        if (len == 0)
            return "not valid UTF-8";
        if (c != ' ')
            visible = true;
        i += len;
    }
    return visible ? NULL : "empty";
}

static bool is_word_byte(unsigned char c)
{
    return c >= 0x80 || isalnum(c);
}

/* ---- one bank ---- */

/* A parse in progress: the file name for messages and the error sink. */
struct reader {
    const char *file;
    struct gk_err *err;
};

static enum gk_rc fail(struct reader *r, const char *key, const char *what)
{
    return gk_err_set(r->err, GK_BAD_CONFIG, "%s: %s: %s", r->file, key, what);
}

static enum gk_rc fail_at(struct reader *r, const char *key, size_t i, const char *what)
{
    return gk_err_set(r->err, GK_BAD_CONFIG, "%s: %s[%zu]: %s", r->file, key, i, what);
}

static enum gk_rc read_domain(struct reader *r, const cJSON *v, struct gen_bank *b)
{
    if (!cJSON_IsString(v))
        return gk_err_set(r->err, GK_BAD_CONFIG, "%s: domain: expected a string, got %s",
                          r->file, type_name(v));
    const char *s = v->valuestring;
    size_t n = strlen(s);
    if (n == 0 || n > GEN_BANK_WORD_MAX)
        return gk_err_set(r->err, GK_BAD_CONFIG, "%s: domain: must be 1 to %d bytes",
                          r->file, GEN_BANK_WORD_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(islower(c) || isdigit(c) || c == '-' || c == '_'))
            return gk_err_set(r->err, GK_BAD_CONFIG,
                              "%s: domain: \"%s\": use lower-case letters, digits, "
                              "'-' and '_'",
                              r->file, s);
    }
    b->domain = dup_str(s);
    return b->domain != NULL ? GK_OK
                             : gk_err_set(r->err, GK_OUT_OF_MEMORY, "%s", r->file);
}

/* A question and its place in its list, for check_repeats. */
struct entry {
    const char *text;
    size_t index;
};

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/*
 * A question that repeats an earlier one of its list is an error naming
 * both: the first repeat in list order. Sorted, so a long list costs
 * n log n comparisons rather than n^2.
 */
static enum gk_rc check_repeats(struct reader *r, const char *key, char **v, size_t n)
{
    if (n < 2)
        return GK_OK;
    struct entry *e = malloc(n * sizeof *e);
    if (e == NULL)
        return gk_err_set(r->err, GK_OUT_OF_MEMORY, "%s: %s", r->file, key);
    for (size_t i = 0; i < n; i++)
        e[i] = (struct entry){v[i], i};
    qsort(e, n, sizeof *e, cmp_entry);
    /* Equal texts are adjacent, each run in list order: a run's first entry
     * is the original, its second the first repeat of it. */
    size_t repeat = n, orig = 0;
    for (size_t k = 1; k < n; k++)
        if (strcmp(e[k].text, e[k - 1].text) == 0 && e[k].index < repeat) {
            repeat = e[k].index;
            orig = e[k - 1].index;
        }
    free(e);
    if (repeat == n)
        return GK_OK;
    return gk_err_set(r->err, GK_BAD_CONFIG, "%s: %s[%zu]: same as %s[%zu]", r->file, key,
                      repeat, key, orig);
}

/*
 * Reads the array of strings v (key `key`) into a fresh vector. Texts are
 * questions (at least `min` of them, distinct); otherwise match words
 * (lower-cased, each with a word in it).
 */
static enum gk_rc read_strings(struct reader *r, const char *key, const cJSON *v,
                               bool texts, size_t min, char ***out, size_t *count)
{
    if (!cJSON_IsArray(v))
        return gk_err_set(r->err, GK_BAD_CONFIG, "%s: %s: expected an array, got %s",
                          r->file, key, type_name(v));
    size_t n = (size_t)cJSON_GetArraySize(v);
    if (n < min)
        return gk_err_set(r->err, GK_BAD_CONFIG,
                          "%s: %s: expected at least %zu question%s, got %zu", r->file,
                          key, min, min == 1 ? "" : "s", n);
    char **vec = calloc(n > 0 ? n : 1, sizeof *vec);
    if (vec == NULL)
        return gk_err_set(r->err, GK_OUT_OF_MEMORY, "%s: %s", r->file, key);
    size_t i = 0;
    enum gk_rc rc = GK_OK;
    for (const cJSON *e = v->child; e != NULL && rc == GK_OK; e = e->next, i++) {
        if (!cJSON_IsString(e)) {
            char what[64];
            snprintf(what, sizeof what, "expected a string, got %s", type_name(e));
            rc = fail_at(r, key, i, what);
            break;
        }
        const char *problem =
            text_problem(e->valuestring, texts ? GEN_BANK_TEXT_MAX : GEN_BANK_WORD_MAX);
        if (problem == NULL && !texts) {
            problem = "no letter or digit in it";
            for (const char *c = e->valuestring; *c != '\0'; c++)
                if (is_word_byte((unsigned char)*c))
                    problem = NULL;
        }
        if (problem != NULL) {
            rc = fail_at(r, key, i, problem);
            break;
        }
        if ((vec[i] = dup_str(e->valuestring)) == NULL) {
            rc = gk_err_set(r->err, GK_OUT_OF_MEMORY, "%s: %s", r->file, key);
            break;
        }
        for (char *c = vec[i]; !texts && *c != '\0'; c++)
            *c = (char)tolower((unsigned char)*c);
    }
    if (rc == GK_OK && texts)
        rc = check_repeats(r, key, vec, n);
    if (rc != GK_OK) {
        free_strs(vec, n);
        return rc;
    }
    *out = vec;
    *count = n;
    return GK_OK;
}

static const char *const bank_keys[] = {"domain", "match", "starters", "follow_ups"};
#define BANK_KEYS (sizeof bank_keys / sizeof bank_keys[0])

static enum gk_rc read_bank(struct reader *r, const cJSON *root, struct gen_bank *b)
{
    const cJSON *val[BANK_KEYS] = {NULL};
    for (const cJSON *e = root->child; e != NULL; e = e->next) {
        size_t k = 0;
        while (k < BANK_KEYS && strcmp(e->string, bank_keys[k]) != 0)
            k++;
        if (k == BANK_KEYS)
            return gk_err_set(r->err, GK_BAD_CONFIG,
                              "%s: %.64s: unknown key (expected domain, match, starters, "
                              "follow_ups)",
                              r->file, e->string);
        if (val[k] != NULL)
            return fail(r, bank_keys[k], "duplicate key");
        val[k] = e;
    }
    for (size_t k = 0; k < BANK_KEYS; k++)
        if (val[k] == NULL)
            return fail(r, bank_keys[k], "missing");
    enum gk_rc rc = read_domain(r, val[0], b);
    if (rc == GK_OK)
        rc = read_strings(r, "match", val[1], false, 0, &b->match, &b->match_count);
    if (rc == GK_OK)
        rc =
            read_strings(r, "starters", val[2], true, 1, &b->starters, &b->starter_count);
    if (rc == GK_OK)
        rc = read_strings(r, "follow_ups", val[3], true, 1, &b->follow_ups,
                          &b->follow_up_count);
    return rc;
}

/* 1-based line of byte `at` of json. */
static size_t line_of(const char *json, size_t at)
{
    size_t line = 1;
    for (size_t i = 0; i < at; i++)
        line += json[i] == '\n';
    return line;
}

enum gk_rc gen_bank_parse(struct gen_bank *bank, const char *file, const char *json,
                          size_t len, struct gk_err *err)
{
    memset(bank, 0, sizeof *bank);
    struct reader r = {file != NULL ? file : "(bank)", err};
    if (len > GEN_BANK_FILE_MAX)
        return gk_err_set(err, GK_BAD_CONFIG, "%s: larger than %d bytes", r.file,
                          GEN_BANK_FILE_MAX);
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "%s: no memory", r.file);
    if (len > 0)
        memcpy(copy, json, len);
    copy[len] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, false);
    enum gk_rc rc = GK_OK;
    if (root == NULL) {
        size_t at =
            end != NULL && end >= copy && end <= copy + len ? (size_t)(end - copy) : len;
        rc = gk_err_set(err, GK_BAD_CONFIG, "%s: not valid JSON (line %zu, byte %zu)",
                        r.file, line_of(copy, at), at);
    } else {
        size_t at = (size_t)(end - copy);
        while (at < len && isspace((unsigned char)copy[at]))
            at++;
        if (at < len)
            rc = gk_err_set(err, GK_BAD_CONFIG,
                            "%s: unexpected text after the JSON value (line %zu)", r.file,
                            line_of(copy, at));
        else if (!cJSON_IsObject(root))
            rc = gk_err_set(err, GK_BAD_CONFIG, "%s: expected a JSON object, got %s",
                            r.file, type_name(root));
    }
    if (rc == GK_OK && (bank->file = dup_str(r.file)) == NULL)
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, "%s: no memory", r.file);
    if (rc == GK_OK)
        rc = read_bank(&r, root, bank);
    cJSON_Delete(root);
    free(copy);
    if (rc != GK_OK)
        gen_bank_cleanup(bank);
    return rc;
}

void gen_bank_cleanup(struct gen_bank *bank)
{
    if (bank == NULL)
        return;
    free(bank->file);
    free(bank->domain);
    free_strs(bank->match, bank->match_count);
    free_strs(bank->starters, bank->starter_count);
    free_strs(bank->follow_ups, bank->follow_up_count);
    memset(bank, 0, sizeof *bank);
}

/* ---- every bank of a directory ---- */

void gen_banks_cleanup(struct gen_banks *banks)
{
    if (banks == NULL)
        return;
    for (size_t i = 0; i < banks->count; i++)
        gen_bank_cleanup(&banks->banks[i]);
    free(banks->banks);
    memset(banks, 0, sizeof *banks);
}

enum gk_rc gen_banks_adopt(struct gen_banks *banks, struct gen_bank *given, size_t count,
                           struct gk_err *err)
{
    memset(banks, 0, sizeof *banks);
    enum gk_rc rc = GK_OK;
    bool have_fallback = false;
    if (count == 0)
        rc = gk_err_set(err, GK_BAD_CONFIG, "questions_dir: no question banks (*.json)");
    for (size_t i = 0; i < count && rc == GK_OK; i++) {
        for (size_t j = 0; j < i && rc == GK_OK; j++)
            if (strcasecmp(given[i].domain, given[j].domain) == 0)
                rc = gk_err_set(err, GK_BAD_CONFIG,
                                "%s: domain: \"%s\" is also the domain of %s",
                                given[i].file, given[i].domain, given[j].file);
        if (strcmp(given[i].domain, GEN_BANK_FALLBACK) == 0) {
            have_fallback = true;
            banks->fallback = i;
        }
    }
    if (rc == GK_OK && !have_fallback)
        rc = gk_err_set(err, GK_BAD_CONFIG,
                        "questions_dir: no \"%s\" bank (the fallback for spaces no "
                        "bank matches)",
                        GEN_BANK_FALLBACK);
    if (rc == GK_OK && (banks->banks = malloc(count * sizeof *banks->banks)) == NULL)
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, "questions_dir: no memory");
    if (rc != GK_OK) {
        for (size_t i = 0; i < count; i++)
            gen_bank_cleanup(&given[i]);
        memset(banks, 0, sizeof *banks);
        return rc;
    }
    memcpy(banks->banks, given, count * sizeof *given);
    banks->count = count;
    return GK_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json regular files of dir (not hidden), sorted: an owned vector. */
static enum gk_rc list_banks(const char *dir, char ***names, size_t *count,
                             struct gk_err *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return gk_err_set(err, GK_IO_ERROR, "questions_dir: cannot open \"%s\": %s", dir,
                          strerror(errno));
    char **v = NULL;
    size_t n = 0, cap = 0;
    enum gk_rc rc = GK_OK;
    struct dirent *e;
    while (rc == GK_OK && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nv = realloc(v, ncap * sizeof *nv);
            if (nv == NULL) {
                rc = gk_err_set(err, GK_OUT_OF_MEMORY, "questions_dir: no memory");
                break;
            }
            v = nv;
            cap = ncap;
        }
        if ((v[n] = dup_str(e->d_name)) == NULL)
            rc = gk_err_set(err, GK_OUT_OF_MEMORY, "questions_dir: no memory");
        else
            n++;
    }
    closedir(d);
    if (rc != GK_OK) {
        free_strs(v, n);
        return rc;
    }
    if (n > 0)
        qsort(v, n, sizeof *v, cmp_names);
    *names = v;
    *count = n;
    return GK_OK;
}

/* Reads dir/name (a regular file of at most GEN_BANK_FILE_MAX bytes). */
static enum gk_rc read_file(const char *dir, const char *name, char **data, size_t *len,
                            bool *skip, struct gk_err *err)
{
    *skip = false;
    size_t plen = strlen(dir) + strlen(name) + 2;
    char *path = malloc(plen);
    if (path == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "%s: no memory", name);
    snprintf(path, plen, "%s/%s", dir, name);
    enum gk_rc rc = GK_OK;
    struct stat st;
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    if (f == NULL || fstat(fileno(f), &st) != 0) {
        rc = gk_err_set(err, GK_IO_ERROR, "%s: cannot read: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        *skip = true; /* a directory named x.json, a fifo: not a bank */
    } else if (st.st_size > GEN_BANK_FILE_MAX) {
        rc = gk_err_set(err, GK_BAD_CONFIG, "%s: larger than %d bytes", name,
                        GEN_BANK_FILE_MAX);
    } else if ((buf = malloc(GEN_BANK_FILE_MAX + 1)) == NULL) {
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, "%s: no memory", name);
    } else {
        /* Read to EOF with a cap: the file may have grown since fstat. */
        n = fread(buf, 1, GEN_BANK_FILE_MAX + 1, f);
        if (ferror(f))
            rc = gk_err_set(err, GK_IO_ERROR, "%s: cannot read: %s", path,
                            strerror(errno));
        else if (n > GEN_BANK_FILE_MAX)
            rc = gk_err_set(err, GK_BAD_CONFIG, "%s: larger than %d bytes", name,
                            GEN_BANK_FILE_MAX);
    }
    if (f != NULL)
        fclose(f);
    free(path);
    if (rc != GK_OK || *skip) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return GK_OK;
}

enum gk_rc gen_banks_load(struct gen_banks *banks, const char *dir, struct gk_err *err)
{
    memset(banks, 0, sizeof *banks);
    if (dir == NULL || *dir == '\0')
        return gk_err_set(err, GK_BAD_CONFIG, "questions_dir: empty");
    char **names = NULL;
    size_t count = 0;
    enum gk_rc rc = list_banks(dir, &names, &count, err);
    if (rc != GK_OK)
        return rc;
    struct gen_bank *v = calloc(count > 0 ? count : 1, sizeof *v);
    size_t n = 0;
    if (v == NULL)
        rc = gk_err_set(err, GK_OUT_OF_MEMORY, "questions_dir: no memory");
    for (size_t i = 0; i < count && rc == GK_OK; i++) {
        char *data = NULL;
        size_t len = 0;
        bool skip;
        rc = read_file(dir, names[i], &data, &len, &skip, err);
        if (rc == GK_OK && !skip) {
            rc = gen_bank_parse(&v[n], names[i], data, len, err);
            if (rc == GK_OK)
                n++;
        }
        free(data);
    }
    free_strs(names, count);
    if (rc == GK_OK && n == 0)
        rc = gk_err_set(err, GK_BAD_CONFIG,
                        "questions_dir: no question banks (*.json) in \"%s\"", dir);
    if (rc == GK_OK)
        rc = gen_banks_adopt(banks, v, n, err); /* frees the banks on error */
    else
        for (size_t i = 0; i < n; i++)
            gen_bank_cleanup(&v[i]);
    free(v);
    return rc;
}
