/*
 * err: the tables behind err.h, generated from GK_ERR_MAP so that a code, its
 * name, message and HTTP status can never drift apart.
 */
#include "common/err.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    const char *msg;
    int http;
} err_table[GK_RC_COUNT] = {
#define GK_ERR_ROW(name, http, msg) {#name, msg, http},
    GK_ERR_MAP(GK_ERR_ROW)
#undef GK_ERR_ROW
};

void gk_err_clear(struct gk_err *err)
{
    if (err == NULL)
        return;
    err->rc = GK_OK;
    err->msg[0] = '\0';
}

enum gk_rc gk_err_vset(struct gk_err *err, enum gk_rc rc, const char *fmt, va_list ap)
{
    if (err == NULL || err->rc != GK_OK || rc == GK_OK)
        return rc;
    err->rc = rc;
    if (fmt == NULL || fmt[0] == '\0')
        snprintf(err->msg, sizeof err->msg, "%s", gk_err_message(rc));
    else
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return rc;
}

enum gk_rc gk_err_set(struct gk_err *err, enum gk_rc rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gk_err_vset(err, rc, fmt, ap);
    va_end(ap);
    return rc;
}

enum gk_rc gk_err_prefix(struct gk_err *err, const char *fmt, ...)
{
    char out[GK_ERR_MSG_MAX];
    size_t n, cap = sizeof out - 1;
    va_list ap;
    int len;

    if (err == NULL || err->rc == GK_OK)
        return err == NULL ? GK_OK : err->rc;
    va_start(ap, fmt);
    len = vsnprintf(out, sizeof out, fmt, ap);
    va_end(ap);
    n = len < 0 ? 0 : (size_t)len > cap ? cap : (size_t)len;
    for (const char *s = ": "; *s != '\0' && n < cap; s++)
        out[n++] = *s;
    for (const char *s = err->msg; *s != '\0' && n < cap; s++)
        out[n++] = *s;
    out[n] = '\0';
    memcpy(err->msg, out, n + 1);
    return err->rc;
}

const char *gk_err_name(enum gk_rc rc)
{
    if ((unsigned)rc >= GK_RC_COUNT)
        return err_table[GK_UNKNOWN].name;
    return err_table[rc].name;
}

const char *gk_err_message(enum gk_rc rc)
{
    if ((unsigned)rc >= GK_RC_COUNT)
        return err_table[GK_UNKNOWN].msg;
    return err_table[rc].msg;
}

int gk_err_http_status(enum gk_rc rc)
{
    if ((unsigned)rc >= GK_RC_COUNT)
        return err_table[GK_UNKNOWN].http;
    return err_table[rc].http;
}

enum gk_rc gk_err_from_name(const char *name)
{
    if (name == NULL)
        return GK_RC_COUNT;
    for (int i = 0; i < GK_RC_COUNT; i++)
        if (strcmp(err_table[i].name, name) == 0)
            return (enum gk_rc)i;
    return GK_RC_COUNT;
}

const char *gk_err_str(const struct gk_err *err)
{
    if (err == NULL)
        return gk_err_message(GK_OK);
    if (err->msg[0] != '\0')
        return err->msg;
    return gk_err_message(err->rc);
}
