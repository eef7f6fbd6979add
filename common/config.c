/*
 * config: the table, the values it fills and where each came from (after
 * Redis's config.c: one table drives parsing, validation and reporting).
 *
 * Invariants:
 *  - Every value goes through set_row: parse and check bounds into a local
 *    union, then (only if the origin ranks high enough) copy what must be
 *    copied, and only when nothing can fail any more, store it. So a failed
 *    set changes nothing, and the slot's origin is always the origin of the
 *    value in the field.
 *  - String fields named by the table are NULL or a heap string owned by the
 *    config; init NULLs them before anything else so cleanup never frees a
 *    caller's garbage, and cleanup NULLs them again so it can run twice.
 *  - slots[i].where is non-NULL only for GK_CONFIG_FROM_FILE.
 *
 * Fields are read and written with memcpy at target + offset, so the
 * caller's struct needs no particular alignment knowledge here.
 */
#include "common/config.h"

#include <stdlib.h>
#include <string.h>

struct gk_config_slot {
    enum gk_config_origin origin;
    char *where; /* file position, owned; NULL for other origins */
};

union value {
    bool b;
    int64_t i;
    double d;
    char *s;
    int e;
};

#define QUOTE_MAX   64 /* see config_units.c */
#define SUGGEST_MAX 64 /* names longer than this get no "did you mean" */

static void *field_of(const struct gk_config *cfg, const struct gk_config_option *o)
{
    return (char *)cfg->target + o->offset;
}

/* Bytes of the caller's field per type. All members of union value start
 * at its first byte, so one memcpy of this size moves any of them. */
static size_t field_size(enum gk_config_type type)
{
    switch (type) {
    case GK_CONFIG_TYPE_BOOL:
        return sizeof(bool);
    case GK_CONFIG_TYPE_DOUBLE:
        return sizeof(double);
    case GK_CONFIG_TYPE_STRING:
        return sizeof(char *);
    case GK_CONFIG_TYPE_ENUM:
        return sizeof(int);
    default: /* INT64, DURATION, SIZE, COUNT */
        return sizeof(int64_t);
    }
}

static void load(const struct gk_config *cfg, const struct gk_config_option *o,
                 union value *v)
{
    memcpy(v, field_of(cfg, o), field_size(o->type));
}

static void store(struct gk_config *cfg, const struct gk_config_option *o,
                  const union value *v)
{
    memcpy(field_of(cfg, o), v, field_size(o->type));
}

/* Secrets are wiped before their memory goes back to the allocator. The
 * volatile pointer keeps the compiler from dropping stores to dying memory. */
static void free_string(char *s, bool secret)
{
    if (s != NULL && secret)
        for (volatile char *p = s; *p != '\0'; p++)
            *p = '\0';
    free(s);
}

static size_t find_key(const struct gk_config *cfg, const char *key)
{
    for (size_t i = 0; i < cfg->n_opts; i++)
        if (strcmp(cfg->opts[i].key, key) == 0)
            return i;
    return cfg->n_opts;
}

/* The row whose flag, without its "--", is name[0..len). */
static size_t find_flag(const struct gk_config *cfg, const char *name, size_t len)
{
    for (size_t i = 0; i < cfg->n_opts; i++) {
        const char *f = cfg->opts[i].flag;
        if (f != NULL && strncmp(f + 2, name, len) == 0 && f[2 + len] == '\0')
            return i;
    }
    return cfg->n_opts;
}

static void describe(const struct gk_config_option *o, enum gk_config_origin origin,
                     const char *where, char *buf, size_t cap)
{
    switch (origin) {
    case GK_CONFIG_FROM_FILE:
        snprintf(buf, cap, "file%s%s", where != NULL ? " " : "",
                 where != NULL ? where : "");
        break;
    case GK_CONFIG_FROM_ENV:
        snprintf(buf, cap, "env%s%s", o->env != NULL ? " " : "",
                 o->env != NULL ? o->env : "");
        break;
    case GK_CONFIG_FROM_FLAG:
        snprintf(buf, cap, "flag%s%s", o->flag != NULL ? " " : "",
                 o->flag != NULL ? o->flag : "");
        break;
    default:
        snprintf(buf, cap, "default");
        break;
    }
}

