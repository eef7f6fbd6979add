/*
 * observe_audit: one system.access.audit row per Genie API call
 * (genie-api.md section 6, fixtures/genie-api-examples.json
 * audit_row_start_conversation and audit_row_throttled).
 *
 * A row is a pure function of its event (mock_observe_audit_row), so what
 * the file holds, what GET /__admin/audit shows and what a test computes
 * are the same bytes. Key names, order, and null-versus-absent follow the
 * example rows: every column is always present; session_id and
 * user_identity.subject_name are null (the mock has no sessions or SCIM
 * subjects); response.error_message and response.result are null unless
 * there is something to say; request_params holds only the ids the request
 * named in its path (a question POST's new conversation and message ids go
 * to response.result, as a JSON string, like the example) and, for
 * feedback, the rating. Columns the event does not know are null.
 *
 * event_id: the example shows an opaque hex id; rows here carry a UUID
 * (version 8, "custom") derived from the request id, the clock and the
 * path, so replaying a run reproduces the same ids.
 */
#include "mockserver/observe_internal.h"

#include "common/codec.h"
#include "common/codec_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct audit_row {
    size_t len;
    char text[];
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Two 64-bit FNV-1a passes with different seeds over what identifies the
 * call, the second also over the first's result, folded into a UUID. */
static void event_id(const struct mock_event *ev, char out[37])
{
    const char *parts[] = {ev->request_id, ev->method, ev->path, ev->workspace_id};
    int64_t nums[] = {ev->now_us, ev->wall_ms, ev->status};
    uint64_t h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};

    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            const char *s = parts[i] != NULL ? parts[i] : "";
            h[k] = fnv(h[k], s, strlen(s) + 1);
        }
        h[k] = fnv(h[k], nums, sizeof nums);
        if (k == 0)
            h[1] = fnv(h[1], &h[0], sizeof h[0]);
    }
    h[0] = (h[0] & ~UINT64_C(0xf000)) | UINT64_C(0x8000);       /* version 8 */
    h[1] = (h[1] & ~(UINT64_C(3) << 62)) | (UINT64_C(2) << 62); /* RFC 9562 variant */
    snprintf(out, 37,
             "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
             h[0] >> 32, (h[0] >> 16) & 0xffff, h[0] & 0xffff, h[1] >> 48,
             h[1] & UINT64_C(0xffffffffffff));
}

/* "2026-11-21T06:31:26.123+00:00" and "2026-11-21", or both NULL when the
 * clock is outside what RFC 3339 can say. */
static bool event_times(int64_t wall_ms, char when[GK_CODEC_TIME_MAX + 8], char date[11])
{
    if (gk_codec_time_format(wall_ms, when, NULL) != GK_OK)
        return false;
    size_t n = strlen(when);
    if (n == 0 || when[n - 1] != 'Z')
        return false;
    memcpy(when + n - 1, "+00:00", 7);
    memcpy(date, when, 10);
    date[10] = '\0';
    return true;
}

/* A path parameter of the route, when the route has it and the event has it. */
static void param(struct gk_codec_writer *w, const char *pattern, const char *name,
                  const char *value)
{
    char brace[32];
    snprintf(brace, sizeof brace, "{%s}", name);
    if (value != NULL && value[0] != '\0' && strstr(pattern, brace) != NULL)
        mock_obs_write_text(w, name, value);
}

/* response.result: the ids a question POST created, as JSON text; NULL (the
 * caller frees what it gets) otherwise. */
static char *result_text(const struct mock_event *ev)
{
    struct gk_codec_writer w = {.first = true};
    char *out = NULL;

    if (!gk_routes_is_question(ev->route) || ev->status < 200 || ev->status > 299 ||
        ev->conversation_id == NULL || ev->message_id == NULL)
        return NULL;
    gk_codec_write_begin(&w, NULL, '{');
    mock_obs_write_text(&w, "conversation_id", ev->conversation_id);
    mock_obs_write_text(&w, "message_id", ev->message_id);
    gk_codec_write_end(&w, '}');
    if (gk_codec_write_finish(&w, &out, NULL, NULL) != GK_OK)
        return NULL;
    return out;
}

static const char *error_text(const struct mock_event *ev)
{
    if (ev->error_message != NULL)
        return ev->error_message;
    if (ev->error_code != NULL)
        return ev->error_code;
    if (ev->status == 0)
        return "connection closed without a response";
    return NULL;
}

