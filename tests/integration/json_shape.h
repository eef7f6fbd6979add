/*
 * json_shape: does a reply have the shape of an example body? The surface
 * suites (test_mock_api*.c, test_mock_input.c) compare what genie-mock
 * sends with the bodies of fixtures/genie-api-examples.json: the same keys,
 * each with the same JSON type, all the way down.
 *
 * Rules of the comparison (shape_match):
 *  - every key of the example is in the reply with the same JSON type
 *    (string, number, boolean, null, object, array), unless its path is in
 *    rules->optional; every key of the reply is in the example, unless its
 *    path is in rules->extra (an extra key's value is not checked further);
 *  - where the example has an integer, the reply must have an integer (ids
 *    and timestamps are int64 on the wire, never fractions);
 *  - keys starting with '_' in an example are annotations and ignored;
 *  - an array's elements are each compared with the example element they
 *    share the most keys with (attachments mix query, suggested_questions
 *    and text elements); a null is accepted where the example has a string
 *    inside an array (a SQL NULL cell of data_array).
 *
 * Paths name keys from the compared root, dotted, with "[]" for "any
 * element": "attachments[].query.thoughts", "statement_response.manifest".
 *
 * Ownership: shape_examples_load returns a cJSON tree the caller frees with
 * cJSON_Delete; the other functions borrow. Failures inside the loaders
 * abort the current Criterion test.
 */
#ifndef TEST_JSON_SHAPE_H
#define TEST_JSON_SHAPE_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Where the examples live, relative to the repository root (tests run there). */
#define SHAPE_EXAMPLES_FILE "fixtures/genie-api-examples.json"

struct shape_rules {
    const char *const *optional; /* NULL-terminated paths the reply may lack */
    const char *const *extra;    /* NULL-terminated paths the reply may add */
};

/*
 * True when got has the shape of want under rules (NULL: none). Otherwise
 * false, and why (cap bytes) lists the differences, one per line, each
 * naming its path ("message.status: expected string, got number").
 */
bool shape_match(const cJSON *got, const cJSON *want, const struct shape_rules *rules,
                 char *why, size_t cap);

/* Parses SHAPE_EXAMPLES_FILE; aborts the test if it cannot. */
cJSON *shape_examples_load(void);

/* The example body `name` of the examples; aborts the test if absent. */
const cJSON *shape_example(const cJSON *examples, const char *name);

/*
 * The value at path under root, or NULL: dotted keys with [N] for the N-th
 * element ("attachments[0].query.statement_id"). An empty path is root.
 */
const cJSON *shape_get(const cJSON *root, const char *path);

/* Asserts shape_match, printing the differences and the reply. */
#define ASSERT_SHAPE(got, want, rules)                                                   \
    do {                                                                                 \
        char why_[2048];                                                                 \
        char *txt_ = cJSON_PrintUnformatted(got);                                        \
        bool ok_ = shape_match((got), (want), (rules), why_, sizeof why_);               \
        if (!ok_)                                                                        \
            cr_log_error("reply: %.3000s", txt_ != NULL ? txt_ : "(none)");              \
        free(txt_);                                                                      \
        cr_assert(ok_, "shape differs from the example:\n%s", why_);                     \
    } while (0)

#endif
