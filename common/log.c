/*
 * log: one line per call, assembled on the stack and written with one write(2).
 *
 * Invariants:
 *  - A line never exceeds GK_LOG_LINE_MAX bytes and always ends with exactly
 *    one '\n'; the message part never contains a byte below 0x20 (tab
 *    excepted) or 0x7f. Room for GK_LOG_TRUNCATED and the newline is reserved
 *    before the message is copied, so cutting never needs to back up.
 *  - Level, fd and time source are atomics read once per call, so a setter
 *    running in another thread gives each line either the old or the new
 *    setting, never a mix. Relaxed ordering is enough: they are independent
 *    values, not guards for other memory.
 *  - The timestamp comes from civil_from_days (Howard Hinnant's algorithm,
 *    the inverse of days-from-civil): pure integer arithmetic, valid for the
 *    whole proleptic Gregorian calendar, no libc time functions.
 */
#include "common/log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static _Atomic int log_level = GK_LOG_LEVEL_INFO;
static _Atomic int log_fd = 2;
static _Atomic(int64_t (*)(void)) log_time_source;
static char log_prog[GK_LOG_PROG_MAX + 1];

static const char *const level_names[GK_LOG_LEVEL_COUNT] = {
#define GK_LOG_LEVEL_NAME(name, text) text,
    GK_LOG_LEVEL_MAP(GK_LOG_LEVEL_NAME)
#undef GK_LOG_LEVEL_NAME
};

void gk_log_init(const char *prog)
{
    size_t n = prog == NULL ? 0 : strnlen(prog, GK_LOG_PROG_MAX);
    if (n > 0)
        memcpy(log_prog, prog, n);
    log_prog[n] = '\0';
}

void gk_log_set_level(enum gk_log_level level)
{
    int l = (int)level;
    if (l < 0)
        l = 0;
    if (l >= GK_LOG_LEVEL_COUNT)
        l = GK_LOG_LEVEL_COUNT - 1;
    atomic_store_explicit(&log_level, l, memory_order_relaxed);
}

enum gk_log_level gk_log_get_level(void)
{
    return (enum gk_log_level)atomic_load_explicit(&log_level, memory_order_relaxed);
}

bool gk_log_enabled(enum gk_log_level level)
{
    return (int)level <= atomic_load_explicit(&log_level, memory_order_relaxed);
}

int gk_log_set_fd(int fd)
{
    return atomic_exchange_explicit(&log_fd, fd, memory_order_relaxed);
}

void gk_log_set_time_source(int64_t (*wall_ms)(void))
{
    atomic_store_explicit(&log_time_source, wall_ms, memory_order_relaxed);
}

const char *gk_log_level_name(enum gk_log_level level)
{
    if ((unsigned)level >= GK_LOG_LEVEL_COUNT)
        return "unknown";
    return level_names[level];
}

/* ASCII-only, so the answer never depends on the locale. */
static bool ascii_case_equal(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb)
            return false;
        if (ca == '\0')
            return true;
    }
}

enum gk_rc gk_log_level_from_name(const char *name, enum gk_log_level *out,
                                  struct gk_err *err)
{
    if (name != NULL)
        for (int i = 0; i < GK_LOG_LEVEL_COUNT; i++)
            if (ascii_case_equal(name, level_names[i])) {
                *out = (enum gk_log_level)i;
                return GK_OK;
            }
    return gk_err_set(err, GK_BAD_CONFIG,
                      "unknown log level \"%.40s\" (use error, warn, info, debug, trace)",
                      name == NULL ? "" : name);
}

/* Division rounding towards minus infinity, for times before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

size_t gk_log_format_time(int64_t unix_ms, char buf[GK_LOG_TIME_MAX])
{
    int64_t days = floor_div(unix_ms, 86400000);
    int64_t ms_of_day = unix_ms % 86400000; /* not unix_ms - days * 86400000: */
    if (ms_of_day < 0)                      /* that overflows near INT64_MIN */
        ms_of_day += 86400000;

    /* civil_from_days: shift the epoch to 0000-03-01 so leap days fall at
     * the end of each (March-based) year, then split into 400-year eras. */
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);

    int n = snprintf(buf, GK_LOG_TIME_MAX, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                     (long long)year, (int)month, (int)day, (int)(ms_of_day / 3600000),
                     (int)(ms_of_day / 60000 % 60), (int)(ms_of_day / 1000 % 60),
                     (int)(ms_of_day % 1000));
    return n < 0 ? 0 : (size_t)n;
}

/* Appends the escaped form of c at line[*n] if it fits under limit. */
static bool put_escaped(char *line, size_t *n, size_t limit, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char esc[4];
    size_t len = 0;

    if (c == '\n' || c == '\r') {
        esc[len++] = '\\';
        esc[len++] = c == '\n' ? 'n' : 'r';
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
        esc[len++] = '\\';
        esc[len++] = 'x';
        esc[len++] = hex[c >> 4];
        esc[len++] = hex[c & 0xf];
    } else {
        esc[len++] = (char)c;
    }
    if (*n + len > limit)
        return false;
    memcpy(line + *n, esc, len);
    *n += len;
    return true;
}

static void put_str(char *line, size_t *n, const char *s)
{
    size_t len = strlen(s);
    memcpy(line + *n, s, len);
    *n += len;
}

static void write_line(int fd, const char *line, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, line, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere to report it: drop the line */
        /* Only a signal or a full non-blocking pipe gives a short write;
         * finishing the line beats losing its end. */
        line += w;
        n -= (size_t)w;
    }
}

void gk_log_vwrite(enum gk_log_level level, const char *fmt, va_list ap)
{
    char msg[GK_LOG_LINE_MAX];
    char line[GK_LOG_LINE_MAX];
    const size_t limit = sizeof line - (sizeof GK_LOG_TRUNCATED - 1) - 1;
    int64_t (*now_ms)(void) =
        atomic_load_explicit(&log_time_source, memory_order_relaxed);
    int saved_errno = errno;
    size_t n = 0;

    /* The prefix is at most GK_LOG_TIME_MAX + GK_LOG_PROG_MAX + ~12 bytes,
     * far below limit, so it needs no bounds checks. */
    if (now_ms != NULL) {
        n = gk_log_format_time(now_ms(), line);
        line[n++] = ' ';
    }
    if (log_prog[0] != '\0') {
        put_str(line, &n, log_prog);
        put_str(line, &n, ": ");
    }
    put_str(line, &n, gk_log_level_name(level));
    put_str(line, &n, ": ");

    int len = vsnprintf(msg, sizeof msg, fmt, ap);
    if (len < 0)
        len = snprintf(msg, sizeof msg, "(unprintable log message)");
    size_t msg_len = (size_t)len >= sizeof msg ? sizeof msg - 1 : (size_t)len;
    size_t i = 0;
    while (i < msg_len && put_escaped(line, &n, limit, (unsigned char)msg[i]))
        i++;
    if (i < msg_len || (size_t)len >= sizeof msg)
        put_str(line, &n, GK_LOG_TRUNCATED);
    line[n++] = '\n';

    write_line(atomic_load_explicit(&log_fd, memory_order_relaxed), line, n);
    errno = saved_errno;
}

void gk_log_write(enum gk_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gk_log_vwrite(level, fmt, ap);
    va_end(ap);
}
