/*
 * gen_json: the strict JSON reader of genie-gen's own files (the config file
 * and, on resume, the records file and the state journal). Private to
 * generator/; json.c is the only file of generator/ that includes cJSON, so
 * no cJSON type crosses a header (nodes are an opaque struct gen_json_node).
 *
 * Strict where cJSON is lenient: NUL bytes, `\u0000` escapes (they would
 * end a C string early), numbers that overflow to infinity and anything but
 * white space after the document are errors, and the root must be an
 * object. Integers are exact only up to 2^53 - 1 (a JSON number is a
 * double); gen_json_int64() refuses anything beyond, and config files write
 * such values as strings.
 *
 * A reader keeps the key path of the value being read, so every failure
 * reads "<file>: <path>: <what is wrong>" (GK_BAD_CONFIG), e.g.
 * `gen.json: workspaces[1].spaces[0].space_id: expected a string, got a
 * number`. Messages never quote values: config files carry secrets.
 *
 * Ownership: struct gen_json owns the parsed tree until gen_json_cleanup();
 * nodes and the strings they lend die with it. Thread-safety: a reader
 * belongs to one caller.
 */
#ifndef GEN_JSON_H
#define GEN_JSON_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest key path kept; a longer one is cut. */
#define GEN_JSON_PATH_MAX 160
/* Largest document accepted. */
#define GEN_JSON_TEXT_MAX (16u * 1024 * 1024)

enum gen_json_kind {
    GEN_JSON_ABSENT, /* a NULL node: the member is not there */
    GEN_JSON_NULL,
    GEN_JSON_BOOL,
    GEN_JSON_NUMBER,
    GEN_JSON_STRING,
    GEN_JSON_ARRAY,
    GEN_JSON_OBJECT
};

struct gen_json_node; /* opaque: one value of the parsed document */

struct gen_json {
    const char *file; /* names the document in messages (borrowed) */
    struct gk_err *err;
    const struct gen_json_node *root; /* an object */
    void *doc;                        /* the parsed tree, owned */
    char path[GEN_JSON_PATH_MAX];
    size_t len;
};

/*
 * Parses len bytes of text (need not be NUL-terminated) into j. file names
 * the document in messages and must outlive j; err receives every later
 * failure too. Returns GK_OK; GK_BAD_CONFIG "<file>: line L column C: not
 * valid JSON" (and the like: the text itself is never quoted) or
 * GK_OUT_OF_MEMORY. On error j holds nothing to free.
 */
enum gk_rc gen_json_parse(struct gen_json *j, const char *file, const char *text,
                          size_t len, struct gk_err *err);

/* Frees the tree. Safe on a zeroed or cleaned-up reader. */
void gen_json_cleanup(struct gen_json *j);

/* ---- reading the tree (no errors: absent and mistyped values read as such) ---- */

enum gen_json_kind gen_json_kind(const struct gen_json_node *n);
/* "a string", "a number", "an object", ... for messages; "nothing" for NULL. */
const char *gen_json_kind_name(const struct gen_json_node *n);
/* obj's member named key (case-sensitive), or NULL (also when obj is no object). */
const struct gen_json_node *gen_json_get(const struct gen_json_node *obj,
                                         const char *key);
/* First element of an array or first member of an object; NULL when empty. */
const struct gen_json_node *gen_json_child(const struct gen_json_node *n);
/* The next sibling, or NULL. */
const struct gen_json_node *gen_json_next(const struct gen_json_node *n);
/* Elements of an array or members of an object; 0 for anything else. */
size_t gen_json_count(const struct gen_json_node *n);
/* The member name of an object member (lent), or NULL. */
const char *gen_json_key(const struct gen_json_node *n);
/* The string (lent), or NULL when n is not a string. */
const char *gen_json_string(const struct gen_json_node *n);
/* true and *out when n is an integral number within +-(2^53 - 1). */
bool gen_json_int64(const struct gen_json_node *n, int64_t *out);
/* true and *out when n is a number. */
bool gen_json_double(const struct gen_json_node *n, double *out);
/* true and *out when n is true or false. */
bool gen_json_bool(const struct gen_json_node *n, bool *out);
/*
 * A scalar as config text: a string as it is, a bool as true/false, a number
 * exactly (integers as digits, others in the shortest form that reads back).
 * Returns false for null, arrays, objects, integers beyond 2^53 - 1 and text
 * that does not fit in cap bytes.
 */
bool gen_json_scalar_text(const struct gen_json_node *n, char *buf, size_t cap);

/* ---- key paths and failures ---- */

/* Appends ".key" ("key" at the top) or "[i]" to the path; returns the mark to
 * give gen_json_pop() to go back. */
size_t gen_json_push_key(struct gen_json *j, const char *key);
size_t gen_json_push_index(struct gen_json *j, size_t i);
void gen_json_pop(struct gen_json *j, size_t mark);

/*
 * Records GK_BAD_CONFIG "<file>: <path>: <message>" ("<file>: <message>" at
 * the top) in j->err and returns GK_BAD_CONFIG.
 */
enum gk_rc gen_json_fail(struct gen_json *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
