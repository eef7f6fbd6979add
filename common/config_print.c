/*
 * config_print: --help and --print-config output, built only on config.h's
 * public API (the table, gk_config_format_value, gk_config_source).
 *
 * Secrets: help never shows a secret row's default, and the dump replaces a
 * secret value by "<secret>" (or says it is unset or empty, which reveals
 * nothing and answers "did my token get through?").
 */
#include "common/config.h"

#include <string.h>

static const char *const metavars[] = {
    [GK_CONFIG_TYPE_BOOL] = "",         [GK_CONFIG_TYPE_INT64] = "INT",
    [GK_CONFIG_TYPE_DOUBLE] = "NUMBER", [GK_CONFIG_TYPE_DURATION] = "DURATION",
    [GK_CONFIG_TYPE_SIZE] = "SIZE",     [GK_CONFIG_TYPE_COUNT] = "COUNT",
    [GK_CONFIG_TYPE_STRING] = "TEXT",   [GK_CONFIG_TYPE_ENUM] = "",
};

/* " <a|b|c>" for an enum, " <DURATION>" for the others, "" for bool. */
static void print_metavar(const struct gk_config_option *o, FILE *out)
{
    if (o->type == GK_CONFIG_TYPE_BOOL)
        return;
    if (o->type != GK_CONFIG_TYPE_ENUM) {
        fprintf(out, " <%s>", metavars[o->type]);
        return;
    }
    fputs(" <", out);
    for (size_t i = 0; o->names[i] != NULL; i++)
        fprintf(out, "%s%s", i > 0 ? "|" : "", o->names[i]);
    fputs(">", out);
}

/* Prints "; " before every detail but the first of a line. */
static void detail(FILE *out, int *n, const char *label, const char *value)
{
    fprintf(out, "%s%s%s", (*n)++ > 0 ? "; " : "      ", label, value);
}

enum gk_rc gk_config_print_help(const struct gk_config_option *opts, size_t n_opts,
                                FILE *out)
{
    /* File keys mean something only to a program that reads a config file,
     * which it says by having a row keyed "config". */
    bool has_file = false;
    for (size_t i = 0; i < n_opts; i++)
        has_file |= opts[i].key != NULL && strcmp(opts[i].key, "config") == 0;

    for (size_t i = 0; i < n_opts; i++) {
        const struct gk_config_option *o = &opts[i];
        char bounds[GK_CONFIG_BOUNDS_MAX];
        int n = 0;

        if (o->flag != NULL && o->type == GK_CONFIG_TYPE_BOOL)
            fprintf(out, "  %s, --no-%s", o->flag, o->flag + 2);
        else if (o->flag != NULL)
            fprintf(out, "  %s", o->flag);
        else
            fprintf(out, "  %s (no flag)", o->key);
        print_metavar(o, out);
        fputc('\n', out);
        if (o->help != NULL && o->help[0] != '\0')
            fprintf(out, "      %s\n", o->help);
        if (o->default_value != NULL && !(o->flags & GK_CONFIG_SECRET))
            detail(out, &n, "default ", o->default_value);
        if (gk_config_format_bounds(o, bounds, sizeof bounds)[0] != '\0')
            detail(out, &n, "", bounds);
        if (o->env != NULL)
            detail(out, &n, "env ", o->env);
        if (has_file && !(o->flags & GK_CONFIG_CLI_ONLY))
            detail(out, &n, "file key ", o->key);
        if (o->flags & GK_CONFIG_CLI_ONLY)
            detail(out, &n, "", "command line only");
        if (n > 0)
            fputc('\n', out);
    }
    return ferror(out) ? gk_err_set(NULL, GK_IO_ERROR, NULL) : GK_OK;
}

/* What the dump shows for a secret row: never the value, which is not even
 * formatted, only whether a string is unset or empty. Reads the field
 * through the storage contract of config.h (STRING -> char *). */
static void secret_text(const struct gk_config *cfg, const struct gk_config_option *o,
                        char *buf, size_t cap)
{
    const char *text = "<secret>";
    if (o->type == GK_CONFIG_TYPE_STRING) {
        const char *s;
        memcpy(&s, (const char *)cfg->target + o->offset, sizeof s);
        text = s == NULL ? "(unset)" : s[0] == '\0' ? "\"\"" : text;
    }
    snprintf(buf, cap, "%s", text);
}

enum gk_rc gk_config_dump(const struct gk_config *cfg, FILE *out)
{
    for (size_t i = 0; i < cfg->n_opts; i++) {
        const struct gk_config_option *o = &cfg->opts[i];
        char value[1024], src[GK_CONFIG_SOURCE_MAX];

        gk_config_source(cfg, o->key, NULL, src, sizeof src);
        if (o->flags & GK_CONFIG_SECRET)
            secret_text(cfg, o, value, sizeof value);
        else
            gk_config_format_value(cfg, o->key, value, sizeof value);
        fprintf(out, "%s = %s  # %s\n", o->key, value, src);
    }
    return ferror(out) ? gk_err_set(NULL, GK_IO_ERROR, NULL) : GK_OK;
}
