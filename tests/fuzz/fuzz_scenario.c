/*
 * Scenario files and fault rules are untrusted input (a user's file, and
 * the admin API's POST /__admin/scenario and /__admin/faults bodies). The
 * first byte picks the parser; the rest is the document. Anything either
 * parser accepts must hold together: a scenario's fault rules list, copy
 * and evaluate; a rule encodes and parses back to the same listing.
 */
#include "mockserver/fault.h"
#include "mockserver/scenario.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void exercise_rules(struct mock_fault_set *set)
{
    struct mock_fault_set copy = {0};
    struct gk_rng rng;
    size_t len;
    gk_rng_init(&rng, 1);
    if (mock_fault_copy(&copy, set, NULL) != GK_OK)
        abort();
    struct mock_fault_request q = {.method = GK_HTTP_POST,
                                   .route = GK_ROUTE_START_CONVERSATION,
                                   .workspace_id = "1234567890123456", .space_id = "s",
                                   .principal = "p", .content = "revenue", .polls = 3,
                                   .now_us = 5000000};
    for (int i = 0; i < 4; i++) {
        const struct mock_fault_rule *f = mock_fault_eval(&copy, &q, &rng);
        if (f != NULL)
            (void)mock_fault_delay_us(&f->delay, &rng);
    }
    char *json = mock_fault_encode(&copy, &len);
    if (json == NULL || len != strlen(json))
        abort();
    free(json);
    mock_fault_set_cleanup(&copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct gk_err err = {0};

    if (data[0] & 1) {
        struct mock_fault_rule rule;
        if (mock_fault_parse("body", text, len, &rule, &err) == GK_OK) {
            struct mock_fault_set set = {0};
            if (mock_fault_add(&set, &rule, NULL) != GK_OK)
                abort();
            exercise_rules(&set);
            mock_fault_set_cleanup(&set);
        } else if (err.rc == GK_OK || rule.name[0] != '\0') {
            abort(); /* a refusal says why and leaves nothing behind */
        }
        return 0;
    }
    struct mock_scenario sc;
    if (mock_scenario_parse("fuzz.json", text, len, &sc, &err) == GK_OK) {
        for (size_t i = 0; i < sc.space_count; i++)
            if (mock_scenario_space(&sc, sc.spaces[i].space_id) != &sc.spaces[i])
                abort();
        exercise_rules(&sc.faults);
        mock_scenario_cleanup(&sc);
    } else if (err.rc == GK_OK || sc.workspace_count != 0 || sc.name != NULL) {
        abort();
    }
    return 0;
}
