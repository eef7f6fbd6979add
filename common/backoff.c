/*
 * backoff: delay schedules and the Retry-After parser.
 *
 * Ceiling: base * 2^k is never computed when it could overflow: base * 2^k
 * <= cap iff base <= cap >> k, so the shift happens only when the result is
 * known to fit. k >= 63 always gives cap.
 *
 * Retry-After: a small cursor over [p, end) with exact, bounded matchers (no
 * sscanf, no strtol, no locale), so untrusted bytes, embedded NULs and
 * missing terminators are all harmless. Each of the three date forms is
 * tried from the start of the trimmed value and must consume all of it.
 * Dates become epoch milliseconds through days-from-civil (Howard Hinnant's
 * public-domain algorithm), exact for every 4-digit year.
 */
#include "common/backoff.h"

enum gk_rc gk_backoff_policy_init(struct gk_backoff_policy *p, int64_t base_us,
                                  int64_t cap_us, bool jitter, int max_attempts,
                                  int64_t budget_us, struct gk_err *err)
{
    if (base_us <= 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "base_us: must be > 0, got %lld", (long long)base_us);
    if (cap_us < base_us)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "cap_us: must be >= base_us (%lld), got %lld",
                          (long long)base_us, (long long)cap_us);
    if (max_attempts < 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "max_attempts: must be >= 0 (0 = no limit), got %d",
                          max_attempts);
    if (budget_us < 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "budget_us: must be >= 0 (0 = no limit), got %lld",
                          (long long)budget_us);
    *p = (struct gk_backoff_policy){base_us, cap_us, jitter, max_attempts, budget_us};
    return GK_OK;
}

int64_t gk_backoff_ceiling_us(int64_t base_us, int64_t cap_us, unsigned attempt)
{
    if (base_us <= 0 || cap_us <= 0)
        return 0;
    if (attempt >= 63 || base_us > (cap_us >> attempt))
        return cap_us;
    return base_us << attempt;
}

int64_t gk_backoff_jitter_us(int64_t base_us, int64_t cap_us, unsigned attempt,
                             struct gk_rng *rng)
{
    return gk_rng_range(rng, 0, gk_backoff_ceiling_us(base_us, cap_us, attempt));
}

bool gk_backoff_next(const struct gk_backoff_policy *p, unsigned attempt,
                     int64_t elapsed_us, struct gk_rng *rng, int64_t *delay_us)
{
    *delay_us = 0;
    if (p->max_attempts > 0 && attempt >= (unsigned)p->max_attempts)
        return false;
    if (p->budget_us > 0 && elapsed_us >= p->budget_us)
        return false;
    int64_t d = p->jitter && rng != NULL
                    ? gk_backoff_jitter_us(p->base_us, p->cap_us, attempt, rng)
                    : gk_backoff_ceiling_us(p->base_us, p->cap_us, attempt);
    /* elapsed_us < budget_us here, and a negative elapsed (a caller's clock
     * mix-up) must not overflow the subtraction: clamp it to 0 first. */
    if (p->budget_us > 0) {
        int64_t left = p->budget_us - (elapsed_us > 0 ? elapsed_us : 0);
        if (d > left)
            d = left;
    }
    *delay_us = d;
    return true;
}

/* ---- dates ---------------------------------------------------------------- */

int64_t gk_backoff_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* The year of the date `days` after 1970-01-01 (inverse of the above). */
static int64_t year_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10); /* months Jan and Feb belong to the next year */
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* ---- a cursor over untrusted bytes ----------------------------------------- */

struct cursor {
    const char *p;
    const char *end;
};

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Consumes s (case-insensitively) if the input starts with it. */
static bool eat(struct cursor *c, const char *s)
{
    const char *p = c->p;
    for (; *s != '\0'; s++, p++)
        if (p == c->end || lower(*p) != lower(*s))
            return false;
    c->p = p;
    return true;
}

/* Consumes min..max digits; their value in *out. */
static bool eat_digits(struct cursor *c, int min, int max, int *out)
{
    int n = 0, v = 0;
    while (n < max && c->p != c->end && is_digit(*c->p)) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    *out = v;
    return n >= min;
}

/* Consumes one of names[0..n); its index, or -1. */
static int eat_name(struct cursor *c, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (eat(c, names[i]))
            return i;
    return -1;
}

static const char *const short_days[7] = {"Mon", "Tue", "Wed", "Thu",
                                          "Fri", "Sat", "Sun"};
static const char *const long_days[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                         "Friday", "Saturday", "Sunday"};
static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct date {
    int64_t year;
    int month; /* 1..12 */
    int day, hour, min, sec;
};

/* "08:49:37" */
static bool eat_time(struct cursor *c, struct date *d)
{
    return eat_digits(c, 2, 2, &d->hour) && eat(c, ":") && eat_digits(c, 2, 2, &d->min) &&
           eat(c, ":") && eat_digits(c, 2, 2, &d->sec);
}

static bool eat_month(struct cursor *c, struct date *d)
{
    d->month = eat_name(c, months, 12) + 1;
    return d->month > 0;
}

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
static bool parse_imf(struct cursor c, struct date *d)
{
    int y = 0;
    bool ok = eat_name(&c, short_days, 7) >= 0 && eat(&c, ", ") &&
              eat_digits(&c, 2, 2, &d->day) && eat(&c, " ") && eat_month(&c, d) &&
              eat(&c, " ") && eat_digits(&c, 4, 4, &y) && eat(&c, " ") &&
              eat_time(&c, d) && eat(&c, " GMT");
    d->year = y;
    return ok && c.p == c.end;
}

