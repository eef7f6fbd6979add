/*
 * types: status names and the constructors/destructors of the API objects.
 */
#include "common/types.h"

#include <string.h>

static const char *const msg_status_names[GK_MSG_STATUS_COUNT] = {
#define GK_MSG_STATUS_NAME(name) #name,
    GK_MSG_STATUS_MAP(GK_MSG_STATUS_NAME)
#undef GK_MSG_STATUS_NAME
};

const char *gk_types_msg_status_name(enum gk_msg_status s)
{
    if ((unsigned)s >= GK_MSG_STATUS_COUNT)
        return "UNKNOWN";
    return msg_status_names[s];
}

enum gk_msg_status gk_types_msg_status_from_name(const char *s)
{
    if (s == NULL)
        return GK_MSG_UNKNOWN;
    for (int i = 0; i < GK_MSG_STATUS_COUNT; i++)
        if (strcmp(msg_status_names[i], s) == 0)
            return (enum gk_msg_status)i;
    return GK_MSG_UNKNOWN;
}