char *mock_observe_audit_row(const struct mock_event *ev, size_t *len)
{
    const char *action = gk_routes_action(ev->route);
    const char *pattern = gk_routes_pattern(ev->route);
    struct gk_codec_writer w = {.first = true};
    char when[GK_CODEC_TIME_MAX + 8], date[11], id[37];
    char *out = NULL;

    if (action == NULL)
        return NULL;
    bool timed = event_times(ev->wall_ms, when, date);
    char *result = result_text(ev);
    event_id(ev, id);

    gk_codec_write_begin(&w, NULL, '{');
    mock_obs_write_text(&w, "account_id", ev->account_id);
    mock_obs_write_text(&w, "workspace_id", ev->workspace_id);
    gk_codec_write_str(&w, "version", "2.0");
    gk_codec_write_str_or_null(&w, "event_time", timed ? when : NULL);
    gk_codec_write_str_or_null(&w, "event_date", timed ? date : NULL);
    mock_obs_write_text(&w, "source_ip_address", ev->remote_ip);
    mock_obs_write_text(&w, "user_agent", ev->user_agent);
    gk_codec_write_null(&w, "session_id");
    gk_codec_write_begin(&w, "user_identity", '{');
    mock_obs_write_text(&w, "email", ev->principal);
    gk_codec_write_null(&w, "subject_name");
    gk_codec_write_end(&w, '}');
    gk_codec_write_str(&w, "service_name", "aibiGenie");
    gk_codec_write_str(&w, "action_name", action);
    mock_obs_write_text(&w, "request_id", ev->request_id);
    gk_codec_write_begin(&w, "request_params", '{');
    param(&w, pattern, "space_id", ev->space_id);
    param(&w, pattern, "conversation_id", ev->conversation_id);
    param(&w, pattern, "message_id", ev->message_id);
    param(&w, pattern, "attachment_id", ev->attachment_id);
    if (ev->route == GK_ROUTE_SEND_MESSAGE_FEEDBACK && ev->feedback_rating != NULL)
        mock_obs_write_text(&w, "feedback_rating", ev->feedback_rating);
    gk_codec_write_end(&w, '}');
    gk_codec_write_begin(&w, "response", '{');
    gk_codec_write_i64(&w, "status_code", ev->status);
    mock_obs_write_text(&w, "error_message",
                        ev->status >= 200 && ev->status <= 299 ? NULL : error_text(ev));
    gk_codec_write_str_or_null(&w, "result", result);
    gk_codec_write_end(&w, '}');
    gk_codec_write_str(&w, "audit_level", "WORKSPACE_LEVEL");
    gk_codec_write_str(&w, "event_id", id);
    gk_codec_write_end(&w, '}');
    free(result);
    if (gk_codec_write_finish(&w, &out, len, NULL) != GK_OK)
        return NULL;
    return out;
}

void mock_obs_audit_add(struct mock_observe *ob, const struct mock_event *ev)
{
    size_t len = 0;

    if (gk_routes_action(ev->route) == NULL)
        return;
    char *text = mock_observe_audit_row(ev, &len);
    if (text == NULL) {
        ob->dropped[MOCK_OBS_DROP_audit]++;
        if (ob->audit_log != NULL)
            ob->dropped[MOCK_OBS_DROP_audit_log]++;
        return;
    }
    if (ob->audit_log != NULL) {
        /* One line, flushed at once: a crash or a kill loses no row, and a
         * reader tailing the file never sees half a line it could keep. */
        if (fwrite(text, 1, len, ob->audit_log) != len ||
            fputc('\n', ob->audit_log) == EOF || fflush(ob->audit_log) != 0)
            ob->dropped[MOCK_OBS_DROP_audit_log]++;
    }
    struct audit_row *row = malloc(sizeof *row + len + 1);
    if (row != NULL) {
        row->len = len;
        memcpy(row->text, text, len + 1);
    }
    free(text);
    if (row == NULL || !mock_obs_ring_push(&ob->audit, row)) {
        free(row);
        ob->dropped[MOCK_OBS_DROP_audit]++;
    }
}

char *mock_observe_audit(const struct mock_observe *ob, size_t limit, size_t *len)
{
    struct mock_obs_buf b = {0};
    size_t n = ob->audit.count;

    if (limit != 0 && limit < n)
        n = limit;
    mock_obs_buf_puts(&b, "{\"events\":[");
    for (size_t i = 0; i < n; i++) {
        const struct audit_row *row = mock_obs_ring_newest(&ob->audit, i);
        if (i > 0)
            mock_obs_buf_put(&b, ",", 1);
        mock_obs_buf_put(&b, row->text, row->len);
    }
    mock_obs_buf_puts(&b, "]}");
    return mock_obs_buf_take(&b, len);
}
