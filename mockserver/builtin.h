/*
 * builtin: the scenarios of fixtures/scenarios/, compiled into genie-mock
 * (scripts/embed.sh writes the table at build time), so `--scenario flaky`
 * works from any directory and no flags at all serve "default".
 */
#ifndef MOCK_BUILTIN_H
#define MOCK_BUILTIN_H

#include <stddef.h>

struct mock_builtin {
    const char *name; /* the file's base name without .json */
    const char *text; /* NUL-terminated */
    size_t len;
};

/* Terminated by an entry whose name is NULL. */
extern const struct mock_builtin mock_builtins[];

#endif
