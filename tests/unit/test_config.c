#include "common/config.h"
#include "common/rng.h"
#include "tests/gk_test.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S    1000000LL /* microseconds per second */

/* ---- unit parsers ------------------------------------------------------ */

struct int_case {
    const char *text;
    int64_t value;
};

struct bad_case {
    const char *text;
    const char *msg; /* must appear in the error message */
};

typedef enum gk_rc (*int_parser)(const char *, int64_t *, struct gk_err *);

static void check_int_parser(const char *name, int_parser parse,
                             const struct int_case *good, size_t n_good,
                             const struct bad_case *bad, size_t n_bad)
{
    for (size_t i = 0; i < n_good; i++) {
        int64_t v = -42;
        struct gk_err err = {0};
        cr_assert_eq(parse(good[i].text, &v, &err), GK_OK, "%s \"%s\": %s", name,
                     good[i].text, err.msg);
        cr_assert_eq(v, good[i].value, "%s \"%s\" gave %lld", name, good[i].text,
                     (long long)v);
    }
    for (size_t i = 0; i < n_bad; i++) {
        int64_t v = -42;
        struct gk_err err = {0};
        cr_assert_eq(parse(bad[i].text, &v, &err), GK_BAD_CONFIG,
                     "%s \"%s\" accepted as %lld", name, bad[i].text, (long long)v);
        cr_assert_eq(v, -42, "%s \"%s\" changed the output", name, bad[i].text);
        cr_assert_not_null(strstr(err.msg, bad[i].msg), "%s \"%s\": %s", name,
                           bad[i].text, err.msg);
    }
}

Test(config, durations_parse_with_units_and_a_bare_number_is_seconds)
{
    static const struct int_case good[] = {
        {"0", 0},
        {"30", 30 * S},
        {"1.5s", 1500000},
        {"500ms", 500000},
        {"250us", 250},
        {"10m", 600 * S},
        {"2h", 7200 * S},
        {"0.1s", 100000},
        {".5s", 500000},
        {"1.s", S},
        {" 30s\t", 30 * S},
        {"1.000000000s", S},
        {"0.000001s", 1},
        {"1.5h", 5400 * S},
        {"0.001ms", 1},
        {"2562047788h", 2562047788LL * 3600 * S},
        {"9223372036854775807us", INT64_MAX},
    };
    static const struct bad_case bad[] = {
        {"", "expected a duration like 500ms, 1.5s or 10m, got \"\""},
        {"fast", "expected a duration like"},
        {"5mins", "unknown unit \"mins\" (use us, ms, s, m, h)"},
        {"5 s", "expected a duration like"},
        {"5S", "unknown unit \"S\""},
        {"-5s", "expected a non-negative duration, got \"-5s\""},
        {"99999999999h", "expected at most 2562047788h, got \"99999999999h\""},
        {"9223372036854775808us", "expected at most 9223372036854775807us"},
        {"18446744073709551616", "expected at most 9223372036854s"},
        {"2562047789h", "expected at most 2562047788h"},
        {"0.5us", "expected a whole number of microseconds"},
        {"1.0000001s", "expected a whole number of microseconds"},
        {"1.2.3s", "expected a duration like"},
        {"0x10s", "expected a duration like"},
        {"1e3s", "expected a duration like"},
        {"3fortnights", "unknown unit \"fortnights\""},
        {"+5s", "expected a duration like"},
        {".s", "expected a duration like"},
        {"1.0000000000000000001s", "too many decimal places"},
    };
    check_int_parser("duration", gk_config_parse_duration, good, N(good), bad, N(bad));
}

Test(config, sizes_are_binary_and_a_bare_number_is_bytes)
{
    static const struct int_case good[] = {
        {"0", 0},
        {"512", 512},
        {"64B", 64},
        {"1k", 1024},
        {"1K", 1024},
        {"1KiB", 1024},
        {"1.5KiB", 1536},
        {"2M", 2 << 20},
        {"1MiB", 1 << 20},
        {"1G", 1 << 30},
        {"3GiB", 3LL << 30},
        {"1T", 1LL << 40},
        {"0.5TiB", 1LL << 39},
        {"8589934591G", 8589934591LL << 30},
    };
    static const struct bad_case bad[] = {
        {"1.5", "expected a whole number of bytes, got \"1.5\""},
        {"1kb", "unknown unit \"kb\" (use B, k/K/KiB, M/MiB, G/GiB, T/TiB)"},
        {"1m", "unknown unit \"m\""},
        {"-1", "expected a non-negative size"},
        {"8589934592G", "expected at most 8589934591G"},
        {"big", "expected a size like 512, 64KiB or 1.5M, got \"big\""},
        {"0.1k", "expected a whole number of bytes"},
    };
    check_int_parser("size", gk_config_parse_size, good, N(good), bad, N(bad));
}

Test(config, counts_are_decimal)
{
    static const struct int_case good[] = {
        {"7", 7},         {"10k", 10000},
        {"10K", 10000},   {"1.5k", 1500},
        {"2M", 2000000},  {"1G", 1000000000},
        {"0.001M", 1000}, {"9223372036854775807", INT64_MAX},
    };
    static const struct bad_case bad[] = {
        {"1.5", "expected a whole number, got \"1.5\""},
        {"10Ki", "unknown unit \"Ki\" (use k, M, G)"},
        {"10m", "unknown unit \"m\""},
        {"9223372036854776k", "expected at most 9223372036854775k"},
        {"lots", "expected a count like 500, 10k or 2M"},
        {"-3", "non-negative"},
    };
    check_int_parser("count", gk_config_parse_count, good, N(good), bad, N(bad));
}

