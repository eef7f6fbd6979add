/*
 * log: levelled logging to stderr (or any fd), one line per call.
 *
 * A line looks like
 *
 *     2025-03-04T05:06:07.089Z genie-mock: warn: client 3 polls faster than 1 s
 *
 * The timestamp is there only when the program set a time source
 * (gk_log_set_time_source; common/clock provides one), the program name only
 * after gk_log_init. Times are RFC 3339 UTC with milliseconds, computed with
 * integer calendar arithmetic: no localtime/gmtime, no locale, no TZ.
 *
 * One call is one line: the message is formatted into a fixed buffer, control
 * bytes in it are escaped ("\n" becomes the two characters \ and n), a message
 * that does not fit is cut and ends with GK_LOG_TRUNCATED, and the whole line
 * goes out with one write(2). Lines written by several threads therefore never
 * interleave: a pipe takes writes up to PIPE_BUF (4096 on Linux, which is
 * GK_LOG_LINE_MAX) whole, and so does a file opened with O_APPEND.
 * Backslashes in messages are not doubled: escaping exists to keep one call on
 * one line, and doubling would garble the JSON and paths that logs quote.
 *
 * The GK_LOG_xxx macros test the level before their arguments are evaluated,
 * so a filtered `GK_LOG_DEBUG("%s", expensive())` costs one atomic load. The
 * level argument of GK_LOG_AT is evaluated twice; pass a constant.
 *
 * Logging never changes errno, never allocates and never fails loudly: a line
 * that cannot be written is dropped.
 *
 * Thread-safety: gk_log_write and the level, fd and time-source setters may be
 * called from any thread (the settings are atomics). gk_log_init stores the
 * program name without synchronisation: call it once, before starting threads.
 */
#ifndef GK_LOG_H
#define GK_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* X(constant suffix, name), most severe first: a level shows itself and all
 * levels above it in this list. */
#define GK_LOG_LEVEL_MAP(X)                                                              \
    X(ERROR, "error")                                                                    \
    X(WARN, "warn")                                                                      \
    X(INFO, "info")                                                                      \
    X(DEBUG, "debug")                                                                    \
    X(TRACE, "trace")

enum gk_log_level {
#define GK_LOG_LEVEL_ENUM(name, text) GK_LOG_LEVEL_##name,
    GK_LOG_LEVEL_MAP(GK_LOG_LEVEL_ENUM)
#undef GK_LOG_LEVEL_ENUM
        GK_LOG_LEVEL_COUNT
};

/* Longest line written, newline included; longer messages are cut. */
#define GK_LOG_LINE_MAX  4096
/* What a cut message ends with (before the newline). */
#define GK_LOG_TRUNCATED "...[truncated]"
/* Room for any gk_log_format_time() result, NUL included. */
#define GK_LOG_TIME_MAX  40
/* Longest program name kept by gk_log_init (longer ones are cut). */
#define GK_LOG_PROG_MAX  63

#define GK_LOG_AT(level, ...)                                                            \
    do {                                                                                 \
        if (gk_log_enabled(level))                                                       \
            gk_log_write((level), __VA_ARGS__);                                          \
    } while (0)
#define GK_LOG_ERROR(...) GK_LOG_AT(GK_LOG_LEVEL_ERROR, __VA_ARGS__)
#define GK_LOG_WARN(...)  GK_LOG_AT(GK_LOG_LEVEL_WARN, __VA_ARGS__)
#define GK_LOG_INFO(...)  GK_LOG_AT(GK_LOG_LEVEL_INFO, __VA_ARGS__)
#define GK_LOG_DEBUG(...) GK_LOG_AT(GK_LOG_LEVEL_DEBUG, __VA_ARGS__)
#define GK_LOG_TRACE(...) GK_LOG_AT(GK_LOG_LEVEL_TRACE, __VA_ARGS__)

/*
 * Sets the program name that prefixes every line ("genie-gen"); NULL or ""
 * removes it. The name is copied (cut to GK_LOG_PROG_MAX bytes). Call before
 * starting threads. Level, fd and time source keep their current values
 * (initially info, 2 and none).
 */
void gk_log_init(const char *prog);

/* Shows messages at level and more severe. Out-of-range values are clamped
 * to the nearest level. Any thread. */
void gk_log_set_level(enum gk_log_level level);
/* The current level. */
enum gk_log_level gk_log_get_level(void);
/* True when a message at level would be written now. */
bool gk_log_enabled(enum gk_log_level level);

/* Makes lines go to fd (initially 2) and returns the previous fd. The fd stays
 * the caller's: log never closes it. */
int gk_log_set_fd(int fd);

/*
 * Sets the function that gives the wall-clock time in milliseconds since the
 * Unix epoch for each line's timestamp; NULL (the initial state) means lines
 * carry no timestamp. The function is called from whichever thread logs, so
 * it must be thread-safe.
 */
void gk_log_set_time_source(int64_t (*wall_ms)(void));

/*
 * Writes one line at level (use the macros, which skip filtered calls before
 * evaluating arguments; this function does not check the level itself).
 */
void gk_log_write(enum gk_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void gk_log_vwrite(enum gk_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* "error" ... "trace"; "unknown" for an out-of-range value. Static storage. */
const char *gk_log_level_name(enum gk_log_level level);

/*
 * Parses a level name, ignoring ASCII case ("WARN", "warn"). On success
 * stores it in *out and returns GK_OK; otherwise returns GK_BAD_CONFIG with a
 * message naming the bad value and the valid ones, and leaves *out unchanged.
 */
enum gk_rc gk_log_level_from_name(const char *name, enum gk_log_level *out,
                                  struct gk_err *err);

/*
 * Formats unix_ms as RFC 3339 UTC with milliseconds ("2025-03-04T05:06:07.089Z")
 * into buf, which must hold GK_LOG_TIME_MAX bytes. Every int64 value is
 * accepted (years before 1 and after 9999 come out with more or fewer digits
 * and a sign). Returns the length written, excluding the NUL. Thread-safe.
 */
size_t gk_log_format_time(int64_t unix_ms, char buf[GK_LOG_TIME_MAX]);

#endif
