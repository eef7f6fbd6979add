/*
 * fuzz_config: untrusted bytes into every config parser, into gk_config_set
 * on a small table, and (split on NUL bytes) into gk_config_parse_args.
 *
 * Input: byte 0 picks the target, byte 1 a key / origin / capacity where one
 * is needed, the rest is the value. Besides "no crash, no leak", it checks
 * properties: a value that parses formats back to text that parses to the
 * same value, and a failed set leaves the struct exactly as it was.
 */
#include "common/config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond))                                                                     \
            abort();                                                                     \
    } while (0)

struct fuzz_opts {
    bool b;
    int64_t i;
    double d;
    int64_t dur_us;
    int64_t size;
    int64_t count;
    char *s;
    char *secret;
    int e;
};

static const char *const names[] = {"text", "json", "csv", NULL};

static const struct gk_config_option table[] = {
    {.key = "b",
     .type = GK_CONFIG_TYPE_BOOL,
     .offset = offsetof(struct fuzz_opts, b),
     .flag = "--b",
     .env = "B"},
    {.key = "i",
     .type = GK_CONFIG_TYPE_INT64,
     .offset = offsetof(struct fuzz_opts, i),
     .default_value = "4",
     .flag = "--i",
     .min = -5,
     .max = 1000},
    {.key = "d",
     .type = GK_CONFIG_TYPE_DOUBLE,
     .offset = offsetof(struct fuzz_opts, d),
     .default_value = "4.5",
     .flag = "--d",
     .dmin = 0.1,
     .dmax = 60},
    {.key = "dur",
     .type = GK_CONFIG_TYPE_DURATION,
     .offset = offsetof(struct fuzz_opts, dur_us),
     .default_value = "10m",
     .flag = "--dur",
     .min = 1000,
     .max = 3600000000},
    {.key = "size",
     .type = GK_CONFIG_TYPE_SIZE,
     .offset = offsetof(struct fuzz_opts, size),
     .default_value = "1MiB",
     .flag = "--size"},
    {.key = "count",
     .type = GK_CONFIG_TYPE_COUNT,
     .offset = offsetof(struct fuzz_opts, count),
     .default_value = "10k"},
    {.key = "s",
     .type = GK_CONFIG_TYPE_STRING,
     .offset = offsetof(struct fuzz_opts, s),
     .default_value = "out.jsonl",
     .flag = "--s"},
    {.key = "secret",
     .type = GK_CONFIG_TYPE_STRING,
     .offset = offsetof(struct fuzz_opts, secret),
     .flag = "--secret",
     .flags = GK_CONFIG_SECRET},
    {.key = "e",
     .type = GK_CONFIG_TYPE_ENUM,
     .offset = offsetof(struct fuzz_opts, e),
     .names = names,
     .flag = "--e",
     .flags = GK_CONFIG_CLI_ONLY},
};
#define N_ROWS (sizeof table / sizeof table[0])

typedef enum gk_rc (*int_parser)(const char *, int64_t *, struct gk_err *);
typedef char *(*int_formatter)(int64_t, char *, size_t);

static void round_trip(int_parser parse, int_formatter format, const char *text)
{
    int64_t v, back;
    char buf[GK_CONFIG_NUM_MAX];
    struct gk_err err = {0};
    if (parse(text, &v, &err) != GK_OK) {
        CHECK(err.rc == GK_BAD_CONFIG && err.msg[0] != '\0');
        return;
    }
    CHECK(v >= 0);
    CHECK(parse(format(v, buf, sizeof buf), &back, NULL) == GK_OK && back == v);
}

static void fuzz_parsers(int which, const char *text)
{
    struct gk_err err = {0};
    char buf[GK_CONFIG_NUM_MAX];
    switch (which % 7) {
    case 0: {
        bool b;
        gk_config_parse_bool(text, &b, &err);
        break;
    }
    case 1: {
        int64_t v, back;
        if (gk_config_parse_int64(text, &v, &err) == GK_OK) {
            snprintf(buf, sizeof buf, "%lld", (long long)v);
            CHECK(gk_config_parse_int64(buf, &back, NULL) == GK_OK && back == v);
        }
        break;
    }
    case 2: {
        double d, back;
        if (gk_config_parse_double(text, &d, &err) == GK_OK) {
            gk_config_format_double(d, buf, sizeof buf);
            CHECK(gk_config_parse_double(buf, &back, NULL) == GK_OK && back == d);
        }
        break;
    }
    case 3:
        round_trip(gk_config_parse_duration, gk_config_format_duration, text);
        break;
    case 4:
        round_trip(gk_config_parse_size, gk_config_format_size, text);
        break;
    case 5:
        round_trip(gk_config_parse_count, gk_config_format_count, text);
        break;
    default: {
        int e = -1;
        if (gk_config_parse_enum(text, names, &e, &err) == GK_OK)
            CHECK(e >= 0 && e < 3);
        break;
    }
    }
}

static void fuzz_set(struct gk_config *cfg, struct fuzz_opts *o, uint8_t pick,
                     const char *text)
{
    const char *key = table[pick % N_ROWS].key;
    enum gk_config_origin origin = (enum gk_config_origin)((pick / N_ROWS) % 4);
    struct fuzz_opts before;
    char value[256];

    memcpy(&before, o, sizeof before); /* memcpy, not =, so padding compares too */

    /* Twice: the second set may replace the first string (or be outranked). */
    for (int k = 0; k < 2; k++) {
        if (gk_config_set(cfg, origin, "fuzz:1", key, text, NULL) != GK_OK)
            CHECK(memcmp(&before, o, sizeof before) == 0);
        memcpy(&before, o, sizeof before);
        origin = (enum gk_config_origin)((origin + 1) % 4);
    }
    for (size_t r = 0; r < N_ROWS; r++)
        CHECK(gk_config_format_value(cfg, table[r].key, value, sizeof value) != NULL);
    /* Unknown keys, from the bytes themselves. */
    gk_config_set(cfg, GK_CONFIG_FROM_FILE, NULL, text, "1", NULL);
}

static void fuzz_args(struct gk_config *cfg, const char *data, size_t size)
{
    char *argv[33] = {(char *)"prog"};
    char *pos[33];
    int argc = 1, n_pos = 0;
    /* data is a NUL-terminated copy; each NUL-separated piece is an arg. */
    for (size_t at = 0; at <= size && argc < 33; at += strlen(data + at) + 1)
        argv[argc++] = (char *)data + at;
    gk_config_parse_args(cfg, argc, argv, pos, &n_pos, NULL);
    CHECK(n_pos >= 0 && n_pos < argc);
    gk_config_parse_args(cfg, argc, argv, NULL, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096)
        return 0;
    uint8_t mode = data[0], pick = data[1];
    size_t len = size - 2;
    char *text = malloc(len + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data + 2, len);
    text[len] = '\0';

    if (mode % 4 == 0) {
        fuzz_parsers(pick, text);
    } else if (mode % 4 == 3) {
        char buf[128];
        size_t cap = pick % sizeof buf;
        gk_config_quote(text, buf, cap);
        CHECK(cap < 8 || (strlen(buf) < cap && buf[strlen(buf) - 1] == '"'));
    } else {
        struct gk_config cfg;
        struct fuzz_opts o;
        memset(&o, 0, sizeof o);
        CHECK(gk_config_init(&cfg, table, N_ROWS, &o, NULL) == GK_OK);
        if (mode % 4 == 1)
            fuzz_set(&cfg, &o, pick, text);
        else
            fuzz_args(&cfg, text, len);
        gk_config_cleanup(&cfg);
    }
    free(text);
    return 0;
}
