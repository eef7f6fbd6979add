/*
 * discover: what genie-gen finds out from the workspaces before it plans.
 *
 *   workspace ids  a workspace configured without one gets the id its
 *                  host metadata (/.well-known/databricks-config) gives,
 *                  else one made from its host name;
 *   spaces         a workspace configured without spaces gets every space
 *                  list spaces returns, page by page (next_page_token).
 *
 * A listing is a run's first request to a workspace, so it meets what every
 * request may meet, and a passing fault must not end the run: a 429, 502,
 * 503, 504 or a network error is tried again (after Retry-After, else 1, 2,
 * 4 ... s of the run's clock) up to GEN_DISCOVER_ATTEMPTS times per page;
 * a 401 with OAuth gets a new token and one more try; anything else (403,
 * 404, a body that is not a space list) ends it with the server's message.
 *
 * Ownership: what is found goes into cfg (strings it owns, freed by
 * gen_config_free); the client, the per-workspace auth array (indexed like
 * cfg->workspaces) and the clock are borrowed. Thread-safety: the run's
 * thread only.
 */
#ifndef GEN_DISCOVER_H
#define GEN_DISCOVER_H

#include "common/clock.h"
#include "common/err.h"
#include "generator/auth.h"
#include "generator/client.h"
#include "generator/gen.h"

/* Tries of one page of list spaces (or of one metadata request). */
#define GEN_DISCOVER_ATTEMPTS   5
/* Real time it may take in all. */
#define GEN_DISCOVER_TIMEOUT_US (5 * 60 * INT64_C(1000000))

/*
 * Fills in the workspace ids and spaces cfg lacks, as above. Returns GK_OK;
 * GK_NETWORK_ERROR "workspace <host>: list spaces: <the server's message>"
 * (or the auth's failure); GK_DEADLINE_EXCEEDED after
 * GEN_DISCOVER_TIMEOUT_US; GK_OUT_OF_MEMORY. On error cfg may hold what
 * was found so far (gen_config_free frees it).
 */
enum gk_rc gen_discover(struct gen_config *cfg, struct gen_client *http,
                        struct gen_auth *auth, const struct gk_clock *clock,
                        int64_t timeout_ms, struct gk_err *err);

#endif
