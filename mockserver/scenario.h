/*
 * scenario: what a genie-mock run serves, as loaded from a scenario file.
 *
 * A scenario names the workspaces (each with its principals and spaces), the
 * spaces (title, warehouse, tables with column schemas and value pools), how
 * messages behave (the outcome mix and the time spent in each status), the
 * limits, and the uncertain wire points that are left configurable. The file
 * format is JSON and is documented in docs/scenario.md; every key has a
 * default, so `{}` is a valid scenario with nothing in it, and the default
 * scenario is fixtures/scenarios/default.json. Ids and tokens the file leaves
 * out are generated at load time from the file's seed (0 when it has none)
 * and the key's position, so the same file gives the same ids on every run.
 *
 * Every string the struct holds is non-NULL and valid UTF-8, except the
 * credentials of a principal (token, client_id, client_secret), which are
 * NULL when the principal has none.
 *
 * Loading is all-or-nothing: an error names the file and the key path
 * ("default.json: workspaces[0].spaces[1].tables[0].columns[2].type: expected
 * one of ...") and leaves nothing allocated. A loaded scenario is immutable
 * and may be read from any thread.
 */
#ifndef MOCK_SCENARIO_H
#define MOCK_SCENARIO_H

#include "common/err.h"
#include "common/types.h"
#include "mockserver/fault.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A column of a table: name, SQL type and how to make plausible values. */
struct mock_column {
    char *name;
    enum gk_coltype type; /* STRING, LONG, INT, DOUBLE, DECIMAL, DATE, TIMESTAMP, BOOLEAN */
    char *type_text;      /* "BIGINT", "DECIMAL(18,2)", ... */
    char **values;        /* STRING: the pool values are drawn from; may be empty */
    size_t value_count;
    double min, max;      /* numeric, DATE and TIMESTAMP columns: the range, inclusive;
                             DATE: whole epoch days; TIMESTAMP: epoch days, fractional
                             (multiply by 86400 for seconds); 0 for STRING and BOOLEAN */
    double null_ratio;    /* share of NULLs, 0..1 */
    int precision, scale; /* DECIMAL: from type_text ("DECIMAL(18,2)": 18, 2); else 0 */
};

struct mock_table {
    char *name; /* three-part: catalog.schema.table */
    struct mock_column *columns;
    size_t column_count;
    int64_t row_count; /* rows the table "has": bounds the rows a query returns */
};

struct mock_space {
    char *space_id; /* 32 hex; generated from the seed when the file has none */
    char *title;
    char *description;
    char *domain; /* "sales", "retail", ... (matches question banks) */
    char *warehouse_id;
    char *parent_path;
    int64_t create_time_ms;
    struct mock_table *tables;
    size_t table_count;
    char **sample_questions;
    size_t sample_question_count;
    size_t workspace_index; /* the workspace that serves it: scenario.workspaces[i] */
};

/* Who may call: a PAT, or OAuth client credentials, or both. */
struct mock_principal {
    char *name;          /* user name / e-mail for audit rows */
    int64_t user_id;
    char *token;         /* PAT; NULL for none */
    char *client_id;     /* OAuth M2M; NULL for none */
    char *client_secret;
    bool all_spaces;     /* may use every space of its workspace */
    char **spaces;       /* otherwise: the space ids it may use */
    size_t space_count;
    bool can_manage;     /* may list every user's conversations (include_all) */
};

struct mock_workspace {
    char *workspace_id; /* 16 decimal digits */
    char *account_id;   /* a UUID */
    uint16_t port;      /* 0: base port + index, or any free one */
    struct mock_principal *principals;
    size_t principal_count;
    char **spaces; /* ids of the spaces it serves */
    size_t space_count;
};

/* The outcome mix: weights, normalised at load time. */
struct mock_outcomes {
    double completed_sql;
    double completed_text;
    double failed;
    double cancelled;
    double stuck;
};