static bool has_bounds(const struct gk_config_option *o)
{
    return o->type == GK_CONFIG_TYPE_DOUBLE ? (o->dmin != 0 || o->dmax != 0)
                                            : (o->min != 0 || o->max != 0);
}

static bool in_bounds(const struct gk_config_option *o, const union value *v)
{
    if (!has_bounds(o))
        return true;
    if (o->type == GK_CONFIG_TYPE_DOUBLE)
        return v->d >= o->dmin && v->d <= o->dmax;
    return v->i >= o->min && v->i <= o->max;
}

/* "expected a duration from 1s to 10m, got "20m"" into err (no key yet). */
static enum gk_rc bounds_error(const struct gk_config_option *o, const char *text,
                               struct gk_err *err)
{
    static const char *const what[] = {
        [GK_CONFIG_TYPE_INT64] = "an integer",    [GK_CONFIG_TYPE_DOUBLE] = "a number",
        [GK_CONFIG_TYPE_DURATION] = "a duration", [GK_CONFIG_TYPE_SIZE] = "a size",
        [GK_CONFIG_TYPE_COUNT] = "a count",
    };
    char bounds[GK_CONFIG_BOUNDS_MAX], q[QUOTE_MAX];
    return gk_err_set(err, GK_BAD_CONFIG, "expected %s %s, got %s",
                      what[o->type] != NULL ? what[o->type] : "a value",
                      gk_config_format_bounds(o, bounds, sizeof bounds),
                      gk_config_quote(text, q, sizeof q));
}

/*
 * Parses text for row o into *v (a fresh heap copy for strings) and checks
 * the row's bounds. NULL text means the zero value (only defaults pass it).
 * For INT64 and DOUBLE rows with bounds, every failure reads "expected ...
 * from A to B": that says more than "expected a number". The unit types keep
 * the parser's message (an unknown unit is more useful to hear about).
 */
static enum gk_rc parse_value(const struct gk_config_option *o, const char *text,
                              union value *v, struct gk_err *err)
{
    bool bounded = has_bounds(o);
    enum gk_rc rc = GK_OK;

    memset(v, 0, sizeof *v);
    if (text == NULL)
        return in_bounds(o, v) ? GK_OK : bounds_error(o, text, err);
    switch (o->type) {
    case GK_CONFIG_TYPE_BOOL:
        return gk_config_parse_bool(text, &v->b, err);
    case GK_CONFIG_TYPE_ENUM:
        return gk_config_parse_enum(text, o->names, &v->e, err);
    case GK_CONFIG_TYPE_STRING:
        v->s = strdup(text);
        return v->s != NULL ? GK_OK : gk_err_set(err, GK_OUT_OF_MEMORY, "out of memory");
    case GK_CONFIG_TYPE_INT64:
        rc = gk_config_parse_int64(text, &v->i, bounded ? NULL : err);
        break;
    case GK_CONFIG_TYPE_DOUBLE:
        rc = gk_config_parse_double(text, &v->d, bounded ? NULL : err);
        break;
    case GK_CONFIG_TYPE_DURATION:
        if ((rc = gk_config_parse_duration(text, &v->i, err)) != GK_OK)
            return rc;
        break;
    case GK_CONFIG_TYPE_SIZE:
        if ((rc = gk_config_parse_size(text, &v->i, err)) != GK_OK)
            return rc;
        break;
    case GK_CONFIG_TYPE_COUNT:
        if ((rc = gk_config_parse_count(text, &v->i, err)) != GK_OK)
            return rc;
        break;
    }
    if (rc != GK_OK && !bounded)
        return rc;
    return rc == GK_OK && in_bounds(o, v) ? GK_OK : bounds_error(o, text, err);
}

