/*
 * api_steps: what the surface suites (test_mock_api*.c, test_mock_input.c)
 * share: one scenario with fixed timings whose outcome, limits and wire
 * switches each test picks, and Genie calls as test steps that assert as
 * they go (a step that fails aborts the test with the reply in the message).
 *
 * The scenario: workspace 1111222233334444 with two spaces, "Sales"
 * (API_SPACE, main.sales.orders of 50,000 rows) and "Ops" (API_SPACE2), and
 * two principals: dev@example.com (API_DEV, can_manage) and
 * analyst@example.com (API_ANALYST, not). Every message spends 1 s in each of
 * SUBMITTED, FETCHING_METADATA and FILTERING_CONTEXT, 2 s in ASKING_AI, no
 * time waiting for the warehouse and 3 s in EXECUTING_QUERY: a SQL answer
 * completes at API_SQL_DONE_MS, a text-only one at API_TEXT_DONE_MS, and a
 * result expires an hour after it completed.
 *
 * Ownership: replies are the caller's (h_free); ids are copied into the
 * caller's struct.
 */
#ifndef TEST_API_STEPS_H
#define TEST_API_STEPS_H

#include "common/id.h"
#include "tests/integration/json_shape.h"
#include "tests/integration/mock_harness.h"

#include <stdbool.h>
#include <stdint.h>

#define API_SPACE        "01f0aaaabbbbccccddddeeeeffff0001"
#define API_SPACE2       "01f0aaaabbbbccccddddeeeeffff0002"
#define API_DEV          "dapi-api-dev-token-0001"
#define API_ANALYST      "dapi-api-analyst-token-0002"
#define API_DEV_ID       INT64_C(4213378824551907)
#define API_ANALYST_ID   INT64_C(5511969577895513)
#define API_SQL_DONE_MS  8000
#define API_TEXT_DONE_MS 5000
#define API_GENIE        "/api/2.0/genie/spaces"

/* The scenario with an outcome mix (members of behaviour.outcomes), the one
 * failure type, and the members of limits and wire (each may be ""). */
#define API_SCENARIO(outcomes, failure, limits, wire)                                    \
    "{\"name\":\"api\",\"seed\":7,\"workspaces\":[{\"workspace_id\":"                    \
    "\"1111222233334444\","                                                              \
    "\"spaces\":[{\"space_id\":\"" API_SPACE "\",\"title\":\"Sales\","                   \
    "\"description\":\"Orders.\",\"domain\":\"sales\",\"parent_path\":\"/Workspace/"     \
    "Sales\","                                                                           \
    "\"sample_questions\":[\"What were total sales by region last month?\"],"            \
    "\"tables\":[{\"name\":\"main.sales.orders\",\"row_count\":50000,\"columns\":["      \
    "{\"name\":\"order_id\",\"type\":\"LONG\",\"min\":1,\"max\":50000},"                 \
    "{\"name\":\"region\",\"type\":\"STRING\",\"values\":[\"EMEA\",\"AMER\",\"APAC\"]}," \
    "{\"name\":\"amount\",\"type\":\"DECIMAL\",\"min\":5,\"max\":500},"                  \
    "{\"name\":\"order_date\",\"type\":\"DATE\",\"min\":\"2025-01-01\","                 \
    "\"max\":\"2026-10-31\"}]}]},"                                                       \
    "{\"space_id\":\"" API_SPACE2 "\",\"title\":\"Ops\",\"domain\":\"operations\","      \
    "\"tables\":[{\"name\":\"main.ops.shipments\",\"row_count\":800,\"columns\":["       \
    "{\"name\":\"carrier\",\"type\":\"STRING\",\"values\":[\"UPS\",\"DHL\"]},"           \
    "{\"name\":\"weight_kg\",\"type\":\"DOUBLE\",\"min\":1,\"max\":90}]}]}],"            \
    "\"principals\":[{\"name\":\"dev@example.com\",\"user_id\":4213378824551907,"        \
    "\"token\":\"" API_DEV "\",\"spaces\":\"*\",\"can_manage\":true},"                   \
    "{\"name\":\"analyst@example.com\",\"user_id\":5511969577895513,"                    \
    "\"token\":\"" API_ANALYST "\",\"spaces\":\"*\"}]}],"                                \
    "\"behaviour\":{\"outcomes\":{" outcomes "},\"failure_types\":[\"" failure "\"],"    \
    "\"status_time\":{\"SUBMITTED\":\"1s\",\"FETCHING_METADATA\":\"1s\","                \
    "\"FILTERING_CONTEXT\":\"1s\",\"ASKING_AI\":\"2s\",\"PENDING_WAREHOUSE\":\"5s\","    \
    "\"EXECUTING_QUERY\":\"3s\"},\"pending_warehouse_ratio\":0,\"result_expiry\":"       \
    "\"1h\"},"                                                                           \
    "\"limits\":{" limits "},\"wire\":{" wire "}}"

/* Every question answered with SQL, no question limit to speak of. */
#define API_SQL_SCENARIO                                                                 \
    API_SCENARIO("\"completed_sql\":1", "SQL_EXECUTION_EXCEPTION",                       \
                 "\"questions_per_window\":100000", "")

struct api_ids {
    char conv[GK_ID_SIZE];
    char msg[GK_ID_SIZE];
};

/*
 * One request: method, the path made from fmt, body (NULL: none) and
 * "Bearer <token>" (NULL: no Authorization). The reply is the caller's.
 */
struct h_reply api_call(const struct mock *m, const char *method, const char *token,
                        const char *body, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* start-conversation in space as token's principal; asserts 200. */
struct api_ids api_start(const struct mock *m, const char *space, const char *token,
                         const char *question);
/* A follow-up in ids->conv (of space); asserts 200; returns the new ids. */
struct api_ids api_follow_up(const struct mock *m, const char *space, const char *token,
                             const struct api_ids *ids, const char *question);
/* GET the message; asserts 200. */
struct h_reply api_message(const struct mock *m, const char *space, const char *token,
                           const struct api_ids *ids);

/* The first attachment of message JSON msg that has member kind, or NULL. */
const cJSON *api_attachment(const cJSON *msg, const char *kind);
/* The query attachment's id (asserted present) copied into out. */
void api_query_attachment_id(const cJSON *msg, char out[GK_ID_SIZE]);

/* The string / integer at path (shape_get syntax); asserted present. */
const char *api_str(const cJSON *root, const char *path);
int64_t api_int(const cJSON *root, const char *path);

/* True for exactly 32 lowercase hex digits. */
bool api_is_id(const char *s);

/*
 * Asserts the wire values of a Genie reply, at any depth: every *_timestamp
 * an integer of 13 digits (epoch ms), user_id a positive integer JSON
 * number, every space_id, conversation_id, message_id, attachment_id,
 * query_attachment_id and id 32 lowercase hex digits, every statement_id a
 * hyphenated UUID.
 */
void api_assert_wire_values(const cJSON *root);

/*
 * Asserts r is the Databricks error envelope (the shape of the examples'
 * error bodies, with its RequestInfo detail) with this HTTP status and
 * error_code, and that its message contains needle (NULL: any message).
 */
void api_assert_error(const struct h_reply *r, long status, const char *code,
                      const char *needle);

#endif
