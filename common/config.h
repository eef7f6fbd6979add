/*
 * config: table-driven configuration shared by genie-mock and genie-gen.
 *
 * A program describes its settings once, as an array of struct
 * gk_config_option rows pointing (by offsetof) into its own config struct.
 * Everything else is driven by that table: defaults, config-file keys,
 * environment variables, command-line flags, validation, --help and a
 * --print-config dump, and freeing the strings.
 *
 * Sources rank default < file < env < flag. The rank is enforced, not a
 * matter of call order: a value is replaced only by one from the same or a
 * higher rank, so a program may parse its flags first (to find --config),
 * then read the file and the environment, and flags still win. A value from
 * a lower rank is still validated, so a broken config file is reported even
 * when a flag overrides the bad line.
 *
 * The config remembers where each value came from ("default", "file
 * gen.json:7", "env GENIE_RATE_PER_MIN", "flag --rate"), and every error
 * names the key and that source:
 *
 *     rate_per_min (env GENIE_RATE_PER_MIN): expected a number from 0.1 to 60, got "fast"
 *
 * All config errors are GK_BAD_CONFIG (GK_OUT_OF_MEMORY when a copy fails).
 * A failed set leaves the previous value and its source untouched.
 *
 * Storage per type (the field at `offset` must have exactly this type):
 *     BOOL -> bool, INT64/DURATION/SIZE/COUNT -> int64_t, DOUBLE -> double,
 *     STRING -> char * (owned by the config), ENUM -> int (index into names).
 * Units:
 *     DURATION  microseconds; us, ms, s, m, h, fractions allowed ("1.5s");
 *               a bare number means SECONDS ("30" = 30s)
 *     SIZE      bytes; k/K/KiB = 1024, M/MiB = 1024^2, G/GiB = 1024^3,
 *               T/TiB = 1024^4, B or bare = bytes ("1.5KiB" = 1536)
 *     COUNT     k/K = 1000, M = 10^6, G = 10^9, bare = 1 ("10k" requests)
 * The unit types reject negative values and results that are not a whole
 * number of the base unit ("1.5" bytes, "0.5us"). Surrounding spaces and tabs
 * are ignored everywhere; nothing else is.
 *
 * Double parsing uses strtod, which reads the decimal point of LC_NUMERIC;
 * the programs never call setlocale, so it stays ".".
 *
 * Thread-safety: none. Build the config at startup, before other threads
 * read the struct it fills. The parsers, formatters and gk_config_quote are
 * pure functions, safe from any thread.
 */
#ifndef GK_CONFIG_H
#define GK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"

enum gk_config_type {
    GK_CONFIG_TYPE_BOOL,     /* true/false, 1/0, yes/no, on/off (any case) */
    GK_CONFIG_TYPE_INT64,    /* decimal integer, optional sign */
    GK_CONFIG_TYPE_DOUBLE,   /* finite decimal number, exponent allowed */
    GK_CONFIG_TYPE_DURATION, /* "500ms", "1.5s", "10m" */
    GK_CONFIG_TYPE_SIZE,     /* "64KiB", "1M" */
    GK_CONFIG_TYPE_COUNT,    /* a number of things: "10k", "2M" */
    GK_CONFIG_TYPE_STRING,   /* any text */
    GK_CONFIG_TYPE_ENUM      /* one of the row's names (any case) */
};

/* Where a value came from, in rank order: a later origin beats an earlier. */
enum gk_config_origin {
    GK_CONFIG_FROM_DEFAULT,
    GK_CONFIG_FROM_FILE,
    GK_CONFIG_FROM_ENV,
    GK_CONFIG_FROM_FLAG
};

/* Row flags. */
#define GK_CONFIG_SECRET   1u /* tokens, client secrets: never printed in clear */
#define GK_CONFIG_CLI_ONLY 2u /* only from the command line (--help, --config) */

/* Room for any formatted number, duration, size or count, NUL included. */
#define GK_CONFIG_NUM_MAX    32
/* Room for any gk_config_format_bounds() result. */
#define GK_CONFIG_BOUNDS_MAX 80
/* Room for a source description built from a short file path. */
#define GK_CONFIG_SOURCE_MAX 160