static enum gk_rc set_row(struct gk_config *cfg, size_t i, enum gk_config_origin origin,
                          const char *where, const char *text, struct gk_err *err)
{
    const struct gk_config_option *o = &cfg->opts[i];
    struct gk_config_slot *slot = &cfg->slots[i];
    char src[GK_CONFIG_SOURCE_MAX];
    struct gk_err local = {0};
    union value v, old;

    describe(o, origin, where, src, sizeof src);
    if ((o->flags & GK_CONFIG_CLI_ONLY) && origin != GK_CONFIG_FROM_FLAG &&
        origin != GK_CONFIG_FROM_DEFAULT)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "%s (%s): only accepted on the command line", o->key, src);
    if (text == NULL && origin != GK_CONFIG_FROM_DEFAULT)
        return gk_err_set(err, GK_BAD_CONFIG, "%s (%s): missing value", o->key, src);
    if (parse_value(o, text, &v, &local) != GK_OK)
        return gk_err_set(err, local.rc, "%s (%s): %s", o->key, src, local.msg);

    bool secret = (o->flags & GK_CONFIG_SECRET) != 0;
    char *where_copy = NULL;
    if (origin < slot->origin) {
        /* Outranked: validated, and that is all. */
        if (o->type == GK_CONFIG_TYPE_STRING)
            free_string(v.s, secret);
        return GK_OK;
    }
    if (origin == GK_CONFIG_FROM_FILE && where != NULL &&
        (where_copy = strdup(where)) == NULL) {
        if (o->type == GK_CONFIG_TYPE_STRING)
            free_string(v.s, secret);
        return gk_err_set(err, GK_OUT_OF_MEMORY, "%s (%s): out of memory", o->key, src);
    }
    /* Nothing can fail from here on. */
    if (o->type == GK_CONFIG_TYPE_STRING) {
        load(cfg, o, &old);
        free_string(old.s, secret);
    }
    store(cfg, o, &v);
    free(slot->where);
    slot->where = where_copy;
    slot->origin = origin;
    return GK_OK;
}

/* Optimal string alignment distance (an adjacent swap costs 1), for names of
 * at most SUGGEST_MAX bytes. Three rolling rows of the usual table. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t rows[3][SUGGEST_MAX + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];

    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

/*
 * Writes into buf the closest key (flags false) or flag (flags true, given
 * and candidates compared without their "--", "--no-x" included for bool
 * rows) to name, if it is close enough to be a typo. Returns whether it did.
 */
static bool suggest(const struct gk_config *cfg, const char *name, bool flags, char *buf,
                    size_t cap)
{
    size_t len = strlen(name), best = SIZE_MAX;
    if (flags)
        for (int k = 0; k < 2 && len > 0 && *name == '-'; k++, len--)
            name++;
    if (len == 0 || len > SUGGEST_MAX)
        return false;
    size_t limit = len <= 2 ? 0 : len <= 5 ? 1 : len <= 9 ? 2 : 3;
    for (size_t i = 0; i < cfg->n_opts; i++) {
        const struct gk_config_option *o = &cfg->opts[i];
        const char *cand = flags ? o->flag : o->key;
        if (cand == NULL || (!flags && (o->flags & GK_CONFIG_CLI_ONLY)))
            continue;
        if (flags)
            cand += 2;
        for (int neg = 0; neg < (flags && o->type == GK_CONFIG_TYPE_BOOL ? 2 : 1);
             neg++) {
            char full[SUGGEST_MAX + 1];
            int n = snprintf(full, sizeof full, "%s%s", neg ? "no-" : "", cand);
            if (n < 0 || (size_t)n >= sizeof full)
                continue;
            size_t d = edit_distance(name, len, full, (size_t)n);
            if (d <= limit && d < best) {
                best = d;
                snprintf(buf, cap, "%s%s", flags ? "--" : "", full);
            }
        }
    }
    return best != SIZE_MAX;
}