Test(config, integers_are_plain_decimal_and_never_wrap)
{
    static const struct int_case good[] = {
        {"0", 0},
        {"-0", 0},
        {"+7", 7},
        {" 42 ", 42},
        {"007", 7},
        {"9223372036854775807", INT64_MAX},
        {"-9223372036854775808", INT64_MIN},
    };
    static const struct bad_case bad[] = {
        {"", "expected an integer, got \"\""},
        {"-", "expected an integer"},
        {"1.0", "expected an integer, got \"1.0\""},
        {"0x10", "expected an integer"},
        {"1e3", "expected an integer"},
        {"12a", "expected an integer"},
        {"1 2", "expected an integer"},
        {"9223372036854775808", "from -9223372036854775808 to 9223372036854775807"},
        {"-9223372036854775809", "from -9223372036854775808 to 9223372036854775807"},
        {"99999999999999999999999", "from -9223372036854775808"},
    };
    check_int_parser("int64", gk_config_parse_int64, good, N(good), bad, N(bad));
}

Test(config, doubles_are_finite_decimals)
{
    static const struct {
        const char *text;
        double value;
    } good[] = {
        {"0.1", 0.1}, {"60", 60}, {"-2.5", -2.5}, {"1e3", 1000}, {"1E-3", 0.001},
        {".5", 0.5},  {"5.", 5},  {" 4.5 ", 4.5}, {"+1", 1},     {"1e-400", 0},
    };
    static const char *const bad[] = {"fast", "nan", "inf", "-infinity", "0x1p3", "1e400",
                                      "1e",   "--1", "",    "1,5",       "1.5.2", "e5"};
    for (size_t i = 0; i < N(good); i++) {
        double d = -1;
        cr_assert_eq(gk_config_parse_double(good[i].text, &d, NULL), GK_OK, "%s",
                     good[i].text);
        cr_assert_eq(d, good[i].value, "%s gave %g", good[i].text, d);
    }
    for (size_t i = 0; i < N(bad); i++) {
        double d = -1;
        struct gk_err err = {0};
        cr_assert_eq(gk_config_parse_double(bad[i], &d, &err), GK_BAD_CONFIG, "%s",
                     bad[i]);
        cr_assert_eq(d, -1);
        cr_assert_not_null(strstr(err.msg, "expected a number"), "%s", err.msg);
    }
}

Test(config, booleans_accept_the_usual_words_in_any_case)
{
    static const struct {
        const char *text;
        bool value;
    } good[] = {
        {"true", true},   {"TRUE", true},   {"1", true},  {"yes", true}, {"On", true},
        {"false", false}, {"False", false}, {"0", false}, {"no", false}, {" off ", false},
    };
    static const char *const bad[] = {"", "y", "2", "truth", "enable", "o"};
    for (size_t i = 0; i < N(good); i++) {
        bool b = !good[i].value;
        cr_assert_eq(gk_config_parse_bool(good[i].text, &b, NULL), GK_OK, "%s",
                     good[i].text);
        cr_assert_eq(b, good[i].value, "%s", good[i].text);
    }
    for (size_t i = 0; i < N(bad); i++) {
        bool b = true;
        struct gk_err err = {0};
        cr_assert_eq(gk_config_parse_bool(bad[i], &b, &err), GK_BAD_CONFIG, "%s", bad[i]);
        cr_assert(b);
        cr_assert_not_null(strstr(err.msg, "expected true or false"), "%s", err.msg);
    }
}

static const char *const formats[] = {"text", "json", "csv", NULL};

Test(config, enum_names_match_in_any_case_and_errors_list_them)
{
    int v = -1;
    cr_assert_eq(gk_config_parse_enum("json", formats, &v, NULL), GK_OK);
    cr_assert_eq(v, 1);
    cr_assert_eq(gk_config_parse_enum("CSV", formats, &v, NULL), GK_OK);
    cr_assert_eq(v, 2);
    struct gk_err err = {0};
    cr_assert_eq(gk_config_parse_enum("xml", formats, &v, &err), GK_BAD_CONFIG);
    cr_assert_eq(v, 2);
    cr_assert_str_eq(err.msg, "expected one of text, json, csv, got \"xml\"");
}

