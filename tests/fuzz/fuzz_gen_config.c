/*
 * fuzz_gen_config: untrusted bytes as genie-gen's config sources: the JSON
 * config file (--config) and a ~/.databrickscfg profile (--profile), through
 * the whole of gen_config_load: reading, building the workspaces,
 * validation, and freeing on every error path.
 *
 * The fuzz build links only libgeniekit.a (common/), so this harness
 * compiles the generator modules it needs itself.
 *
 * Byte 0 picks the source; the rest is the file. Properties checked: a load
 * that succeeds validates again, dumps, and names a host for every
 * workspace; every secret of the config is absent from the dump.
 */
#include "generator/config.c"
#include "generator/config_check.c"
#include "generator/config_file.c"
#include "generator/json.c"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond))                                                                     \
            abort();                                                                     \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void remove_file(void)
{
    unlink(path);
}

static const char *env(const char *name, void *ctx)
{
    (void)ctx;
    return strcmp(name, "DATABRICKS_CONFIG_FILE") == 0 ? path : NULL;
}

/* A secret too short or too common to be told apart from other text is not
 * checked (a token "a" shows in any dump). */
static void check_absent(const char *text, const char *secret)
{
    if (secret != NULL && strlen(secret) >= 12)
        CHECK(strstr(text, secret) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/fuzz-gen-config-%ld", (long)getpid());
        atexit(remove_file);
    }
    if (size < 1)
        return 0;
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(data + 1, 1, size - 1, f) == size - 1);
    fclose(f);

    struct gen_config cfg;
    char *argv_json[] = {(char *)"genie-gen", (char *)"--config", path, NULL};
    char *argv_ini[] = {(char *)"genie-gen", (char *)"--profile", (char *)"p", NULL};
    char **argv = data[0] % 2 == 0 ? argv_json : argv_ini;
    if (gen_config_load(&cfg, 3, argv, env, NULL, NULL) != GK_OK)
        return 0;
    CHECK(gen_config_validate(&cfg, NULL) == GK_OK);
    CHECK(cfg.workspace_count > 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    CHECK(out != NULL);
    CHECK(gen_config_dump(&cfg, out) == GK_OK);
    fclose(out);
    check_absent(text, cfg.token);
    check_absent(text, cfg.client_secret);
    for (size_t w = 0; w < cfg.workspace_count; w++) {
        CHECK(cfg.workspaces[w].host != NULL);
        check_absent(text, cfg.workspaces[w].token);
        check_absent(text, cfg.workspaces[w].client_secret);
    }
    free(text);
    gen_config_free(&cfg);
    return 0;
}
