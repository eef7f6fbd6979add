/*
 * config: genie-gen's settings, from defaults, a ~/.databrickscfg profile, a
 * JSON config file, the environment and the command line, into struct
 * gen_config (generator/gen.h).
 *
 * One table (config.c, on common/config) names every setting with its
 * config-file key, GENIE_GEN_* environment variable, flag, default, bounds
 * and help; it drives parsing, --help and --print-config. Precedence is
 * default < profile < file < env < flag: a profile value is taken only
 * where nothing else set the key.
 *
 * Workspaces. The config file may list them:
 *
 *     {"rate_per_min": 4,
 *      "workspaces": [
 *        {"workspace_id": "1234", "host": "https://dbc-1.cloud.databricks.com",
 *         "token": "dapi...",
 *         "spaces": ["01ef...", {"space_id": "01f0...", "title": "Sales",
 *                                "domain": "sales", "description": "..."}]},
 *        {"host": "https://dbc-2...", "client_id": "...", "client_secret": "..."}]}
 *
 * Without a list, one workspace is built from host, workspace_id, spaces
 * and the credentials (DATABRICKS_HOST, DATABRICKS_TOKEN or
 * DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET, or a profile: --profile
 * NAME or DATABRICKS_CONFIG_PROFILE, read from DATABRICKS_CONFIG_FILE or
 * ~/.databrickscfg; without either, the file's [DEFAULT] section is used
 * when it exists and nothing else names a host). A listed workspace without
 * credentials takes the top-level ones (an OAuth service principal often
 * spans workspaces). With a list, a top-level host, workspace_id or spaces
 * is an error in the file or on the command line, and ignored from the
 * environment or a profile. A host without a scheme gets https://.
 *
 * Secrets (tokens, client secrets) have no flag (a command line shows in
 * `ps`), never appear in an error, and print redacted in --print-config;
 * gen_config_free wipes them.
 *
 * Errors are GK_BAD_CONFIG naming the key and where the value came from
 * ("rate_per_min (flag --rate): ...", "gen.json: workspaces[1].host: ...",
 * "/home/u/.databrickscfg:7: ..."), GK_IO_ERROR for a file that cannot be
 * read, GK_OUT_OF_MEMORY.
 *
 * Thread-safety: load at startup, before any other thread reads the config.
 */
#ifndef GEN_CONFIG_H
#define GEN_CONFIG_H

#include "common/config.h"
#include "generator/gen.h"

#include <stdio.h>

/* Genie's limit, questions per minute per workspace. */
#define GEN_CONFIG_GENIE_LIMIT 5.0
/* Longest workspace or space id (keeps question keys within GEN_KEY_MAX). */
#define GEN_CONFIG_ID_MAX      40

/* Looks up an environment variable: its value, or NULL when unset. */
typedef const char *(*gen_config_env_fn)(const char *name, void *ctx);

/*
 * Fills cfg from argv[1..argc-1], the environment (through env, or getenv
 * when env is NULL: HOME and DATABRICKS_CONFIG_FILE too), the config file
 * and the profile, then builds cfg->workspaces and validates everything
 * (gen_config_validate), except:
 *   --help          stops after the flags (nothing else is read)
 *   --print-config  reads everything but does not validate (so a broken
 *                   config can be looked at; call gen_config_validate next).
 * Returns GK_OK, or an error as described above; on error cfg holds nothing
 * to free (gen_config_free is still safe). cfg is filled in place and must
 * not be copied or moved afterwards (the settings table points into it).
 */
enum gk_rc gen_config_load(struct gen_config *cfg, int argc, char *const argv[],
                           gen_config_env_fn env, void *ctx, struct gk_err *err);

/*
 * Checks what single settings cannot: the rate guard (rate_per_min above 5
 * needs allow_above_limit), follow_ups_min <= follow_ups_max, first_poll <=
 * max_poll_interval, first_poll < poll_timeout, output != state, at least
 * one workspace, and per workspace a valid host, one credential (token, or
 * client_id + client_secret; none is fine for --dry-run), distinct
 * workspace ids and hosts, valid distinct space ids. Returns GK_OK or
 * GK_BAD_CONFIG naming the key and its source.
 */
enum gk_rc gen_config_validate(const struct gen_config *cfg, struct gk_err *err);

/* Frees everything cfg owns (wiping secrets) and zeroes it. Safe on a zeroed
 * or freed config and on NULL. */
void gen_config_free(struct gen_config *cfg);

/* --help: usage, every option with its environment variable and default,
 * and the config file's shape. Returns GK_OK or GK_IO_ERROR. */
enum gk_rc gen_config_print_help(FILE *out);

/* --print-config: every setting with its source, then the workspaces, with
 * secrets redacted. Returns GK_OK or GK_IO_ERROR. */
enum gk_rc gen_config_dump(const struct gen_config *cfg, FILE *out);

/* ---- the parts (config_file.c), public for tests ---- */

/*
 * Reads the JSON config file at path: top-level keys go through the table
 * (origin "file <path>"), "workspaces" fills cfg->workspaces. Returns GK_OK;
 * GK_IO_ERROR when it cannot be read; GK_BAD_CONFIG "<path>: <key path>:
 * ..." (syntax errors give the line and column, never the text).
 */
enum gk_rc gen_config_read_file(struct gen_config *cfg, const char *path,
                                struct gk_err *err);

/*
 * Reads section [name] of the INI file at path (key = value or key: value,
 * # and ; comments) and sets host, token, client_id and client_secret from
 * it where nothing else set them (other keys are ignored). When the file or
 * the section is missing: GK_BAD_CONFIG if required, else GK_OK having set
 * nothing. A malformed line inside the section is GK_BAD_CONFIG
 * "<path>:<line>: ..." (never quoting the line).
 */
enum gk_rc gen_config_read_profile(struct gen_config *cfg, const char *path,
                                   const char *name, bool required, struct gk_err *err);

#endif