Test(config, formatters_pick_the_largest_exact_unit_and_parse_back)
{
    static const struct {
        char *(*format)(int64_t, char *, size_t);
        int_parser parse;
        int64_t value;
        const char *text;
    } cases[] = {
        {gk_config_format_duration, gk_config_parse_duration, 0, "0s"},
        {gk_config_format_duration, gk_config_parse_duration, 1500000, "1500ms"},
        {gk_config_format_duration, gk_config_parse_duration, 600 * S, "10m"},
        {gk_config_format_duration, gk_config_parse_duration, 7200 * S, "2h"},
        {gk_config_format_duration, gk_config_parse_duration, 1, "1us"},
        {gk_config_format_duration, gk_config_parse_duration, INT64_MAX,
         "9223372036854775807us"},
        {gk_config_format_size, gk_config_parse_size, 0, "0"},
        {gk_config_format_size, gk_config_parse_size, 1536, "1536"},
        {gk_config_format_size, gk_config_parse_size, 65536, "64KiB"},
        {gk_config_format_size, gk_config_parse_size, 3LL << 30, "3GiB"},
        {gk_config_format_size, gk_config_parse_size, 5LL << 40, "5TiB"},
        {gk_config_format_count, gk_config_parse_count, 10000, "10k"},
        {gk_config_format_count, gk_config_parse_count, 1500, "1500"},
        {gk_config_format_count, gk_config_parse_count, 2000000, "2M"},
        {gk_config_format_count, gk_config_parse_count, 0, "0"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char buf[GK_CONFIG_NUM_MAX];
        int64_t back = -1;
        cr_assert_str_eq(cases[i].format(cases[i].value, buf, sizeof buf), cases[i].text);
        cr_assert_eq(cases[i].parse(buf, &back, NULL), GK_OK, "%s", buf);
        cr_assert_eq(back, cases[i].value, "%s", buf);
    }
    /* And for values nobody picked by hand. */
    struct gk_rng rng;
    gk_rng_init(&rng, 7);
    for (int i = 0; i < 3000; i++) {
        int64_t v = (int64_t)(gk_rng_next(&rng) >> (1 + gk_rng_below(&rng, 63)));
        if (i % 3 == 0)
            v -= v % 1000; /* make round values common */
        for (size_t k = 0; k < 3; k++) {
            char buf[GK_CONFIG_NUM_MAX];
            int64_t back = -1;
            cases[k * 6 % N(cases)].format(v, buf, sizeof buf);
            cr_assert_eq(cases[k * 6 % N(cases)].parse(buf, &back, NULL), GK_OK, "%s",
                         buf);
            cr_assert_eq(back, v, "%s", buf);
        }
    }
}

Test(config, doubles_format_in_their_shortest_exact_form)
{
    static const struct {
        double d;
        const char *text;
    } cases[] = {{0.1, "0.1"},    {60, "60"},
                 {4.5, "4.5"},    {1.0 / 3, "0.3333333333333333"},
                 {1e21, "1e+21"}, {-2.25, "-2.25"}};
    for (size_t i = 0; i < N(cases); i++) {
        char buf[GK_CONFIG_NUM_MAX];
        double back = 0;
        cr_assert_str_eq(gk_config_format_double(cases[i].d, buf, sizeof buf),
                         cases[i].text);
        cr_assert_eq(gk_config_parse_double(buf, &back, NULL), GK_OK);
        cr_assert_eq(back, cases[i].d);
    }
}

Test(config, quoting_escapes_and_cuts_hostile_text)
{
    static const struct {
        const char *text;
        size_t cap;
        const char *quoted;
    } cases[] = {
        {"fast", 64, "\"fast\""},
        {"", 64, "\"\""},
        {"a\nb\x01", 64, "\"a\\x0ab\\x01\""},
        {"say \"hi\" \\o/", 64, "\"say \\\"hi\\\" \\\\o/\""},
        {"caf\xc3\xa9", 64, "\"caf\\xc3\\xa9\""},
        {"abcdefgh", 10, "\"abcd...\""},
        {"abcdefg", 10, "\"abcdefg\""},
        {"\n\n\n", 10, "\"\\x0a...\""},
        {NULL, 64, "(null)"},
        {"anything", 7, ""},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char buf[64];
        memset(buf, '#', sizeof buf);
        gk_config_quote(cases[i].text, buf, cases[i].cap);
        cr_assert_str_eq(buf, cases[i].quoted, "case %zu", i);
        cr_assert_lt(strlen(buf), cases[i].cap);
    }
}

/* ---- the table --------------------------------------------------------- */

struct opts {
    double rate_per_min;
    int64_t workers;
    int64_t poll_timeout_us;
    int64_t max_body_bytes;
    int64_t requests;
    bool verbose;
    char *output;
    char *token;
    int format;
    char *config_path;
    bool help;
};

static const struct gk_config_option table[] = {
    {.key = "rate_per_min",
     .type = GK_CONFIG_TYPE_DOUBLE,
     .offset = offsetof(struct opts, rate_per_min),
     .default_value = "4.5",
     .env = "GENIE_RATE_PER_MIN",
     .flag = "--rate",
     .dmin = 0.1,
     .dmax = 60,
     .help = "questions per minute per workspace"},
    {.key = "workers",
     .type = GK_CONFIG_TYPE_INT64,
     .offset = offsetof(struct opts, workers),
     .default_value = "4",
     .env = "GENIE_WORKERS",
     .flag = "--workers",
     .min = 1,
     .max = 64,
     .help = "worker threads"},
    {.key = "poll_timeout",
     .type = GK_CONFIG_TYPE_DURATION,
     .offset = offsetof(struct opts, poll_timeout_us),
     .default_value = "10m",
     .env = "GENIE_POLL_TIMEOUT",
     .flag = "--poll-timeout",
     .min = 1 * S,
     .max = 3600 * S,
     .help = "give up polling a message after this long"},
    {.key = "max_body",
     .type = GK_CONFIG_TYPE_SIZE,
     .offset = offsetof(struct opts, max_body_bytes),
     .default_value = "1MiB",
     .flag = "--max-body",
     .min = 1024,
     .max = 64 << 20,
     .help = "largest request body"},
    {.key = "requests",
     .type = GK_CONFIG_TYPE_COUNT,
     .offset = offsetof(struct opts, requests),
     .default_value = "10k",
     .flag = "--requests",
     .help = "stop after this many"},
    {.key = "verbose",
     .type = GK_CONFIG_TYPE_BOOL,
     .offset = offsetof(struct opts, verbose),
     .default_value = "false",
     .env = "GENIE_VERBOSE",
     .flag = "--verbose",
     .help = "log more"},
    {.key = "output",
     .type = GK_CONFIG_TYPE_STRING,
     .offset = offsetof(struct opts, output),
     .default_value = "out.jsonl",
     .env = "GENIE_OUTPUT",
     .flag = "--output",
     .help = "where records go"},
    {.key = "token",
     .type = GK_CONFIG_TYPE_STRING,
     .offset = offsetof(struct opts, token),
     .env = "DATABRICKS_TOKEN",
     .flag = "--token",
     .flags = GK_CONFIG_SECRET,
     .help = "personal access token"},
    {.key = "format",
     .type = GK_CONFIG_TYPE_ENUM,
     .offset = offsetof(struct opts, format),
     .default_value = "text",
     .env = "GENIE_FORMAT",
     .flag = "--format",
     .names = formats,
     .help = "output format"},
    {.key = "config",
     .type = GK_CONFIG_TYPE_STRING,
     .offset = offsetof(struct opts, config_path),
     .flag = "--config",
     .flags = GK_CONFIG_CLI_ONLY,
     .help = "config file"},
    {.key = "help",
     .type = GK_CONFIG_TYPE_BOOL,
     .offset = offsetof(struct opts, help),
     .flag = "--help",
     .flags = GK_CONFIG_CLI_ONLY,
     .help = "print this and exit"},
};

/* An injected environment: ctx is a NULL-terminated array of "NAME=value". */
static const char *fake_env(const char *name, void *ctx)
{
    for (const char *const *e = ctx; *e != NULL; e++) {
        size_t n = strlen(name);
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    }
    return NULL;
}

static struct gk_config cfg;
static struct opts o;

static void setup(void)
{
    struct gk_err err = {0};
    memset(&o, 0x5a, sizeof o); /* garbage, as in an uninitialised struct */
    cr_assert_eq(gk_config_init(&cfg, table, N(table), &o, &err), GK_OK, "%s", err.msg);
}

static const char *source_of(const char *key)
{
    static char buf[GK_CONFIG_SOURCE_MAX];
    cr_assert_not_null(gk_config_source(&cfg, key, NULL, buf, sizeof buf), "%s", key);
    return buf;
}

static const char *value_of(const char *key)
{
    static char buf[256];
    cr_assert_not_null(gk_config_format_value(&cfg, key, buf, sizeof buf), "%s", key);
    return buf;
}

static enum gk_rc args(struct gk_err *err, char **pos, int *n_pos, ...)
{
    char *argv[32] = {(char *)"prog"};
    int argc = 1;
    va_list ap;
    va_start(ap, n_pos);
    /* gk_config_parse_args takes main's char *argv[]; it never writes. */
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
        argv[argc++] = (char *)a;
    va_end(ap);
    return gk_config_parse_args(&cfg, argc, argv, pos, n_pos, err);
}

Test(config, defaults_fill_every_field_and_say_so, .init = setup)
{
    cr_assert_eq(o.rate_per_min, 4.5);
    cr_assert_eq(o.workers, 4);
    cr_assert_eq(o.poll_timeout_us, 600 * S);
    cr_assert_eq(o.max_body_bytes, 1 << 20);
    cr_assert_eq(o.requests, 10000);
    cr_assert_eq(o.verbose, false);
    cr_assert_str_eq(o.output, "out.jsonl");
    cr_assert_null(o.token);
    cr_assert_eq(o.format, 0);
    cr_assert_null(o.config_path);
    enum gk_config_origin origin = GK_CONFIG_FROM_FLAG;
    char buf[GK_CONFIG_SOURCE_MAX];
    cr_assert_str_eq(gk_config_source(&cfg, "workers", &origin, buf, sizeof buf),
                     "default");
    cr_assert_eq(origin, GK_CONFIG_FROM_DEFAULT);
    cr_assert_null(gk_config_source(&cfg, "nope", &origin, buf, sizeof buf));
    cr_assert_null(gk_config_format_value(&cfg, "nope", buf, sizeof buf));
    gk_config_cleanup(&cfg);
    cr_assert_null(o.output, "cleanup NULLs the strings");
    gk_config_cleanup(&cfg); /* twice is harmless */
    GK_ASSERT_NO_LEAKS();
}

Test(config, flag_beats_env_beats_file_beats_default_whatever_the_call_order,
     .init = setup)
{
    static const char *const env[] = {"GENIE_WORKERS=8", "GENIE_OUTPUT=env.jsonl",
                                      "GENIE_RATE_PER_MIN=2", NULL};
    struct gk_err err = {0};

    /* Flags first (a program must read --config before the file)... */
    cr_assert_eq(args(&err, NULL, NULL, "--workers", "16", "--config", "gen.json", NULL),
                 GK_OK, "%s", err.msg);
    /* ...then the file... */
    cr_assert_eq(
        gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "gen.json:2", "workers", "2", &err),
        GK_OK);
    cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "gen.json:3", "output",
                               "file.jsonl", &err),
                 GK_OK);
    cr_assert_eq(
        gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "gen.json:4", "rate_per_min", "3", &err),
        GK_OK);
    cr_assert_eq(
        gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "gen.json:5", "requests", "5k", &err),
        GK_OK);
    /* ...then the environment. */
    cr_assert_eq(gk_config_load_env(&cfg, fake_env, (void *)env, &err), GK_OK, "%s",
                 err.msg);

    static const struct {
        const char *key, *value, *source;
        enum gk_config_origin origin;
    } expect[] = {
        {"workers", "16", "flag --workers", GK_CONFIG_FROM_FLAG},
        {"output", "\"env.jsonl\"", "env GENIE_OUTPUT", GK_CONFIG_FROM_ENV},
        {"rate_per_min", "2", "env GENIE_RATE_PER_MIN", GK_CONFIG_FROM_ENV},
        {"requests", "5k", "file gen.json:5", GK_CONFIG_FROM_FILE},
        {"max_body", "1MiB", "default", GK_CONFIG_FROM_DEFAULT},
        {"config", "\"gen.json\"", "flag --config", GK_CONFIG_FROM_FLAG},
    };
    for (size_t i = 0; i < N(expect); i++) {
        enum gk_config_origin origin;
        char buf[GK_CONFIG_SOURCE_MAX];
        cr_assert_str_eq(value_of(expect[i].key), expect[i].value, "%s", expect[i].key);
        gk_config_source(&cfg, expect[i].key, &origin, buf, sizeof buf);
        cr_assert_str_eq(buf, expect[i].source, "%s", expect[i].key);
        cr_assert_eq(origin, expect[i].origin, "%s", expect[i].key);
    }
    cr_assert_eq(o.workers, 16);
    cr_assert_str_eq(o.output, "env.jsonl");
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, within_one_rank_the_later_value_wins, .init = setup)
{
    cr_assert_eq(
        gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "a.json:1", "workers", "2", NULL),
        GK_OK);
    cr_assert_eq(
        gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "b.json:9", "workers", "3", NULL),
        GK_OK);
    cr_assert_eq(o.workers, 3);
    cr_assert_str_eq(source_of("workers"), "file b.json:9");
    cr_assert_eq(args(NULL, NULL, NULL, "--workers=5", "--workers", "6", NULL), GK_OK);
    cr_assert_eq(o.workers, 6);
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, an_outranked_bad_value_is_still_reported, .init = setup)
{
    struct gk_err err = {0};
    cr_assert_eq(args(&err, NULL, NULL, "--workers", "8", NULL), GK_OK);
    cr_assert_eq(
        gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "gen.json:7", "workers", "lots", &err),
        GK_BAD_CONFIG);
    cr_assert_str_eq(err.msg,
                     "workers (file gen.json:7): expected an integer from 1 to 64, "
                     "got \"lots\"");
    cr_assert_eq(o.workers, 8);
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, errors_name_the_key_and_where_the_value_came_from, .init = setup)
{
    static const struct {
        enum gk_config_origin origin;
        const char *where, *key, *value, *msg;
    } cases[] = {
        {GK_CONFIG_FROM_ENV, NULL, "rate_per_min", "fast",
         "rate_per_min (env GENIE_RATE_PER_MIN): expected a number from 0.1 to 60, got "
         "\"fast\""},
        {GK_CONFIG_FROM_FLAG, NULL, "poll_timeout", "5mins",
         "poll_timeout (flag --poll-timeout): unknown unit \"mins\" (use us, ms, s, m, "
         "h)"},
        {GK_CONFIG_FROM_FILE, "gen.json:7", "poll_timeout", "2h",
         "poll_timeout (file gen.json:7): expected a duration from 1s to 1h, got \"2h\""},
        {GK_CONFIG_FROM_FILE, "gen.json: max_body", "max_body", "1G",
         "max_body (file gen.json: max_body): expected a size from 1KiB to 64MiB, got "
         "\"1G\""},
        {GK_CONFIG_FROM_FILE, NULL, "requests", "1.5",
         "requests (file): expected a whole number, got \"1.5\""},
        {GK_CONFIG_FROM_ENV, NULL, "verbose", "maybe",
         "verbose (env GENIE_VERBOSE): expected true or false (or 1/0, yes/no, on/off), "
         "got "
         "\"maybe\""},
        {GK_CONFIG_FROM_ENV, NULL, "format", "xml",
         "format (env GENIE_FORMAT): expected one of text, json, csv, got \"xml\""},
        {GK_CONFIG_FROM_FILE, "gen.json:1", "config", "other.json",
         "config (file gen.json:1): only accepted on the command line"},
        {GK_CONFIG_FROM_FILE, "gen.json:3", "rate_per_mn", "3",
         "unknown key \"rate_per_mn\" (file gen.json:3); did you mean rate_per_min?"},
        {GK_CONFIG_FROM_FILE, "gen.json:4", "zzz", "3",
         "unknown key \"zzz\" (file gen.json:4)"},
        {GK_CONFIG_FROM_FILE, "gen.json:5", "workers", NULL,
         "workers (file gen.json:5): missing value"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct gk_err err = {0};
        cr_assert_eq(gk_config_set(&cfg, cases[i].origin, cases[i].where, cases[i].key,
                                   cases[i].value, &err),
                     GK_BAD_CONFIG, "case %zu", i);
        cr_assert_str_eq(err.msg, cases[i].msg, "case %zu", i);
    }
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, bounds_are_inclusive, .init = setup)
{
    static const struct {
        const char *key, *value;
        bool ok;
    } cases[] = {
        {"rate_per_min", "0.1", true},
        {"rate_per_min", "60", true},
        {"rate_per_min", "0.09", false},
        {"rate_per_min", "60.001", false},
        {"workers", "1", true},
        {"workers", "64", true},
        {"workers", "0", false},
        {"workers", "65", false},
        {"workers", "-9223372036854775808", false},
        {"poll_timeout", "1s", true},
        {"poll_timeout", "60m", true},
        {"poll_timeout", "999999us", false},
        {"poll_timeout", "3600.000001s", false},
        {"max_body", "1KiB", true},
        {"max_body", "64M", true},
        {"max_body", "1023", false},
        {"max_body", "67108865", false},
        {"requests", "0", true},
        {"requests", "9223372036854775807", true},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct gk_err err = {0};
        enum gk_rc rc = gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "t", cases[i].key,
                                      cases[i].value, &err);
        cr_assert_eq(rc, cases[i].ok ? GK_OK : GK_BAD_CONFIG, "%s=%s: %s", cases[i].key,
                     cases[i].value, err.msg);
    }
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, a_failed_set_changes_neither_value_nor_source, .init = setup)
{
    static const struct {
        const char *key, *good, *bad;
    } cases[] = {
        {"rate_per_min", "7.5", "70"},  {"workers", "9", "nine"},
        {"poll_timeout", "30s", "30x"}, {"max_body", "2M", "-2M"},
        {"requests", "5k", "5q"},       {"verbose", "yes", "perhaps"},
        {"format", "json", "yaml"},     {"output", "a.jsonl", NULL},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char before[256], src[GK_CONFIG_SOURCE_MAX];
        cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "f:1", cases[i].key,
                                   cases[i].good, NULL),
                     GK_OK, "%s", cases[i].key);
        snprintf(before, sizeof before, "%s", value_of(cases[i].key));
        cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_FLAG, NULL, cases[i].key,
                                   cases[i].bad, NULL),
                     GK_BAD_CONFIG, "%s", cases[i].key);
        cr_assert_str_eq(value_of(cases[i].key), before, "%s", cases[i].key);
        gk_config_source(&cfg, cases[i].key, NULL, src, sizeof src);
        cr_assert_str_eq(src, "file f:1", "%s", cases[i].key);
    }
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, the_command_line_takes_the_usual_forms, .init = setup)
{
    char *pos[16];
    int n_pos = -1;
    struct gk_err err = {0};
    cr_assert_eq(args(&err, pos, &n_pos, "first", "--rate", "6", "--poll-timeout=90s",
                      "--verbose", "-", "--format=JSON", "--output", "-x.jsonl", "--",
                      "--not-an-option", NULL),
                 GK_OK, "%s", err.msg);
    cr_assert_eq(o.rate_per_min, 6);
    cr_assert_eq(o.poll_timeout_us, 90 * S);
    cr_assert(o.verbose);
    cr_assert_eq(o.format, 1);
    cr_assert_str_eq(o.output, "-x.jsonl", "a value may start with one dash");
    cr_assert_eq(n_pos, 3);
    cr_assert_str_eq(pos[0], "first");
    cr_assert_str_eq(pos[1], "-");
    cr_assert_str_eq(pos[2], "--not-an-option");

    cr_assert_eq(args(&err, pos, &n_pos, "--no-verbose", NULL), GK_OK);
    cr_assert_not(o.verbose);
    cr_assert_eq(n_pos, 0);
    cr_assert_eq(args(&err, pos, &n_pos, "--verbose=on", "--output=", NULL), GK_OK);
    cr_assert(o.verbose);
    cr_assert_str_eq(o.output, "", "--x= sets an empty value");
    cr_assert_eq(args(&err, pos, &n_pos, "--verbose=off", NULL), GK_OK);
    cr_assert_not(o.verbose);
    cr_assert_eq(args(&err, pos, &n_pos, "--help", NULL), GK_OK);
    cr_assert(o.help);
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, bad_command_lines_are_errors_that_name_the_flag, .init = setup)
{
    static const struct {
        const char *argv[4];
        const char *msg;
    } cases[] = {
        {{"--rat", "5"}, "unknown option \"--rat\"; did you mean --rate?"},
        {{"--poll-timout=1s"},
         "unknown option \"--poll-timout\"; did you mean --poll-timeout?"},
        {{"--verbos"}, "unknown option \"--verbos\"; did you mean --verbose?"},
        {{"--no-verbos"}, "unknown option \"--no-verbos\"; did you mean --no-verbose?"},
        {{"--ouptut", "x"}, "unknown option \"--ouptut\"; did you mean --output?"},
        {{"-rate", "5"}, "unknown option \"-rate\"; did you mean --rate?"},
        {{"--zzzzzzzz"}, "unknown option \"--zzzzzzzz\""},
        {{"-v"}, "unknown option \"-v\""},
        {{"--no-rate"},
         "unknown option \"--no-rate\" (--rate is not a true/false option)"},
        {{"--no-verbose=1"}, "verbose (flag --no-verbose): takes no value"},
        {{"--rate"},
         "rate_per_min (flag --rate): missing value (write --rate=VALUE if it "
         "starts with --)"},
        {{"--output", "--verbose"}, "output (flag --output): missing value"},
        {{"--rate", "fast"},
         "rate_per_min (flag --rate): expected a number from 0.1 to 60, "
         "got \"fast\""},
        {{"--verbose=maybe"}, "verbose (flag --verbose): expected true or false"},
        {{"--poll-timeout", "5mins"},
         "poll_timeout (flag --poll-timeout): unknown unit "
         "\"mins\" (use us, ms, s, m, h)"},
        {{"stray"}, "unexpected argument \"stray\""},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char *argv[6] = {(char *)"prog"};
        int argc = 1;
        for (int k = 0; k < 4 && cases[i].argv[k] != NULL; k++)
            argv[argc++] = (char *)cases[i].argv[k];
        struct gk_err err = {0};
        cr_assert_eq(gk_config_parse_args(&cfg, argc, argv, NULL, NULL, &err),
                     GK_BAD_CONFIG, "case %zu", i);
        cr_assert_eq(strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)), 0,
                     "case %zu: %s", i, err.msg);
        if (strstr(cases[i].msg, "did you mean") == NULL)
            cr_assert_null(strstr(err.msg, "did you mean"), "case %zu: %s", i, err.msg);
    }
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, the_environment_skips_empty_variables_and_defaults_to_getenv, .init = setup)
{
    static const char *const env[] = {"GENIE_WORKERS=", "GENIE_VERBOSE=yes", NULL};
    cr_assert_eq(gk_config_load_env(&cfg, fake_env, (void *)env, NULL), GK_OK);
    cr_assert_eq(o.workers, 4);
    cr_assert_str_eq(source_of("workers"), "default");
    cr_assert(o.verbose);
    cr_assert_str_eq(source_of("verbose"), "env GENIE_VERBOSE");

    cr_assert_eq(setenv("GENIE_RATE_PER_MIN", "1.25", 1), 0);
    cr_assert_eq(gk_config_load_env(&cfg, NULL, NULL, NULL), GK_OK);
    cr_assert_eq(o.rate_per_min, 1.25);

    struct gk_err err = {0};
    cr_assert_eq(setenv("GENIE_WORKERS", "many", 1), 0);
    cr_assert_eq(gk_config_load_env(&cfg, NULL, NULL, &err), GK_BAD_CONFIG);
    cr_assert_str_eq(err.msg,
                     "workers (env GENIE_WORKERS): expected an integer from 1 to 64, "
                     "got \"many\"");
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, replaced_and_outranked_strings_are_freed, .init = setup)
{
    char value[32];
    for (int i = 0; i < 100; i++) {
        snprintf(value, sizeof value, "out-%d.jsonl", i);
        cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_ENV, NULL, "output", value, NULL),
                     GK_OK);
        cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "f", "output", "low", NULL),
                     GK_OK);
        cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_ENV, NULL, "token", value, NULL),
                     GK_OK);
    }
    cr_assert_str_eq(o.output, "out-99.jsonl");
    gk_config_cleanup(&cfg);
    cr_assert_null(o.output);
    cr_assert_null(o.token);
    GK_ASSERT_NO_LEAKS();
}