static enum gk_rc validate_table(const struct gk_config_option *opts, size_t n,
                                 void *target, struct gk_err *err)
{
    if (n > 0 && (opts == NULL || target == NULL))
        return gk_err_set(err, GK_BAD_CONFIG, "config table: no rows or no target");
    for (size_t i = 0; i < n; i++) {
        const struct gk_config_option *o = &opts[i];
        const char *k = o->key != NULL ? o->key : "(null)";
        if (o->key == NULL || o->key[0] == '\0')
            return gk_err_set(err, GK_BAD_CONFIG, "config table row %zu: no key", i);
        if ((unsigned)o->type > GK_CONFIG_TYPE_ENUM)
            return gk_err_set(err, GK_BAD_CONFIG, "config table row %zu (%s): bad type",
                              i, k);
        if (o->flag != NULL && (strncmp(o->flag, "--", 2) != 0 || o->flag[2] == '\0' ||
                                strchr(o->flag, '=') != NULL))
            return gk_err_set(err, GK_BAD_CONFIG,
                              "config table row %zu (%s): flag must look like --name", i,
                              k);
        if (o->type == GK_CONFIG_TYPE_ENUM && (o->names == NULL || o->names[0] == NULL))
            return gk_err_set(err, GK_BAD_CONFIG,
                              "config table row %zu (%s): no enum names", i, k);
        if ((o->flags & GK_CONFIG_CLI_ONLY) && o->env != NULL)
            return gk_err_set(err, GK_BAD_CONFIG,
                              "config table row %zu (%s): command-line only but has env",
                              i, k);
        bool numeric = o->type != GK_CONFIG_TYPE_BOOL &&
                       o->type != GK_CONFIG_TYPE_STRING && o->type != GK_CONFIG_TYPE_ENUM;
        if (!numeric && (o->min != 0 || o->max != 0 || o->dmin != 0 || o->dmax != 0))
            return gk_err_set(err, GK_BAD_CONFIG,
                              "config table row %zu (%s): bounds on a non-numeric row", i,
                              k);
        if (o->min > o->max || o->dmin > o->dmax)
            return gk_err_set(err, GK_BAD_CONFIG, "config table row %zu (%s): min > max",
                              i, k);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(opts[j].key, o->key) == 0)
                return gk_err_set(err, GK_BAD_CONFIG,
                                  "config table row %zu: duplicate key %s", i, k);
            if (o->flag != NULL && opts[j].flag != NULL &&
                strcmp(opts[j].flag, o->flag) == 0)
                return gk_err_set(err, GK_BAD_CONFIG,
                                  "config table row %zu (%s): duplicate flag %s", i, k,
                                  o->flag);
        }
    }
    return GK_OK;
}

enum gk_rc gk_config_init(struct gk_config *cfg, const struct gk_config_option *opts,
                          size_t n_opts, void *target, struct gk_err *err)
{
    memset(cfg, 0, sizeof *cfg);
    enum gk_rc rc = validate_table(opts, n_opts, target, err);
    if (rc != GK_OK)
        return rc;
    cfg->slots = calloc(n_opts > 0 ? n_opts : 1, sizeof *cfg->slots);
    if (cfg->slots == NULL)
        return gk_err_set(err, GK_OUT_OF_MEMORY, "config: out of memory");
    cfg->opts = opts;
    cfg->n_opts = n_opts;
    cfg->target = target;

    union value zero;
    memset(&zero, 0, sizeof zero); /* = {0} would zero only the first member */
    for (size_t i = 0; i < n_opts; i++)
        store(cfg, &opts[i], &zero);
    for (size_t i = 0; i < n_opts; i++) {
        rc = set_row(cfg, i, GK_CONFIG_FROM_DEFAULT, NULL, opts[i].default_value, err);
        if (rc != GK_OK) {
            gk_config_cleanup(cfg);
            return rc;
        }
    }
    return GK_OK;
}

