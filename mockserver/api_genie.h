/*
 * api_genie: what the Genie endpoint files (api_genie.c: conversations,
 * messages, query results and the dispatcher; api_space.c: spaces) share.
 * Internal to mockserver/; every function runs on an authenticated call,
 * with mock->lock held.
 */
#ifndef MOCK_API_GENIE_H
#define MOCK_API_GENIE_H

#include "common/id.h"
#include "mockserver/api.h"

#include <stdbool.h>
#include <stddef.h>

/* A page of a list: items [start, end), and the token of the next page
 * ("" on the last one). See the pagination notes in api_genie.c. */
struct mock_page {
    size_t start, end;
    char next[GK_ID_SIZE];
};

/* True when principal p may use the space with this id. */
bool mock_api_may_use_space(const struct mock_principal *p, const char *space_id);

/* The call's space, or NULL with 404 (unknown or trashed) or 403 sent. */
struct mock_space_state *mock_api_resolve_space(struct mock_call *c);

/* Reads page_size (into *size) and page_token (into tok: a 32-hex id, or ""
 * when absent). Returns false with a 400 sent when either is not valid. */
bool mock_api_page_query(struct mock_call *c, size_t *size, char tok[GK_ID_SIZE]);

/* The page of up to size items from start of a list of total; id_of(list,
 * i) gives item i's id, asked for the page's last item when more follow. */
void mock_api_page_at(struct mock_page *pg, size_t start, size_t total, size_t size,
                      const char *(*id_of)(const void *list, size_t i), const void *list);

/* Answers 200 with {} (deletes, feedback, trash). */
void mock_api_reply_empty(struct mock_call *c);

/* The space endpoints (api_space.c). */
void mock_api_list_spaces(struct mock_call *c);
void mock_api_get_space(struct mock_call *c);
void mock_api_trash_space(struct mock_call *c);

#endif
