/*
 * scenario_read: the readers of the nested parts of a scenario file, one
 * file each: workspaces with their principals (scenario_workspace.c) and
 * spaces with their tables and columns (scenario_space.c). Private to
 * mockserver/scenario*.c; scenario.c reads the top level and calls these.
 *
 * Both fill a struct mock_scenario in place and follow its rule: arrays are
 * allocated zeroed at their final size with their counts set before their
 * elements are read, so on error the caller frees whatever was filled with
 * mock_scenario_cleanup().
 */
#ifndef MOCK_SCENARIO_READ_H
#define MOCK_SCENARIO_READ_H

#include "common/err.h"
#include "mockserver/scenario.h"
#include "mockserver/scenario_json.h"

#include <stddef.h>
#include <stdint.h>

/*
 * Reads the root's "workspaces" (if any) into s->workspaces and, flattened,
 * s->spaces; s->seed must already be set (generated ids derive from it).
 * Returns GK_OK, GK_BAD_CONFIG naming the key, or GK_OUT_OF_MEMORY.
 */
enum gk_rc mock_scenario_read_workspaces(struct mock_sj *r, struct mock_scenario *s);

/*
 * Reads the space object v, at the reader's current path (which must be
 * "workspaces[w].spaces[k]": generated ids are derived from it), into out,
 * which must be zeroed. seed is the scenario's; index counts spaces across
 * the whole file (for default titles and creation times); workspace_index is
 * w. Returns GK_OK, GK_BAD_CONFIG naming the key, or GK_OUT_OF_MEMORY.
 */
enum gk_rc mock_scenario_read_space(struct mock_sj *r, const struct mock_sj_node *v,
                                    uint64_t seed, size_t index, size_t workspace_index,
                                    struct mock_space *out);

#endif
