/*
 * scenario_json ("sj"): the strict JSON reader behind scenario files.
 * Private to mockserver/ (scenario files and fault rules).
 *
 * It parses the text once (cJSON, which only scenario_json.c includes: the
 * nodes are handed out as an opaque struct mock_sj_node) and then answers
 * typed questions about the tree, each for a key of an object: "the string
 * at key, which must satisfy this rule", "an integer from min to max", "a
 * duration". A reader keeps the key path of the value being read and every
 * failure is recorded as
 *
 *     <file>: <key path>: <what is wrong>        (GK_BAD_CONFIG)
 *
 * e.g. `default.json: workspaces[0].spaces[1].title: expected a string, got
 * a number`. Typed readers push and pop their key; callers push array
 * indices and keys of nested objects themselves (mock_sj_push_*), and pop
 * with the mark the push returned.
 *
 * Typed readers leave *out untouched when the key is absent (the caller set
 * the default) and replace it when it is present; strings are malloc'd
 * copies owned by the caller. A key present with JSON null is an error, not
 * "absent".
 *
 * Ownership: struct mock_sj owns the parsed tree until mock_sj_cleanup();
 * nodes are lent and die with it. Thread-safety: none needed (load time).
 */
#ifndef MOCK_SCENARIO_JSON_H
#define MOCK_SCENARIO_JSON_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest key path kept; a longer one is cut (the message still names the
 * file and the start of the path). */
#define MOCK_SJ_PATH_MAX 192
/* Largest scenario text accepted. */
#define MOCK_SJ_TEXT_MAX (64u * 1024 * 1024)

struct mock_sj_node; /* opaque: one value of the parsed document */

struct mock_sj {
    const char *file; /* names the document in messages (borrowed) */
    struct gk_err *err;
    const struct mock_sj_node *root; /* an object */
    void *doc;                       /* the parsed tree, owned */
    char path[MOCK_SJ_PATH_MAX];
    size_t len;
};

/* What a string must look like: ok() decides, expect describes it for the
 * message ("expected <expect>, got \"...\""); secret values are not quoted. */
struct mock_sj_text {
    bool (*ok)(const char *s);
    const char *expect;
    bool secret;
};

/*
 * Parses len bytes of text (not NUL-terminated; NUL bytes, `\u0000` escapes
 * and anything but white space after the document are errors) into r, whose
 * root must be an object. file names the document in messages and must
 * outlive r. Returns GK_OK; GK_BAD_CONFIG naming the line and column of a
 * syntax error; GK_OUT_OF_MEMORY. On error r holds nothing.
 */
enum gk_rc mock_sj_parse(struct mock_sj *r, const char *file, const char *text,
                         size_t len, struct gk_err *err);
/*
 * Moves every top-level member of base's document that r's document lacks
 * into r's (a scenario's "base": what the file does not say, it inherits),
 * except the keys in skip (NULL-terminated, may be NULL).
 * GK_OK or GK_OUT_OF_MEMORY.
 */
enum gk_rc mock_sj_inherit(struct mock_sj *r, struct mock_sj *base,
                           const char *const *skip);

/* Frees the tree. Safe on a zeroed or cleaned-up reader. */
void mock_sj_cleanup(struct mock_sj *r);

/* Path handling: each push returns a mark for mock_sj_pop. */
size_t mock_sj_push_key(struct mock_sj *r, const char *key);
size_t mock_sj_push_index(struct mock_sj *r, size_t i);
void mock_sj_pop(struct mock_sj *r, size_t mark);
/* "<current path>.<key>" into buf (cut to cap): labels for generated ids.
 * Returns buf. */
const char *mock_sj_label(const struct mock_sj *r, const char *key, char *buf,
                          size_t cap);

