/*
 * api_space: the space endpoints (genie-api.md 1.2.14-16): list, get (with
 * the serialized_space document on request) and trash. Spaces come from the
 * scenario and are never created here; trashing one hides it (404) and keeps
 * its conversations, as a soft delete does.
 */
#include "mockserver/api_genie.h"

#include "common/rng.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The serialized_space document: version 2, the tables and sample questions. */
static char *serialize_space(const struct mock_space *s)
{
    size_t cap = 256, len = 0;
    char *out = malloc(cap);
    struct gk_rng r;
    gk_rng_init(&r, gk_rng_derive(0, s->space_id));
#define PUT(...)                                                                              \
    do {                                                                                      \
        int n_ = snprintf(out + len, cap - len, __VA_ARGS__);                                 \
        if (n_ < 0)                                                                           \
            goto fail;                                                                        \
        if ((size_t)n_ >= cap - len) {                                                        \
            while ((size_t)n_ >= cap - len)                                                   \
                cap *= 2;                                                                     \
            char *p_ = realloc(out, cap);                                                     \
            if (p_ == NULL)                                                                   \
                goto fail;                                                                    \
            out = p_;                                                                         \
            snprintf(out + len, cap - len, __VA_ARGS__);                                      \
        }                                                                                     \
        len += (size_t)n_;                                                                    \
    } while (0)
    if (out == NULL)
        return NULL;
    PUT("{\"version\":2,\"data_sources\":{\"tables\":[");
    for (size_t i = 0; i < s->table_count; i++)
        PUT("%s{\"identifier\":\"%s\"}", i ? "," : "", s->tables[i].name);
    PUT("]},\"config\":{\"sample_questions\":[");
    for (size_t i = 0; i < s->sample_question_count; i++) {
        char id[GK_ID_SIZE];
        snprintf(id, sizeof id, "%016llx%016llx", (unsigned long long)gk_rng_next(&r),
                 (unsigned long long)gk_rng_next(&r));
        PUT("%s{\"id\":\"%s\",\"question\":[\"", i ? "," : "", id);
        for (const char *q = s->sample_questions[i]; *q; q++) {
            if (*q == '"' || *q == '\\')
                PUT("\\%c", *q);
            else if ((unsigned char)*q < 0x20)
                PUT("\\u%04x", (unsigned)*q);
            else
                PUT("%c", *q);
        }
        PUT("\"]}");
    }
    PUT("]}}");
#undef PUT
    return out;
fail:
    free(out);
    return NULL;
}

static void fill_space(struct gk_space *g, const struct mock_space *s)
{
    memset(g, 0, sizeof *g);
    g->space_id = s->space_id;
    g->title = s->title;
    g->description = s->description;
    g->warehouse_id = s->warehouse_id;
    g->parent_path = s->parent_path;
    g->create_time_ms = s->create_time_ms;
    g->update_time_ms = s->create_time_ms;
}

void mock_api_get_space(struct mock_call *c)
{
    struct mock_space_state *sp = mock_api_resolve_space(c);
    bool ser = false, found = false;
    struct gk_err err = {0};
    struct gk_space g;
    char etag[24];
    if (sp == NULL)
        return;
    if (gk_routes_query_get_bool(c->match.query, c->match.query_len,
                                 "include_serialized_space", &ser, &found, &err) != GK_OK) {
        mock_api_fail_err(c, &err);
        return;
    }
    if (ser && !c->principal->can_manage) {
        mock_api_fail(c, GK_PERMISSION_DENIED,
                      "include_serialized_space needs CAN EDIT on Genie space %s.",
                      sp->def->space_id);
        return;
    }
    fill_space(&g, sp->def);
    snprintf(etag, sizeof etag, "%" PRIx64, gk_rng_derive(c->m->seed, sp->def->space_id));
    g.etag = etag;
    if (ser && (g.serialized_space = serialize_space(sp->def)) == NULL) {
        mock_api_fail(c, GK_OUT_OF_MEMORY, NULL);
        return;
    }
    char *body = NULL;
    size_t len = 0;
    enum gk_rc rc = gk_codec_encode_space(&g, NULL, &body, &len, &err);
    free(g.serialized_space);
    mock_api_reply(c, rc, body, len, &err);
}

static const char *space_id_of(const void *list, size_t i)
{
    return ((const struct gk_space *)list)[i].space_id;
}

void mock_api_list_spaces(struct mock_call *c)
{
    struct mock_ws *ws = c->ws;
    size_t n = 0, size, start = 0;
    struct mock_page pg;
    char tok[GK_ID_SIZE];
    struct gk_space *all;
    struct gk_err err = {0};
    char *body = NULL;
    size_t len = 0;

    if (!mock_api_page_query(c, &size, tok))
        return;
    /* Scenario order: the page starts at the first space listed after tok,
     * which must be a space of this workspace (trashed or not). */
    size_t after = 0;
    if (tok[0] != '\0') {
        while (after < ws->def->space_count &&
               strcmp(ws->spaces[after].def->space_id, tok) != 0)
            after++;
        if (after == ws->def->space_count) {
            mock_api_fail(c, GK_INVALID_PARAMETER_VALUE,
                          "page_token: \"%s\" is not a token this server issued.", tok);
            return;
        }
        after++;
    }
    if ((all = calloc(ws->def->space_count + 1, sizeof *all)) == NULL) {
        mock_api_fail(c, GK_OUT_OF_MEMORY, NULL);
        return;
    }
    for (size_t i = 0; i < ws->def->space_count; i++) {
        struct mock_space_state *sp = &ws->spaces[i];
        if (i == after)
            start = n;
        if (!sp->trashed && mock_api_may_use_space(c->principal, sp->def->space_id))
            fill_space(&all[n++], sp->def);
    }
    if (after >= ws->def->space_count)
        start = n;
    mock_api_page_at(&pg, start, n, size, space_id_of, all);
    struct gk_space_list l = {.spaces = all + pg.start,
                              .space_count = pg.end - pg.start,
                              .next_page_token = pg.next[0] ? pg.next : NULL};
    enum gk_rc rc = gk_codec_encode_space_list(&l, NULL, &body, &len, &err);
    mock_api_reply(c, rc, body, len, &err);
    free(all);
}

void mock_api_trash_space(struct mock_call *c)
{
    struct mock_space_state *sp = mock_api_resolve_space(c);
    if (sp == NULL)
        return;
    if (!c->principal->can_manage) {
        mock_api_fail(c, GK_PERMISSION_DENIED, "Trashing Genie space %s needs CAN MANAGE.",
                      sp->def->space_id);
        return;
    }
    sp->trashed = true;
    sp->trashed_ms = mock_wall_ms_at(c->m, c->now_us);
    mock_api_reply_empty(c);
}