Test(config, the_dump_shows_values_and_sources_but_never_secrets, .init = setup)
{
    static const char *const env[] = {"DATABRICKS_TOKEN=dapi-TOPSECRET", NULL};
    char *text = NULL;
    size_t len = 0;

    cr_assert_eq(gk_config_load_env(&cfg, fake_env, (void *)env, NULL), GK_OK);
    cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_FILE, "gen.json:4", "poll_timeout",
                               "1.5s", NULL),
                 GK_OK);
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(gk_config_dump(&cfg, f), GK_OK);
    fclose(f);
    cr_assert_str_eq(text, "rate_per_min = 4.5  # default\n"
                           "workers = 4  # default\n"
                           "poll_timeout = 1500ms  # file gen.json:4\n"
                           "max_body = 1MiB  # default\n"
                           "requests = 10k  # default\n"
                           "verbose = false  # default\n"
                           "output = \"out.jsonl\"  # default\n"
                           "token = <secret>  # env DATABRICKS_TOKEN\n"
                           "format = text  # default\n"
                           "config = (unset)  # default\n"
                           "help = false  # default\n");
    cr_assert_null(strstr(text, "TOPSECRET"));
    free(text);

    /* Unset and empty secrets may say so: that reveals nothing. */
    cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_FLAG, NULL, "token", "", NULL),
                 GK_OK);
    f = open_memstream(&text, &len);
    cr_assert_eq(gk_config_dump(&cfg, f), GK_OK);
    fclose(f);
    cr_assert_not_null(strstr(text, "token = \"\"  # flag --token\n"), "%s", text);
    free(text);
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, help_lists_every_option_with_flag_env_default_and_text)
{
    static const struct gk_config_option secret_default[] = {
        {.key = "client_secret",
         .type = GK_CONFIG_TYPE_STRING,
         .offset = 0,
         .default_value = "s3cr3t",
         .flag = "--client-secret",
         .flags = GK_CONFIG_SECRET},
    };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(gk_config_print_help(table, N(table), f), GK_OK);
    cr_assert_eq(gk_config_print_help(secret_default, 1, f), GK_OK);
    fclose(f);
    static const char *const expect[] = {
        "  --rate <NUMBER>\n"
        "      questions per minute per workspace\n"
        "      default 4.5; from 0.1 to 60; env GENIE_RATE_PER_MIN; file key "
        "rate_per_min\n",
        "  --poll-timeout <DURATION>\n",
        "default 10m; from 1s to 1h; env GENIE_POLL_TIMEOUT",
        "from 1KiB to 64MiB",
        "  --verbose, --no-verbose\n      log more\n",
        "  --format <text|json|csv>\n",
        "  --token <TEXT>\n      personal access token\n      env DATABRICKS_TOKEN; file "
        "key "
        "token\n",
        "  --config <TEXT>\n      config file\n      command line only\n",
        "  --client-secret <TEXT>\n",
    };
    for (size_t i = 0; i < N(expect); i++)
        cr_assert_not_null(strstr(text, expect[i]), "missing:\n%s\nin:\n%s", expect[i],
                           text);
    cr_assert_null(strstr(text, "s3cr3t"));
    /* A table without a "config" row belongs to a program with no config
     * file: its help names no file keys. */
    cr_assert_null(strstr(text, "file key client_secret"), "%s", text);
    free(text);
    GK_ASSERT_NO_LEAKS();
}