/*
 * One setting. Rows are meant to be written with designated initializers;
 * fields left out are 0/NULL, which means "none" for every optional field.
 */
struct gk_config_option {
    const char *key; /* "rate_per_min": the config-file key */
    enum gk_config_type type;
    size_t offset;             /* offsetof(struct caller_config, field) */
    const char *default_value; /* text parsed like any other source; NULL =
                                  false / 0 / NULL string / first enum name */
    const char *env;           /* "GENIE_RATE_PER_MIN", or NULL */
    const char *flag;          /* "--rate", or NULL: not settable by flag */
    int64_t min, max;          /* INT64, DURATION (us), SIZE, COUNT: inclusive
                                  bounds; both 0 = only the type's own range */
    double dmin, dmax;         /* DOUBLE: the same; both 0 = any finite value */
    const char *const *names;  /* ENUM: allowed names, NULL-terminated */
    unsigned flags;            /* GK_CONFIG_SECRET | GK_CONFIG_CLI_ONLY */
    const char *help;          /* one line for --help */
};

struct gk_config_slot; /* private: a value's source */

/* A table bound to the caller's struct. Fields are read-only for callers. */
struct gk_config {
    const struct gk_config_option *opts; /* borrowed: must outlive the config */
    size_t n_opts;
    void *target;                 /* the caller's struct, filled in place */
    struct gk_config_slot *slots; /* one per row */
};

/*
 * Checks the table (non-empty unique keys, unique "--" flags, enum names,
 * bounds, no env on CLI_ONLY rows), then sets every field of target named by
 * the table to its default; fields not in the table are left alone. Returns
 * GK_OK, or GK_BAD_CONFIG naming the bad row (including a default that does
 * not parse) or GK_OUT_OF_MEMORY; on failure nothing is left to clean up.
 * opts and target are borrowed and must outlive cfg.
 */
enum gk_rc gk_config_init(struct gk_config *cfg, const struct gk_config_option *opts,
                          size_t n_opts, void *target, struct gk_err *err);

/* Frees every string field in target (wiping secret ones first) and sets it to
 * NULL, and frees the source records. Safe on a zeroed or cleaned-up config. */
void gk_config_cleanup(struct gk_config *cfg);

/*
 * Sets key from text, recording origin. `where` describes the place for
 * GK_CONFIG_FROM_FILE ("gen.json:7" or "gen.json: rate_per_min"; copied) and
 * is ignored otherwise (env and flag names come from the row). The value is
 * validated first; it is stored only if origin ranks at least as high as the
 * current value's. Returns GK_OK (stored or outranked), GK_BAD_CONFIG (unknown
 * key, with a suggestion when one is close; a value that does not parse or is
 * out of bounds; a CLI_ONLY key from elsewhere) or GK_OUT_OF_MEMORY. On error
 * the previous value and source stay as they were.
 */
enum gk_rc gk_config_set(struct gk_config *cfg, enum gk_config_origin origin,
                         const char *where, const char *key, const char *text,
                         struct gk_err *err);

/*
 * Sets every row that names an environment variable and finds it set and
 * non-empty (an empty variable counts as unset). lookup(name, ctx) returns
 * the variable's value or NULL; NULL lookup means getenv. Stops at the first
 * error and returns it (values set before it stay set).
 */
enum gk_rc gk_config_load_env(struct gk_config *cfg,
                              const char *(*lookup)(const char *name, void *ctx),
                              void *ctx, struct gk_err *err);

/*
 * Parses argv[1..argc-1]: `--flag value`, `--flag=value`; a bool flag alone
 * means true and `--no-flag` false; `--` ends the options; "-" and anything
 * not starting with "-" is positional. A separate value may not start with
 * "--" (write --flag=--x for that). Positional arguments are stored in order
 * in positional[] (room for argc entries; they point into argv) and counted in
 * *n_positional; a NULL positional makes any positional argument an error.
 * Returns GK_OK or GK_BAD_CONFIG (unknown option, with "did you mean --x?"
 * when one is close; missing or bad value) and stops at the first error.
 */
enum gk_rc gk_config_parse_args(struct gk_config *cfg, int argc, char *const argv[],
                                char *positional[], int *n_positional,
                                struct gk_err *err);

