/*
 * config_units: text <-> value for each config type, after wrk's units.c
 * (`10k`, `500ms`) but exact and overflow-checked.
 *
 * Durations, sizes and counts share one parser, parse_scaled: a decimal
 * number with an optional fraction, then a unit from the type's table. The
 * value is computed in integers, never through a double, so "0.1s" is
 * exactly 100000 us and "1.5KiB" exactly 1536 bytes:
 *
 *     value = int_part * mult + frac_digits * mult / 10^k
 *
 * where the fraction term must come out whole (else "not a whole number of
 * bytes"). Dividing mult and 10^k by their gcd first keeps every product
 * below mult, so only int_part * mult + frac can overflow, and that sum is
 * checked against INT64_MAX before it is formed.
 *
 * Every parser works on a trimmed view (pointer + length) of its input and
 * never reads past the terminating NUL. Messages quote the input with
 * gk_config_quote, so a hostile value cannot inject newlines into logs.
 */
#include "common/config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A value's text in messages: enough to recognise, short enough to leave the
 * key and source readable within GK_ERR_MSG_MAX. */
#define QUOTE_MAX 64

struct unit {
    const char *name;
    int64_t mult;
};

struct scaled_type {
    const char *what;      /* "duration" */
    const char *examples;  /* for a value that is not a number at all */
    const char *whole;     /* what a fraction of the base unit is not */
    const char *unit_list; /* for an unknown unit */
    const char *bare_name; /* how to show the bare unit in "at most" errors */
    const struct unit *units;
    size_t n_units;
};

static const struct unit duration_units[] = {
    {"", 1000000},  {"us", 1},       {"ms", 1000},
    {"s", 1000000}, {"m", 60000000}, {"h", 3600000000},
};
static const struct unit size_units[] = {
    {"", 1},          {"B", 1},         {"k", 1 << 10},     {"K", 1 << 10},
    {"KiB", 1 << 10}, {"M", 1 << 20},   {"MiB", 1 << 20},   {"G", 1 << 30},
    {"GiB", 1 << 30}, {"T", 1LL << 40}, {"TiB", 1LL << 40},
};
static const struct unit count_units[] = {
    {"", 1}, {"k", 1000}, {"K", 1000}, {"M", 1000000}, {"G", 1000000000},
};

#define N_UNITS(table) (sizeof table / sizeof table[0])
static const struct scaled_type duration_type = {
    .what = "duration",
    .examples = "500ms, 1.5s or 10m",
    .whole = "a whole number of microseconds",
    .unit_list = "us, ms, s, m, h",
    .bare_name = "s",
    .units = duration_units,
    .n_units = N_UNITS(duration_units),
};
static const struct scaled_type size_type = {
    .what = "size",
    .examples = "512, 64KiB or 1.5M",
    .whole = "a whole number of bytes",
    .unit_list = "B, k/K/KiB, M/MiB, G/GiB, T/TiB",
    .bare_name = "",
    .units = size_units,
    .n_units = N_UNITS(size_units),
};
static const struct scaled_type count_type = {
    .what = "count",
    .examples = "500, 10k or 2M",
    .whole = "a whole number",
    .unit_list = "k, M, G",
    .bare_name = "",
    .units = count_units,
    .n_units = N_UNITS(count_units),
};