Test(config, values_format_per_type, .init = setup)
{
    static const struct {
        const char *key, *set, *shown;
    } cases[] = {
        {"rate_per_min", "0.1", "0.1"},
        {"workers", "12", "12"},
        {"poll_timeout", "2.5s", "2500ms"},
        {"max_body", "2048", "2KiB"},
        {"requests", "2000000", "2M"},
        {"verbose", "on", "true"},
        {"output", "a \"b\"\n", "\"a \\\"b\\\"\\x0a\""},
        {"format", "Csv", "csv"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        cr_assert_eq(gk_config_set(&cfg, GK_CONFIG_FROM_FLAG, NULL, cases[i].key,
                                   cases[i].set, NULL),
                     GK_OK, "%s", cases[i].key);
        cr_assert_str_eq(value_of(cases[i].key), cases[i].shown, "%s", cases[i].key);
    }
    gk_config_cleanup(&cfg);
    GK_ASSERT_NO_LEAKS();
}

Test(config, a_bad_table_is_refused_and_leaves_nothing_behind)
{
    static const char *const no_names[] = {NULL};
    static const struct {
        struct gk_config_option rows[2];
        size_t n;
        const char *msg;
    } cases[] = {
        {{{.key = "a", .type = GK_CONFIG_TYPE_INT64},
          {.key = "a", .type = GK_CONFIG_TYPE_BOOL}},
         2,
         "duplicate key a"},
        {{{.key = "a", .flag = "--x", .type = GK_CONFIG_TYPE_INT64},
          {.key = "b", .flag = "--x", .type = GK_CONFIG_TYPE_BOOL}},
         2,
         "duplicate flag --x"},
        {{{.key = "a", .flag = "-a"}}, 1, "flag must look like --name"},
        {{{.key = "a", .flag = "--a=b"}}, 1, "flag must look like --name"},
        {{{.key = ""}}, 1, "no key"},
        {{{.key = "e", .type = GK_CONFIG_TYPE_ENUM}}, 1, "no enum names"},
        {{{.key = "e", .type = GK_CONFIG_TYPE_ENUM, .names = no_names}},
         1,
         "no enum names"},
        {{{.key = "c", .flags = GK_CONFIG_CLI_ONLY, .env = "C"}}, 1, "command-line only"},
        {{{.key = "m", .type = GK_CONFIG_TYPE_INT64, .min = 5, .max = 1}},
         1,
         "min > max"},
        {{{.key = "t", .type = (enum gk_config_type)42}}, 1, "bad type"},
        {{{.key = "b", .type = GK_CONFIG_TYPE_BOOL, .max = 1}},
         1,
         "bounds on a non-numeric"},
        {{{.key = "s",
           .type = GK_CONFIG_TYPE_STRING,
           .offset = offsetof(struct opts, output),
           .default_value = "x"},
          {.key = "d",
           .type = GK_CONFIG_TYPE_INT64,
           .offset = offsetof(struct opts, workers),
           .default_value = "ten"}},
         2,
         "d (default): expected an integer, got \"ten\""},
        {{{.key = "z",
           .type = GK_CONFIG_TYPE_INT64,
           .offset = offsetof(struct opts, workers),
           .min = 1,
           .max = 9}},
         1,
         "z (default): expected an integer from 1 to 9, got (null)"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct gk_config c;
        struct opts target = {0};
        struct gk_err err = {0};
        cr_assert_eq(gk_config_init(&c, cases[i].rows, cases[i].n, &target, &err),
                     GK_BAD_CONFIG, "case %zu", i);
        cr_assert_not_null(strstr(err.msg, cases[i].msg), "case %zu: %s", i, err.msg);
        cr_assert_null(c.slots);
        cr_assert_null(target.output, "case %zu: the default string was freed", i);
        gk_config_cleanup(&c);
    }
    GK_ASSERT_NO_LEAKS();
}

Test(config, enum_rows_store_the_index_and_default_to_the_first_name)
{
    static const char *const modes[] = {"fixed", "poisson", NULL};
    struct {
        int mode;
        int other;
    } t = {-1, -1};
    const struct gk_config_option rows[] = {
        {.key = "mode",
         .type = GK_CONFIG_TYPE_ENUM,
         .offset = 0,
         .names = modes,
         .flag = "--mode"},
        {.key = "other",
         .type = GK_CONFIG_TYPE_ENUM,
         .offset = sizeof(int),
         .names = modes,
         .default_value = "POISSON"},
    };
    struct gk_config c;
    struct gk_err err = {0};
    cr_assert_eq(gk_config_init(&c, rows, 2, &t, &err), GK_OK, "%s", err.msg);
    cr_assert_eq(t.mode, 0);
    cr_assert_eq(t.other, 1);
    char *argv[] = {(char *)"prog", (char *)"--mode", (char *)"Poisson"};
    cr_assert_eq(gk_config_parse_args(&c, 3, argv, NULL, NULL, &err), GK_OK, "%s",
                 err.msg);
    cr_assert_eq(t.mode, 1);
    char buf[32];
    cr_assert_str_eq(gk_config_format_value(&c, "mode", buf, sizeof buf), "poisson");
    gk_config_cleanup(&c);
    GK_ASSERT_NO_LEAKS();
}