/*
 * Describes where key's value came from ("default", "file gen.json:7",
 * "env GENIE_RATE_PER_MIN", "flag --rate") into buf (cut to cap) and, when
 * origin is not NULL, stores the origin. Returns buf, or NULL if key is unknown.
 */
const char *gk_config_source(const struct gk_config *cfg, const char *key,
                             enum gk_config_origin *origin, char *buf, size_t cap);

/*
 * Formats key's current value; except for strings, as text that parses back
 * to it: true/false, integers, doubles (shortest exact form), durations,
 * sizes and counts in the largest exact unit, enum names. Strings come out as
 * gk_config_quote makes them (quoted, escaped, cut to cap with "..."), NULL
 * ones as `(unset)`. Secrets are formatted in clear: callers
 * that print decide. Returns buf, or NULL if key is unknown.
 */
const char *gk_config_format_value(const struct gk_config *cfg, const char *key,
                                   char *buf, size_t cap);

/*
 * Prints one entry per row to out: flag (or file key), env var, default,
 * bounds or allowed names, help text. Secret defaults are not shown. File
 * keys are shown only when the table has a row keyed "config" (the program
 * reads a config file).
 * Returns GK_OK or GK_IO_ERROR if writing failed.
 */
enum gk_rc gk_config_print_help(const struct gk_config_option *opts, size_t n_opts,
                                FILE *out);

/*
 * Prints `key = value  # source` per row. Secret values print as "<secret>"
 * when set, (unset) or "" otherwise, never in clear.
 * Returns GK_OK or GK_IO_ERROR if writing failed.
 */
enum gk_rc gk_config_dump(const struct gk_config *cfg, FILE *out);

/*
 * Parsers, one per type, for programs that read such values elsewhere (flags
 * of their own, scenario files). Each takes NUL-terminated text, stores the
 * value in *out and returns GK_OK; otherwise returns GK_BAD_CONFIG with a
 * message that quotes the bad value (but does not know the key: callers
 * prefix it) and leaves *out unchanged. Overflow is an error, never a wrap.
 */
enum gk_rc gk_config_parse_bool(const char *text, bool *out, struct gk_err *err);
enum gk_rc gk_config_parse_int64(const char *text, int64_t *out, struct gk_err *err);
enum gk_rc gk_config_parse_double(const char *text, double *out, struct gk_err *err);
/* *out in microseconds; a bare number is seconds. */
enum gk_rc gk_config_parse_duration(const char *text, int64_t *out_us,
                                    struct gk_err *err);
enum gk_rc gk_config_parse_size(const char *text, int64_t *out_bytes, struct gk_err *err);
enum gk_rc gk_config_parse_count(const char *text, int64_t *out, struct gk_err *err);
/* names is NULL-terminated; *out is the index of the match (ASCII case ignored). */
enum gk_rc gk_config_parse_enum(const char *text, const char *const *names, int *out,
                                struct gk_err *err);

/*
 * Formatters: the inverse of the parsers, using the largest unit that
 * represents the value exactly ("1500ms", "64KiB", "10k"; 0 gives "0s", "0",
 * "0"). buf should hold GK_CONFIG_NUM_MAX bytes (output is cut to cap).
 * Return buf.
 */
char *gk_config_format_duration(int64_t us, char *buf, size_t cap);
char *gk_config_format_size(int64_t bytes, char *buf, size_t cap);
char *gk_config_format_count(int64_t n, char *buf, size_t cap);
/* Shortest "%.*g" form that reads back as exactly d. */
char *gk_config_format_double(double d, char *buf, size_t cap);

/*
 * Formats row o's bounds in its own unit ("from 1s to 10m", "from 0.1 to 60")
 * into buf (GK_CONFIG_BOUNDS_MAX bytes); "" when the row has none. Returns buf.
 */
char *gk_config_format_bounds(const struct gk_config_option *o, char *buf, size_t cap);

/*
 * Quotes text for a message: double quotes around it, `"` and `\` escaped,
 * control bytes and bytes >= 0x7f as \xNN, cut with "..." when it would not
 * fit in cap (which must be at least 8). NULL prints as (null). Every config
 * message quotes values this way; public so a program's own config-file
 * reader can match. Returns buf.
 */
char *gk_config_quote(const char *text, char *buf, size_t cap);

#endif
