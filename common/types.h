/*
 * types: plain structs for the objects of the Genie Conversation API and the
 * enums of their status fields, with the exact wire strings.
 *
 * Spelling trap kept on purpose: a message's status is CANCELLED (two L), a
 * SQL statement's state is CANCELED (one L).
 *
 * Unknown status strings decode to the *_UNKNOWN value rather than failing:
 * a client of the real service must survive values added after it was built.
 */
#ifndef GK_TYPES_H
#define GK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MessageStatus, in the order of the usual lifecycle (genie-api.md 2.1). */
#define GK_MSG_STATUS_MAP(X)                                                             \
    X(SUBMITTED)                                                                         \
    X(FETCHING_METADATA)                                                                 \
    X(FILTERING_CONTEXT)                                                                 \
    X(ASKING_AI)                                                                         \
    X(PENDING_WAREHOUSE)                                                                 \
    X(EXECUTING_QUERY)                                                                   \
    X(COMPLETED)                                                                         \
    X(FAILED)                                                                            \
    X(CANCELLED)                                                                         \
    X(QUERY_RESULT_EXPIRED)

enum gk_msg_status {
#define GK_MSG_STATUS_ENUM(name) GK_MSG_##name,
    GK_MSG_STATUS_MAP(GK_MSG_STATUS_ENUM)
#undef GK_MSG_STATUS_ENUM
        GK_MSG_STATUS_COUNT,
    GK_MSG_UNKNOWN = GK_MSG_STATUS_COUNT /* a string this build does not know */
};

/* "SUBMITTED" ...; "UNKNOWN" for GK_MSG_UNKNOWN or an out-of-range value. */
const char *gk_types_msg_status_name(enum gk_msg_status s);
/* The status named exactly s, or GK_MSG_UNKNOWN (also for NULL). */
enum gk_msg_status gk_types_msg_status_from_name(const char *s);

#endif