/* Records GK_BAD_CONFIG "<file>: <path>: <message>" and returns it. */
enum gk_rc mock_sj_fail(struct mock_sj *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Records GK_OUT_OF_MEMORY and returns it. */
enum gk_rc mock_sj_oom(struct mock_sj *r);

/* Sets *out to a malloc'd copy of text unless *out is already set (a value
 * read from the file wins over the default). GK_OK or GK_OUT_OF_MEMORY. */
enum gk_rc mock_sj_dup(struct mock_sj *r, char **out, const char *text);

/* "a string", "a number", "an array", ... for messages. */
const char *mock_sj_kind(const struct mock_sj_node *v);
/* The value at key of object obj, or NULL when absent (or obj is NULL). */
const struct mock_sj_node *mock_sj_get(const struct mock_sj_node *obj, const char *key);
/* The string value of v, or NULL when v is not a string. */
const char *mock_sj_str(const struct mock_sj_node *v);
/* True (and *out set) when v is a finite number. */
bool mock_sj_num(const struct mock_sj_node *v, double *out);

/*
 * Checks that v (at the current path) is an object whose keys are all in
 * keys (NULL-terminated, at most 32), each at most once. Returns GK_OK or
 * GK_BAD_CONFIG: "expected an object, got ...", "<key>: unknown key (did
 * you mean ...?)", "<key>: duplicate key".
 */
enum gk_rc mock_sj_object(struct mock_sj *r, const struct mock_sj_node *v,
                          const char *const *keys);
/* Checks that v (at the current path) is an array; *count = its length.
 * Returns GK_OK or GK_BAD_CONFIG "expected <what>, got ...". */
enum gk_rc mock_sj_array(struct mock_sj *r, const struct mock_sj_node *v,
                         const char *what, size_t *count);
/* Elements of v when it is an array, else 0 (records nothing). */
size_t mock_sj_count(const struct mock_sj_node *v);
/* Walks array elements in order: first element (NULL when empty), next
 * element (NULL after the last). */
const struct mock_sj_node *mock_sj_first(const struct mock_sj_node *array);
const struct mock_sj_node *mock_sj_next(const struct mock_sj_node *element);
/* The key of an object member reached with first/next over an object (both
 * walk object members too), or NULL for an array element. */
const char *mock_sj_member_key(const struct mock_sj_node *member);

/* Typed readers for key of obj (see the top comment for absent keys). */
enum gk_rc mock_sj_string(struct mock_sj *r, const struct mock_sj_node *obj,
                          const char *key, const struct mock_sj_text *rule, char **out);
/* The same for a value already at the current path (array elements). */
enum gk_rc mock_sj_string_value(struct mock_sj *r, const struct mock_sj_node *v,
                                const struct mock_sj_text *rule, char **out);
/* An array of strings; replaces *out and *count (old strings freed). */
enum gk_rc mock_sj_strings(struct mock_sj *r, const struct mock_sj_node *obj,
                           const char *key, const struct mock_sj_text *rule, char ***out,
                           size_t *count);
/* A JSON integer from min to max (both within +-(2^53 - 1), where JSON
 * numbers are exact). */
enum gk_rc mock_sj_int(struct mock_sj *r, const struct mock_sj_node *obj, const char *key,
                       int64_t min, int64_t max, int64_t *out);
/* An integer id or seed from min to max: a JSON integer up to 2^53 - 1, or
 * a string of decimal digits (for larger values, which a JSON number would
 * round). */
enum gk_rc mock_sj_id_number(struct mock_sj *r, const struct mock_sj_node *obj,
                             const char *key, uint64_t min, uint64_t max, uint64_t *out);
enum gk_rc mock_sj_double(struct mock_sj *r, const struct mock_sj_node *obj,
                          const char *key, double min, double max, double *out);
enum gk_rc mock_sj_bool(struct mock_sj *r, const struct mock_sj_node *obj,
                        const char *key, bool *out);
/* A duration string ("500ms", "1.5s", "24h"; a bare number is seconds) in
 * microseconds, from min_us to max_us. */
enum gk_rc mock_sj_duration(struct mock_sj *r, const struct mock_sj_node *obj,
                            const char *key, int64_t min_us, int64_t max_us,
                            int64_t *out_us);
/* A size: a string ("1MiB", "64KiB") or a JSON integer of bytes. */
enum gk_rc mock_sj_size(struct mock_sj *r, const struct mock_sj_node *obj,
                        const char *key, int64_t min, int64_t max, int64_t *out);

#endif