void gk_config_cleanup(struct gk_config *cfg)
{
    if (cfg == NULL || cfg->slots == NULL)
        return;
    for (size_t i = 0; i < cfg->n_opts; i++) {
        const struct gk_config_option *o = &cfg->opts[i];
        if (o->type == GK_CONFIG_TYPE_STRING) {
            union value v;
            load(cfg, o, &v);
            free_string(v.s, (o->flags & GK_CONFIG_SECRET) != 0);
            v.s = NULL;
            store(cfg, o, &v);
        }
        free(cfg->slots[i].where);
    }
    free(cfg->slots);
    memset(cfg, 0, sizeof *cfg);
}

enum gk_rc gk_config_set(struct gk_config *cfg, enum gk_config_origin origin,
                         const char *where, const char *key, const char *text,
                         struct gk_err *err)
{
    char src[GK_CONFIG_SOURCE_MAX], q[QUOTE_MAX], hint[SUGGEST_MAX + 8];
    size_t i = key != NULL ? find_key(cfg, key) : cfg->n_opts;

    if ((unsigned)origin > GK_CONFIG_FROM_FLAG)
        return gk_err_set(err, GK_BAD_CONFIG, "%s: bad origin %d",
                          gk_config_quote(key, q, sizeof q), (int)origin);
    if (i == cfg->n_opts) {
        static const struct gk_config_option none = {0};
        describe(&none, origin, where, src, sizeof src);
        bool close = key != NULL && suggest(cfg, key, false, hint, sizeof hint);
        return gk_err_set(err, GK_BAD_CONFIG, "unknown key %s (%s)%s%s%s",
                          gk_config_quote(key, q, sizeof q), src,
                          close ? "; did you mean " : "", close ? hint : "",
                          close ? "?" : "");
    }
    return set_row(cfg, i, origin, where, text, err);
}

enum gk_rc gk_config_load_env(struct gk_config *cfg,
                              const char *(*lookup)(const char *name, void *ctx),
                              void *ctx, struct gk_err *err)
{
    for (size_t i = 0; i < cfg->n_opts; i++) {
        const char *name = cfg->opts[i].env;
        if (name == NULL)
            continue;
        const char *v = lookup != NULL ? lookup(name, ctx) : getenv(name);
        if (v == NULL || v[0] == '\0')
            continue;
        enum gk_rc rc = set_row(cfg, i, GK_CONFIG_FROM_ENV, NULL, v, err);
        if (rc != GK_OK)
            return rc;
    }
    return GK_OK;
}

/* arg[0..len) is the option's name, without any "=value". */
static enum gk_rc unknown_option(const struct gk_config *cfg, const char *arg, size_t len,
                                 struct gk_err *err)
{
    char name[SUGGEST_MAX + 1], q[QUOTE_MAX], hint[SUGGEST_MAX + 8];
    snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1),
             arg);
    bool close = len < sizeof name && suggest(cfg, name, true, hint, sizeof hint);
    return gk_err_set(err, GK_BAD_CONFIG, "unknown option %s%s%s%s",
                      gk_config_quote(name, q, sizeof q), close ? "; did you mean " : "",
                      close ? hint : "", close ? "?" : "");
}

