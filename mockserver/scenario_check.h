/*
 * scenario_check: the value rules of scenario files that need no JSON, and
 * the checks that span the whole loaded scenario. Private to
 * mockserver/scenario*.c; nothing here is part of the scenario.h contract.
 *
 * scenario.c walks the JSON document and calls these on plain C values; it
 * owns the file name and the key path, so the parsers here record messages
 * without them ("expected YYYY-MM-DD, got \"2025-13-01\"") and scenario.c
 * prefixes both. mock_scenario_check_unique() works on the finished struct
 * and names the file and the full key path itself.
 *
 * Thread-safety: pure functions of their arguments.
 */
#ifndef MOCK_SCENARIO_CHECK_H
#define MOCK_SCENARIO_CHECK_H

#include "common/err.h"
#include "common/rng.h"
#include "mockserver/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Characters of a warehouse id: 16 lowercase hex digits. */
#define MOCK_SCENARIO_WAREHOUSE_LEN 16

/* True when s is valid UTF-8 (no overlong forms, surrogates or code points
 * past U+10FFFF) without control characters; multiline also allows \n, \t. */
bool mock_scenario_text_ok(const char *s, bool multiline);
/* True when s is 1 to 256 bytes of visible ASCII (0x21..0x7e): tokens,
 * client ids and secrets travel in HTTP headers. */
bool mock_scenario_credential_ok(const char *s);
/* 16 decimal digits, the first not 0. */
bool mock_scenario_workspace_id_ok(const char *s);
/* 16 lowercase hex digits. */
bool mock_scenario_warehouse_id_ok(const char *s);
/* catalog.schema.table, each part 1..255 of [A-Za-z0-9_]. */
bool mock_scenario_table_name_ok(const char *s);
/* A column name: 1..255 of [A-Za-z0-9_], not starting with a digit. */
bool mock_scenario_column_name_ok(const char *s);
/* A MessageErrorType: 1..63 of [A-Z0-9_] (what lifecycle accepts). */
bool mock_scenario_failure_type_ok(const char *s);
/* A domain (question bank name): 1..64 of [a-z0-9_-]. */
bool mock_scenario_domain_ok(const char *s);

/*
 * Parses "300ms..800ms" (min..max) or "2s" (min = max) with the config
 * duration parser, each bound at most max_us. Returns GK_OK or GK_BAD_CONFIG
 * (out untouched) with a message that quotes the text.
 */
enum gk_rc mock_scenario_parse_span(const char *text, int64_t max_us,
                                    struct mock_span *out, struct gk_err *err);
/* Parses a calendar date "YYYY-MM-DD" (years 0000..9999) into days since
 * 1970-01-01. GK_BAD_CONFIG (out untouched) otherwise. */
enum gk_rc mock_scenario_parse_date(const char *text, int64_t *days, struct gk_err *err);
/* Parses "YYYY-MM-DD" or an RFC 3339 date-time into (fractional) days since
 * 1970-01-01. GK_BAD_CONFIG (out untouched) otherwise. */
enum gk_rc mock_scenario_parse_timestamp(const char *text, double *days,
                                         struct gk_err *err);
/* Reads the precision and scale of "DECIMAL", "DECIMAL(p)" or "DECIMAL(p,s)"
 * (any case; 1 <= p <= 38, 0 <= s <= p; bare DECIMAL is (10,0) as in Spark).
 * GK_BAD_CONFIG (outputs untouched) otherwise. */
enum gk_rc mock_scenario_parse_decimal(const char *type_text, int *precision, int *scale,
                                       struct gk_err *err);

/* The entry of keys (NULL-terminated) closest to key when it is close enough
 * to be a likely typo (ASCII case ignored), else NULL. */
const char *mock_scenario_suggest(const char *key, const char *const *keys);

/* Fills out with 16 lowercase hex digits from r, and a NUL. */
void mock_scenario_gen_warehouse_id(struct gk_rng *r,
                                    char out[MOCK_SCENARIO_WAREHOUSE_LEN + 1]);
/* Fills out with a random (version 4) UUID from r, and a NUL. */
void mock_scenario_gen_uuid(struct gk_rng *r, char out[37]);

/*
 * Checks what must be unique across the loaded scenario: workspace ids,
 * non-zero ports, space ids, tokens and client ids; per workspace principal
 * names and user ids; per space table names; per table column names. Sorts
 * copies, so it is O(n log n). Returns GK_OK, GK_BAD_CONFIG naming the file,
 * the key path of the later duplicate and of the first one, or
 * GK_OUT_OF_MEMORY.
 */
enum gk_rc mock_scenario_check_unique(const char *file, const struct mock_scenario *s,
                                      struct gk_err *err);

#endif