/* A duration drawn uniformly from [min_us, max_us]. */
struct mock_span {
    int64_t min_us, max_us;
};

struct mock_behaviour {
    struct mock_outcomes outcomes;
    struct mock_span status_time[GK_MSG_STATUS_COUNT]; /* per non-terminal status */
    double pending_warehouse_ratio; /* share of SQL answers that wait for a warehouse */
    char **failure_types;           /* MessageErrorType strings to draw from */
    size_t failure_type_count;
    int64_t result_expiry_us;       /* 0: results never expire */
};

struct mock_limits {
    int questions_per_window;  /* 5 */
    int64_t question_window_us; /* 60 s */
    int requests_per_second;   /* general limit per workspace; 0: none */
    size_t max_body;           /* bytes; larger bodies get 413 */
    int max_conversations_per_space; /* 10000 */
    int max_result_rows;       /* 5000 */
    int page_size_default;     /* 20 */
    int page_size_max;         /* 100 */
    int64_t token_ttl_us;      /* OAuth access tokens, 1 h */
};

/* The uncertain wire points (genie-api.md section 8), all configurable. */
struct mock_wire {
    char *rate_limit_error_code; /* REQUEST_LIMIT_EXCEEDED (or RESOURCE_EXHAUSTED, TOO_MANY_REQUESTS) */
    bool text_attachment_ids;    /* put attachment_id on text attachments */
    bool typed_rows_deprecated;  /* data_typed_array on the deprecated endpoints */
    bool legacy_query_result;    /* the deprecated message-level query_result */
};

struct mock_scenario {
    char *name;
    uint64_t seed; /* used unless --seed overrides */
    bool has_seed;
    struct mock_workspace *workspaces;
    size_t workspace_count;
    struct mock_space *spaces;
    size_t space_count;
    struct mock_behaviour behaviour;
    struct mock_limits limits;
    struct mock_wire wire;
    struct mock_fault_set faults; /* fault rules, in the order they are tried */
};

/*
 * Loads the scenario at path. Returns GK_OK and fills *out, or GK_BAD_CONFIG
 * with a message that names the file and key path (GK_IO_ERROR when the file
 * cannot be read); *out is then zeroed. Free with mock_scenario_cleanup().
 */
enum gk_rc mock_scenario_load(const char *path, struct mock_scenario *out, struct gk_err *err);

/* As mock_scenario_load, from text in memory; `name` is used in messages. */
enum gk_rc mock_scenario_parse(const char *name, const char *text, size_t len,
                               struct mock_scenario *out, struct gk_err *err);

/*
 * As mock_scenario_parse, with the names a "base" may take looked up in
 * bases (an array ended by an entry whose name is NULL; mockserver/builtin.h)
 * instead of the built-in scenarios. mock_scenario_parse is this with
 * mock_builtins; tests use it to check how base chains resolve. A chain more
 * than 4 deep (or a cycle) is GK_BAD_CONFIG naming "base".
 */
struct mock_builtin;
enum gk_rc mock_scenario_parse_bases(const char *name, const char *text, size_t len,
                                     const struct mock_builtin *bases,
                                     struct mock_scenario *out, struct gk_err *err);

/* Frees what the scenario owns and zeroes it. NULL and zeroed are fine. */
void mock_scenario_cleanup(struct mock_scenario *s);

/* The space with this id, or NULL. Lent: lives as long as s. */
const struct mock_space *mock_scenario_space(const struct mock_scenario *s, const char *id);

/* The workspace with this workspace_id, or NULL. Lent: lives as long as s. */
const struct mock_workspace *mock_scenario_workspace(const struct mock_scenario *s,
                                                     const char *workspace_id);

/* True when principal p may use the space with this id. It does not check
 * that the space belongs to p's workspace (an all_spaces principal passes for
 * any id): callers look the space up in the request's workspace first. */
bool mock_scenario_may_use(const struct mock_principal *p, const char *space_id);

#endif