/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
static bool parse_rfc850(struct cursor c, struct date *d, int64_t now_year)
{
    int yy = 0;
    bool ok = eat_name(&c, long_days, 7) >= 0 && eat(&c, ", ") &&
              eat_digits(&c, 2, 2, &d->day) && eat(&c, "-") && eat_month(&c, d) &&
              eat(&c, "-") && eat_digits(&c, 2, 2, &yy) && eat(&c, " ") &&
              eat_time(&c, d) && eat(&c, " GMT");
    if (!ok || c.p != c.end)
        return false;
    /* RFC 9110 5.6.7: a two-digit year more than 50 years in the future is
     * the most recent past year with those digits. An absurd `now` is held
     * to four-digit years so the date arithmetic cannot overflow. */
    now_year = now_year < 1900 ? 1900 : now_year > 9949 ? 9949 : now_year;
    int64_t y = now_year - now_year % 100 + yy;
    if (y > now_year + 50)
        y -= 100;
    else if (y <= now_year - 50)
        y += 100;
    d->year = y;
    return true;
}

/* asctime: "Sun Nov  6 08:49:37 1994" (day padded with a space) */
static bool parse_asctime(struct cursor c, struct date *d)
{
    int y = 0;
    bool ok = eat_name(&c, short_days, 7) >= 0 && eat(&c, " ") && eat_month(&c, d) &&
              eat(&c, " ");
    if (!ok)
        return false;
    if (eat(&c, " "))
        ok = eat_digits(&c, 1, 1, &d->day);
    else
        ok = eat_digits(&c, 2, 2, &d->day);
    ok =
        ok && eat(&c, " ") && eat_time(&c, d) && eat(&c, " ") && eat_digits(&c, 4, 4, &y);
    d->year = y;
    return ok && c.p == c.end;
}

static bool date_valid(const struct date *d)
{
    return d->day >= 1 && d->day <= days_in_month(d->year, d->month) && d->hour <= 23 &&
           d->min <= 59 && d->sec <= 60; /* 60: a leap second, as RFC 5322 allows */
}

/* Milliseconds from now_wall_ms until the date, in [0, MAX]. */
static int64_t delay_until(const struct date *d, int64_t now_wall_ms)
{
    /* |date_ms| < 4e14 for 4-digit years: none of this can overflow. */
    int64_t date_ms = gk_backoff_days_from_civil(d->year, d->month, d->day) * 86400000 +
                      (int64_t)d->hour * 3600000 + (int64_t)d->min * 60000 +
                      (int64_t)d->sec * 1000;
    if (now_wall_ms >= date_ms)
        return 0;
    if (now_wall_ms < date_ms - GK_BACKOFF_RETRY_AFTER_MAX_MS)
        return GK_BACKOFF_RETRY_AFTER_MAX_MS;
    return date_ms - now_wall_ms;
}

/* ---- delay-seconds ---------------------------------------------------------- */

/* "120", "1.5": digits, optionally '.' and at least one digit; in ms. */
static bool parse_seconds(struct cursor c, int64_t *ms)
{
    const int64_t max_s = GK_BACKOFF_RETRY_AFTER_MAX_MS / 1000;
    int64_t s = 0;
    const char *start = c.p;
    for (; c.p != c.end && is_digit(*c.p); c.p++)
        if (s <= max_s) /* past the cap the exact value no longer matters */
            s = s * 10 + (*c.p - '0');
    if (c.p == start)
        return false;
    int64_t frac = 0;
    if (c.p != c.end && *c.p == '.') {
        c.p++;
        const char *fstart = c.p;
        bool more = false; /* a nonzero digit below the millisecond */
        for (int n = 0; c.p != c.end && is_digit(*c.p); c.p++, n++) {
            if (n < 3)
                frac = frac * 10 + (*c.p - '0');
            else if (*c.p != '0')
                more = true;
        }
        if (c.p == fstart)
            return false;
        for (ptrdiff_t n = c.p - fstart; n < 3; n++)
            frac *= 10;
        frac += more;
    }
    if (c.p != c.end)
        return false;
    *ms = s > max_s ? GK_BACKOFF_RETRY_AFTER_MAX_MS : s * 1000 + frac;
    if (*ms > GK_BACKOFF_RETRY_AFTER_MAX_MS)
        *ms = GK_BACKOFF_RETRY_AFTER_MAX_MS;
    return true;
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int64_t gk_backoff_retry_after_ms(const char *value, size_t len, int64_t now_wall_ms,
                                  int64_t fallback_ms, bool *used_fallback)
{
    bool dummy;
    bool *fell = used_fallback != NULL ? used_fallback : &dummy;
    *fell = true;
    if (value == NULL)
        return fallback_ms;
    struct cursor c = {value, value + len};
    while (c.p != c.end && is_ows(*c.p))
        c.p++;
    while (c.end != c.p && is_ows(c.end[-1]))
        c.end--;
    if (c.p == c.end)
        return fallback_ms;

    int64_t ms;
    if (is_digit(*c.p)) {
        if (!parse_seconds(c, &ms))
            return fallback_ms;
        *fell = false;
        return ms;
    }
    /* floor division: the year of a pre-1970 now must not be off by one */
    int64_t now_days = now_wall_ms / 86400000 - (now_wall_ms % 86400000 < 0);
    struct date d;
    if (parse_imf(c, &d) || parse_rfc850(c, &d, year_from_days(now_days)) ||
        parse_asctime(c, &d)) {
        if (!date_valid(&d))
            return fallback_ms;
        *fell = false;
        return delay_until(&d, now_wall_ms);
    }
    return fallback_ms;
}