/* Largest exact unit first; formatting picks the first that divides. */
static const struct unit duration_fmt[] = {
    {"h", 3600000000}, {"m", 60000000}, {"s", 1000000}, {"ms", 1000}, {"us", 1},
};
static const struct unit size_fmt[] = {
    {"TiB", 1LL << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"", 1},
};
static const struct unit count_fmt[] = {
    {"G", 1000000000},
    {"M", 1000000},
    {"k", 1000},
    {"", 1},
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True when s[0..len) equals the NUL-terminated word, ignoring ASCII case. */
static bool equal_nocase(const char *s, size_t len, const char *word)
{
    size_t i = 0;
    for (; i < len && word[i] != '\0'; i++)
        if (ascii_lower(s[i]) != ascii_lower(word[i]))
            return false;
    return i == len && word[i] == '\0';
}

/* The text without surrounding spaces and tabs, as start + length. */
static const char *trim(const char *text, size_t *len)
{
    if (text == NULL)
        text = "";
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    *len = n;
    return text;
}

char *gk_config_quote(const char *text, char *buf, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0, total = 2;

    if (cap < 8) {
        if (cap > 0)
            buf[0] = '\0';
        return buf;
    }
    if (text == NULL) {
        snprintf(buf, cap, "(null)");
        return buf;
    }
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
        total += (*p < 0x20 || *p >= 0x7f) ? 4 : (*p == '"' || *p == '\\') ? 2 : 1;
    /* Cut only when the whole would not fit, and then keep room for `..."`. */
    size_t limit = total + 1 <= cap ? cap - 2 : cap - 5;
    buf[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        char esc[4];
        size_t len = 0;
        if (*p < 0x20 || *p >= 0x7f) {
            esc[len++] = '\\';
            esc[len++] = 'x';
            esc[len++] = hex[*p >> 4];
            esc[len++] = hex[*p & 0xf];
        } else {
            if (*p == '"' || *p == '\\')
                esc[len++] = '\\';
            esc[len++] = (char)*p;
        }
        if (n + len > limit) {
            memcpy(buf + n, "...", 3);
            n += 3;
            break;
        }
        memcpy(buf + n, esc, len);
        n += len;
    }
    buf[n++] = '"';
    buf[n] = '\0';
    return buf;
}

enum gk_rc gk_config_parse_bool(const char *text, bool *out, struct gk_err *err)
{
    static const struct {
        const char *word;
        bool value;
    } words[] = {
        {"true", true}, {"false", false}, {"1", true},  {"0", false},
        {"yes", true},  {"no", false},    {"on", true}, {"off", false},
    };
    char q[QUOTE_MAX];
    size_t len;
    const char *s = trim(text, &len);

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (equal_nocase(s, len, words[i].word)) {
            *out = words[i].value;
            return GK_OK;
        }
    return gk_err_set(err, GK_BAD_CONFIG,
                      "expected true or false (or 1/0, yes/no, on/off), got %s",
                      gk_config_quote(text, q, sizeof q));
}

enum gk_rc gk_config_parse_int64(const char *text, int64_t *out, struct gk_err *err)
{
    char q[QUOTE_MAX];
    size_t len, i = 0;
    const char *s = trim(text, &len);
    bool negative = false, overflow = false;
    uint64_t mag = 0;

    if (i < len && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    /* Accumulate the magnitude; -2^63 is the one value whose magnitude is
     * not an int64, so the limit depends on the sign. */
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    size_t first = i;
    for (; i < len && is_digit(s[i]); i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (mag > (limit - d) / 10)
            overflow = true;
        else
            mag = mag * 10 + d;
    }
    if (i == first || i != len)
        return gk_err_set(err, GK_BAD_CONFIG, "expected an integer, got %s",
                          gk_config_quote(text, q, sizeof q));
    if (overflow)
        return gk_err_set(err, GK_BAD_CONFIG,
                          "expected an integer from %lld to %lld, got %s",
                          (long long)INT64_MIN, (long long)INT64_MAX,
                          gk_config_quote(text, q, sizeof q));
    /* -(mag - 1) - 1 reaches INT64_MIN without overflowing. */
    *out = negative ? (mag == 0 ? 0 : -(int64_t)(mag - 1) - 1) : (int64_t)mag;
    return GK_OK;
}

/* Length of the longest prefix of s[0..len) that is a decimal number:
 * [+-] (digits [. digits] | . digits) [e [+-] digits]. 0 if none. */
static size_t scan_decimal(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < len && is_digit(s[i]); i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && is_digit(s[i]); i++)
            digits++;
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < len && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j < len && is_digit(s[j])) {
            while (j < len && is_digit(s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

enum gk_rc gk_config_parse_double(const char *text, double *out, struct gk_err *err)
{
    char q[QUOTE_MAX];
    size_t len;
    const char *s = trim(text, &len);

    /* Checking the grammar first keeps strtod away from "nan", "inf" and
     * hex floats, which are not numbers a config should contain. */
    if (len == 0 || scan_decimal(s, len) != len)
        return gk_err_set(err, GK_BAD_CONFIG, "expected a number, got %s",
                          gk_config_quote(text, q, sizeof q));
    double d = strtod(s, NULL); /* stops at the trailing blanks trim() skipped */
    if (!isfinite(d))
        return gk_err_set(err, GK_BAD_CONFIG, "expected a number from %g to %g, got %s",
                          -1.7976931348623157e308, 1.7976931348623157e308,
                          gk_config_quote(text, q, sizeof q));
    /* Underflow (ERANGE with a tiny result) is accepted: the value is as
     * close to the text as a double gets. */
    *out = d;
    return GK_OK;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static enum gk_rc parse_scaled(const struct scaled_type *t, const char *text,
                               int64_t *out, struct gk_err *err)
{
    char q[QUOTE_MAX];
    size_t len, i = 0;
    const char *s = trim(text, &len);
    uint64_t ip = 0;
    bool overflow = false;

    if (i < len && s[i] == '-')
        return gk_err_set(err, GK_BAD_CONFIG, "expected a non-negative %s, got %s",
                          t->what, gk_config_quote(text, q, sizeof q));
    size_t int_start = i;
    for (; i < len && is_digit(s[i]); i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (ip > (UINT64_MAX - d) / 10)
            overflow = true;
        else
            ip = ip * 10 + d;
    }
    size_t int_digits = i - int_start, frac_start = i, frac_len = 0;
    if (i < len && s[i] == '.') {
        frac_start = ++i;
        for (; i < len && is_digit(s[i]); i++)
            frac_len++;
    }
    /* What follows the number must be a whole unit word, or nothing. */
    size_t unit_start = i;
    while (i < len && is_alpha(s[i]))
        i++;
    if (int_digits + frac_len == 0 || i != len)
        return gk_err_set(err, GK_BAD_CONFIG, "expected a %s like %s, got %s", t->what,
                          t->examples, gk_config_quote(text, q, sizeof q));

    const struct unit *u = NULL;
    for (size_t k = 0; k < t->n_units && u == NULL; k++)
        if (strlen(t->units[k].name) == len - unit_start &&
            memcmp(t->units[k].name, s + unit_start, len - unit_start) == 0)
            u = &t->units[k];
    if (u == NULL) {
        char unit[QUOTE_MAX];
        size_t n = len - unit_start < sizeof unit ? len - unit_start : sizeof unit - 1;
        memcpy(unit, s + unit_start, n);
        unit[n] = '\0';
        return gk_err_set(err, GK_BAD_CONFIG, "unknown unit %s (use %s)",
                          gk_config_quote(unit, q, sizeof q), t->unit_list);
    }

    uint64_t mult = (uint64_t)u->mult, frac = 0;
    while (frac_len > 0 && s[frac_start + frac_len - 1] == '0')
        frac_len--;    /* trailing zeros change nothing */
    if (frac_len > 18) /* 10^19 would not fit; no unit needs that precision */
        return gk_err_set(err, GK_BAD_CONFIG, "too many decimal places in %s",
                          gk_config_quote(text, q, sizeof q));
    if (frac_len > 0) {
        uint64_t digits = 0, den = 1;
        for (size_t k = 0; k < frac_len; k++) {
            digits = digits * 10 + (uint64_t)(s[frac_start + k] - '0');
            den *= 10;
        }
        uint64_t g = gcd_u64(mult, den);
        if (digits % (den / g) != 0)
            return gk_err_set(err, GK_BAD_CONFIG, "expected %s, got %s", t->whole,
                              gk_config_quote(text, q, sizeof q));
        frac = digits / (den / g) * (mult / g); /* < mult: digits < den */
    }
    if (overflow || ip > ((uint64_t)INT64_MAX - frac) / mult) {
        const char *shown = u->name[0] != '\0' ? u->name : t->bare_name;
        return gk_err_set(err, GK_BAD_CONFIG, "expected at most %lld%s, got %s",
                          (long long)(INT64_MAX / u->mult), shown,
                          gk_config_quote(text, q, sizeof q));
    }
    *out = (int64_t)(ip * mult + frac);
    return GK_OK;
}

enum gk_rc gk_config_parse_duration(const char *text, int64_t *out_us, struct gk_err *err)
{
    return parse_scaled(&duration_type, text, out_us, err);
}

enum gk_rc gk_config_parse_size(const char *text, int64_t *out_bytes, struct gk_err *err)
{
    return parse_scaled(&size_type, text, out_bytes, err);
}

enum gk_rc gk_config_parse_count(const char *text, int64_t *out, struct gk_err *err)
{
    return parse_scaled(&count_type, text, out, err);
}

enum gk_rc gk_config_parse_enum(const char *text, const char *const *names, int *out,
                                struct gk_err *err)
{
    char q[QUOTE_MAX], list[128];
    size_t len, n = 0;
    const char *s = trim(text, &len);

    for (int i = 0; names != NULL && names[i] != NULL; i++)
        if (equal_nocase(s, len, names[i])) {
            *out = i;
            return GK_OK;
        }
    list[0] = '\0';
    for (int i = 0; names != NULL && names[i] != NULL && n < sizeof list; i++) {
        int w = snprintf(list + n, sizeof list - n, "%s%s", i > 0 ? ", " : "", names[i]);
        n += w < 0 ? sizeof list : (size_t)w;
    }
    return gk_err_set(err, GK_BAD_CONFIG, "expected one of %s, got %s", list,
                      gk_config_quote(text, q, sizeof q));
}

static char *format_scaled(int64_t v, const struct unit *units, size_t n_units,
                           const char *zero, char *buf, size_t cap)
{
    if (v == 0) {
        snprintf(buf, cap, "%s", zero);
        return buf;
    }
    for (size_t i = 0; i < n_units; i++)
        if (v % units[i].mult == 0) {
            snprintf(buf, cap, "%lld%s", (long long)(v / units[i].mult), units[i].name);
            break;
        }
    return buf; /* the last unit is 1, so the loop always prints */
}

static char *format_int64(int64_t v, char *buf, size_t cap)
{
    snprintf(buf, cap, "%lld", (long long)v);
    return buf;
}

char *gk_config_format_duration(int64_t us, char *buf, size_t cap)
{
    return format_scaled(us, duration_fmt, N_UNITS(duration_fmt), "0s", buf, cap);
}

char *gk_config_format_size(int64_t bytes, char *buf, size_t cap)
{
    return format_scaled(bytes, size_fmt, N_UNITS(size_fmt), "0", buf, cap);
}

char *gk_config_format_count(int64_t n, char *buf, size_t cap)
{
    return format_scaled(n, count_fmt, N_UNITS(count_fmt), "0", buf, cap);
}

char *gk_config_format_double(double d, char *buf, size_t cap)
{
    if (cap == 0)
        return buf;
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, d);
        /* "6e+01" reads back as 60 but nobody writes 60 that way: below
         * 1e17, take more digits until %g stops using an exponent. */
        if (strtod(buf, NULL) == d &&
            (strchr(buf, 'e') == NULL || fabs(d) < 1 || fabs(d) >= 1e17))
            break;
    }
    return buf;
}

char *gk_config_format_bounds(const struct gk_config_option *o, char *buf, size_t cap)
{
    char lo[GK_CONFIG_NUM_MAX], hi[GK_CONFIG_NUM_MAX];

    if (cap > 0)
        buf[0] = '\0';
    switch (o->type) {
    case GK_CONFIG_TYPE_DOUBLE:
        if (o->dmin == 0 && o->dmax == 0)
            return buf;
        gk_config_format_double(o->dmin, lo, sizeof lo);
        gk_config_format_double(o->dmax, hi, sizeof hi);
        break;
    case GK_CONFIG_TYPE_INT64:
    case GK_CONFIG_TYPE_DURATION:
    case GK_CONFIG_TYPE_SIZE:
    case GK_CONFIG_TYPE_COUNT:
        if (o->min == 0 && o->max == 0)
            return buf;
        char *(*fmt)(int64_t, char *, size_t) =
            o->type == GK_CONFIG_TYPE_DURATION ? gk_config_format_duration
            : o->type == GK_CONFIG_TYPE_SIZE   ? gk_config_format_size
            : o->type == GK_CONFIG_TYPE_COUNT  ? gk_config_format_count
                                               : format_int64;
        fmt(o->min, lo, sizeof lo);
        fmt(o->max, hi, sizeof hi);
        break;
    default:
        return buf;
    }
    snprintf(buf, cap, "from %s to %s", lo, hi);
    return buf;
}