enum gk_rc gk_config_parse_args(struct gk_config *cfg, int argc, char *const argv[],
                                char *positional[], int *n_positional, struct gk_err *err)
{
    char q[QUOTE_MAX];
    bool options_done = false;
    int np = 0;

    if (n_positional != NULL)
        *n_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            if (positional == NULL)
                return gk_err_set(err, GK_BAD_CONFIG, "unexpected argument %s",
                                  gk_config_quote(arg, q, sizeof q));
            positional[np++] = argv[i];
            if (n_positional != NULL)
                *n_positional = np;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        if (arg[1] != '-')
            return unknown_option(cfg, arg, name_len, err);

        size_t row = find_flag(cfg, arg + 2, name_len - 2);
        const char *value = eq != NULL ? eq + 1 : NULL;

        if (row == cfg->n_opts && strncmp(arg, "--no-", 5) == 0) {
            /* "--no-x" is "--x" turned off, for bool rows only. Once a row
             * matched, arg's name is known text and safe to print as is. */
            row = find_flag(cfg, arg + 5, name_len - 5);
            if (row == cfg->n_opts)
                return unknown_option(cfg, arg, name_len, err);
            if (cfg->opts[row].type != GK_CONFIG_TYPE_BOOL)
                return gk_err_set(
                    err, GK_BAD_CONFIG,
                    "unknown option \"%.*s\" (%s is not a true/false option)",
                    (int)name_len, arg, cfg->opts[row].flag);
            if (eq != NULL)
                return gk_err_set(err, GK_BAD_CONFIG, "%s (flag %.*s): takes no value",
                                  cfg->opts[row].key, (int)name_len, arg);
            value = "false";
        } else if (row == cfg->n_opts) {
            return unknown_option(cfg, arg, name_len, err);
        } else if (value == NULL && cfg->opts[row].type == GK_CONFIG_TYPE_BOOL) {
            value = "true";
        } else if (value == NULL) {
            if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)
                return gk_err_set(
                    err, GK_BAD_CONFIG,
                    "%s (flag %s): missing value (write %s=VALUE if it starts "
                    "with --)",
                    cfg->opts[row].key, cfg->opts[row].flag, cfg->opts[row].flag);
            value = argv[++i];
        }
        enum gk_rc rc = set_row(cfg, row, GK_CONFIG_FROM_FLAG, NULL, value, err);
        if (rc != GK_OK)
            return rc;
    }
    return GK_OK;
}

const char *gk_config_source(const struct gk_config *cfg, const char *key,
                             enum gk_config_origin *origin, char *buf, size_t cap)
{
    size_t i = key != NULL ? find_key(cfg, key) : cfg->n_opts;
    if (i == cfg->n_opts)
        return NULL;
    if (origin != NULL)
        *origin = cfg->slots[i].origin;
    describe(&cfg->opts[i], cfg->slots[i].origin, cfg->slots[i].where, buf, cap);
    return buf;
}

const char *gk_config_format_value(const struct gk_config *cfg, const char *key,
                                   char *buf, size_t cap)
{
    size_t i = key != NULL ? find_key(cfg, key) : cfg->n_opts;
    if (i == cfg->n_opts)
        return NULL;
    const struct gk_config_option *o = &cfg->opts[i];
    union value v;
    load(cfg, o, &v);
    switch (o->type) {
    case GK_CONFIG_TYPE_BOOL:
        snprintf(buf, cap, "%s", v.b ? "true" : "false");
        break;
    case GK_CONFIG_TYPE_INT64:
        snprintf(buf, cap, "%lld", (long long)v.i);
        break;
    case GK_CONFIG_TYPE_DOUBLE:
        gk_config_format_double(v.d, buf, cap);
        break;
    case GK_CONFIG_TYPE_DURATION:
        gk_config_format_duration(v.i, buf, cap);
        break;
    case GK_CONFIG_TYPE_SIZE:
        gk_config_format_size(v.i, buf, cap);
        break;
    case GK_CONFIG_TYPE_COUNT:
        gk_config_format_count(v.i, buf, cap);
        break;
    case GK_CONFIG_TYPE_STRING:
        if (v.s == NULL)
            snprintf(buf, cap, "(unset)");
        else
            gk_config_quote(v.s, buf, cap);
        break;
    case GK_CONFIG_TYPE_ENUM: {
        int n = 0;
        while (o->names[n] != NULL)
            n++;
        if (v.e >= 0 && v.e < n)
            snprintf(buf, cap, "%s", o->names[v.e]);
        else
            snprintf(buf, cap, "%d", v.e);
        break;
    }
    }
    return buf;
}
