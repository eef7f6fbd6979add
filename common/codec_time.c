/*
 * codec_time.c: RFC 3339 date-times for the codec (space create_time and
 * update_time are protobuf Timestamps on the wire).
 *
 * Civil-date arithmetic after Howard Hinnant's days_from_civil /
 * civil_from_days (proleptic Gregorian, exact for every int64 day), so no
 * timegm (not POSIX), no gmtime_r and no time zone state are involved. The
 * range is held to years 0000..9999 both ways, so whatever parses also
 * formats (the fuzz harness relies on that).
 */
#include "common/codec.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MS_PER_DAY INT64_C(86400000)

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* The representable range: 0000-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z */
static int64_t time_min_ms(void)
{
    return days_from_civil(0, 1, 1) * MS_PER_DAY;
}

static int64_t time_max_ms(void)
{
    return days_from_civil(10000, 1, 1) * MS_PER_DAY - 1;
}

enum gk_rc gk_codec_time_format(int64_t ms, char buf[GK_CODEC_TIME_MAX],
                                struct gk_err *err)
{
    int64_t y;
    unsigned mo, d;

    if (ms < time_min_ms() || ms > time_max_ms())
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "time: %" PRId64 " ms is outside years 0000-9999", ms);
    int64_t days = ms / MS_PER_DAY, rem = ms % MS_PER_DAY;
    if (rem < 0) {
        rem += MS_PER_DAY;
        days--;
    }
    civil_from_days(days, &y, &mo, &d);
    unsigned secs = (unsigned)(rem / 1000), milli = (unsigned)(rem % 1000);
    /* Every field is in range here, so the text is always 24 bytes; the
     * compiler cannot prove that, hence the roomy scratch buffer. */
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", (int)y, mo,
                     d, secs / 3600, secs / 60 % 60, secs % 60, milli);
    if (n < 0 || (size_t)n >= GK_CODEC_TIME_MAX)
        return gk_err_set(err, GK_INTERNAL_ERROR, "time: cannot format %" PRId64, ms);
    memcpy(buf, tmp, (size_t)n + 1);
    return GK_OK;
}

/* A printable, bounded copy of the (possibly untrusted) input for messages. */
static const char *echo(const char *s, size_t len, char buf[48])
{
    size_t i = 0;
    for (; i < len && i < 40; i++)
        buf[i] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' ? s[i] : '?';
    buf[i] = '\0';
    return buf;
}

/* Reads exactly n digits at s[*i]; false if any is not a digit. */
static bool read_digits(const char *s, size_t len, size_t *i, int n, unsigned *v)
{
    *v = 0;
    for (int k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return false;
        *v = *v * 10 + (unsigned)(s[*i] - '0');
    }
    return true;
}

static bool expect(const char *s, size_t len, size_t *i, const char *any_of)
{
    if (*i >= len || s[*i] == '\0' || strchr(any_of, s[*i]) == NULL)
        return false;
    (*i)++;
    return true;
}

enum gk_rc gk_codec_time_parse(const char *s, size_t len, int64_t *ms, struct gk_err *err)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, mo, d, h, mi, sec, oh = 0, om = 0, milli = 0;
    size_t i = 0;
    int sign = 0;
    char buf[48];

    if (s == NULL || ms == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "time: NULL");
    if (!read_digits(s, len, &i, 4, &y) || !expect(s, len, &i, "-") ||
        !read_digits(s, len, &i, 2, &mo) || !expect(s, len, &i, "-") ||
        !read_digits(s, len, &i, 2, &d) || !expect(s, len, &i, "Tt ") ||
        !read_digits(s, len, &i, 2, &h) || !expect(s, len, &i, ":") ||
        !read_digits(s, len, &i, 2, &mi) || !expect(s, len, &i, ":") ||
        !read_digits(s, len, &i, 2, &sec))
        goto syntax;
    if (i < len && s[i] == '.') {
        unsigned scale = 100, digit;
        i++;
        if (!read_digits(s, len, &i, 1, &digit))
            goto syntax;
        for (;;) { /* keep milliseconds, drop finer digits */
            milli += digit * scale;
            scale /= 10;
            if (i >= len || s[i] < '0' || s[i] > '9')
                break;
            read_digits(s, len, &i, 1, &digit);
        }
    }
    if (expect(s, len, &i, "Zz")) {
        sign = 0;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        sign = s[i++] == '-' ? -1 : 1;
        if (!read_digits(s, len, &i, 2, &oh) || !expect(s, len, &i, ":") ||
            !read_digits(s, len, &i, 2, &om))
            goto syntax;
    } else {
        goto syntax;
    }
    if (i != len)
        goto syntax;

    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 ||
        mi > 59 || sec > 60 || oh > 23 || om > 59)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "time: \"%s\" has a field out of range", echo(s, len, buf));
    /* A leap second (:60) is read as the first second of the next minute. */
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
                   sign * (int64_t)(oh * 3600 + om * 60);
    int64_t v = secs * 1000 + milli;
    if (v < time_min_ms() || v > time_max_ms())
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "time: \"%s\" is outside years 0000-9999 in UTC",
                          echo(s, len, buf));
    *ms = v;
    return GK_OK;

syntax:
    return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                      "time: \"%s\" is not an RFC 3339 date-time", echo(s, len, buf));
}
