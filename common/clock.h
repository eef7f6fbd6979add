/*
 * clock: the project's one source of time, with time acceleration and a
 * manual mode.
 *
 * A struct gk_clock gives *simulated* time in three modes:
 *   real    simulated time is real time (scale 1);
 *   scaled  simulated elapsed = scale x real elapsed since the clock was
 *           initialised (`--time-scale 600` turns a 10-minute poll budget
 *           into one real second);
 *   manual  time moves only when gk_clock_advance() says so (tests, and the
 *           mock's admin API).
 * gk_clock_now_us() counts simulated microseconds since initialisation: it
 * starts at 0 and never decreases. gk_clock_wall_ms() is the simulated epoch
 * time: the wall time at initialisation (or the one given to a manual clock)
 * plus the simulated elapsed time, so wall and monotonic time never disagree,
 * even when the system clock is stepped. Code that needs the real time of
 * day (log lines) uses gk_clock_system_wall_ms().
 *
 * This is the only file of the project that calls clock_gettime. Everything
 * else takes `now` as an argument. The raw source is one function pointer that
 * tests replace with a fake, so no test ever sleeps.
 *
 * Ownership: a struct gk_clock is caller-allocated and holds no resources
 * (there is no _cleanup). Thread-safety: after init, any number of threads
 * may call the readers while one thread advances a manual clock; the reads
 * are lock-free (one C11 atomic load). Init must finish before the clock is
 * shared. A replacement source must itself be safe to call from several
 * threads if the clock is.
 */
#ifndef GK_CLOCK_H
#define GK_CLOCK_H

#include "common/err.h"

#include <stdatomic.h>
#include <stdint.h>

/* Largest accepted scale: a simulated day per real 86 ms; more is a typo. */
#define GK_CLOCK_SCALE_MAX 1e6

enum gk_clock_mode {
    GK_CLOCK_REAL,
    GK_CLOCK_SCALED,
    GK_CLOCK_MANUAL,
};

/* Which reading a raw source is asked for. */
enum gk_clock_base {
    GK_CLOCK_BASE_MONO_US, /* monotonic microseconds, arbitrary origin */
    GK_CLOCK_BASE_WALL_MS, /* milliseconds since the Unix epoch */
};

/*
 * A raw time source: returns the reading `base` asks for. The monotonic
 * reading must never decrease (a fake that goes back is treated as standing
 * still). ctx is passed through untouched.
 */
struct gk_clock_source {
    int64_t (*read)(void *ctx, enum gk_clock_base base);
    void *ctx;
};

struct gk_clock {
    enum gk_clock_mode mode;
    double scale;                  /* 1 for real and manual clocks */
    struct gk_clock_source source; /* unused by a manual clock */
    int64_t start_mono_us;         /* raw monotonic reading at init */
    int64_t start_wall_ms;         /* simulated epoch ms at now_us == 0 */
    _Atomic int64_t manual_us;     /* manual clock: simulated us elapsed */
};

/* Real monotonic microseconds (CLOCK_MONOTONIC); arbitrary origin. */
int64_t gk_clock_system_mono_us(void);
/* Real wall time in milliseconds since the Unix epoch (CLOCK_REALTIME). */
int64_t gk_clock_system_wall_ms(void);

/*
 * Starts a real (scale == 1) or scaled clock on the system's clocks.
 * Returns GK_OK, or GK_INVALID_PARAMETER_VALUE (naming "scale") when scale is
 * not a finite number in (0, GK_CLOCK_SCALE_MAX]; c is then left untouched.
 */
enum gk_rc gk_clock_init(struct gk_clock *c, double scale, struct gk_err *err);

/*
 * As gk_clock_init, reading the raw time from source instead (copied; NULL
 * means the system's clocks). For tests and for anything that must replay
 * recorded time.
 */
enum gk_rc gk_clock_init_source(struct gk_clock *c, double scale,
                                const struct gk_clock_source *source, struct gk_err *err);

/*
 * Starts a manual clock at now_us == 0 and wall time start_wall_ms (epoch
 * ms, >= 0). Returns GK_OK, or GK_INVALID_PARAMETER_VALUE naming
 * "start_wall_ms" when it is negative.
 */
enum gk_rc gk_clock_init_manual(struct gk_clock *c, int64_t start_wall_ms,
                                struct gk_err *err);

/* The clock's mode and scale (1 for real and manual clocks). */
enum gk_clock_mode gk_clock_mode(const struct gk_clock *c);
double gk_clock_scale(const struct gk_clock *c);

/* Simulated microseconds since init: starts at 0, never decreases. */
int64_t gk_clock_now_us(const struct gk_clock *c);

/* Simulated epoch milliseconds: start wall time + simulated elapsed time. */
int64_t gk_clock_wall_ms(const struct gk_clock *c);

/*
 * Moves a manual clock forward by delta_us (0 is allowed). Returns GK_OK;
 * GK_INVALID_STATE if c is not manual; GK_INVALID_PARAMETER_VALUE naming
 * "delta_us" when it is negative or would overflow the clock. On error the
 * clock does not move. Safe against concurrent readers and advancers.
 */
enum gk_rc gk_clock_advance(struct gk_clock *c, int64_t delta_us, struct gk_err *err);

/*
 * The real time to sleep so that sim_us of simulated time passes: sim_us
 * for a real clock, sim_us / scale rounded up for a scaled one (1 simulated
 * second at scale 600 = 1667 us). A manual clock does not move while one
 * sleeps; it answers sim_us (1:1), so a loop waiting for someone else to
 * advance it re-checks at a sane pace instead of spinning. sim_us <= 0 gives 0.
 */
int64_t gk_clock_real_sleep_us(const struct gk_clock *c, int64_t sim_us);

#endif
