/*
 * run: one genie-gen run, on one thread: discover spaces where none are
 * configured, build the plan, resume from the output files, then ask,
 * pace, poll and record until every planned message has its record (or a
 * SIGINT's grace period ends), and summarise.
 *
 * Each planned question is a small state machine:
 *
 *   BLOCKED --(previous turn of its conversation terminal)--> READY
 *   READY --(pacer allows, in-flight cap, auth ready)--> POSTING
 *   POSTING --200--> POLLING (state journal written first)
 *           --429--> READY after Retry-After (the pacer slows down)
 *           --502/503/504, network--> READY after jittered backoff (budget)
 *           --401 with OAuth, once per request--> READY with a new token
 *           --other 4xx (a 401 with a PAT too)--> DONE "rejected" (its
 *             conversation stops)
 *   POLLING --terminal--> [FETCHING the query result] --> DONE "terminal"
 *           --deadline (poll_timeout from the POST)--> DONE "timeout";
 *           429/503/network: poll again later; 401 as for POSTING
 *
 * A resumed run (the output files name questions an earlier run asked)
 * waits one 60 s window before its first question in each such workspace
 * (unless, at time scale 1, the newest of them is over 6 minutes old): the
 * earlier run's POSTs are not in the new pacers (run.c, hold_after_resume). SIGINT lets the messages with a request out or a poll
 * to come finish; a question waiting to be asked again is left for the
 * next run.
 *
 * The loop waits in libcurl for the earliest due time (on the scaled clock)
 * or the next response; only the sub-millisecond rest of a wait, which
 * libcurl cannot wait, is slept.
 */
#ifndef GEN_RUN_H
#define GEN_RUN_H

#include "common/err.h"
#include "generator/gen.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

struct gen_run_opts {
    struct gen_config *cfg;              /* discovered spaces are added to it */
    FILE *progress;                      /* a TTY for the progress line, or NULL */
    volatile sig_atomic_t *interrupted;  /* set by SIGINT: stop asking, finish in-flight */
};

/*
 * Runs. Returns GK_OK when every planned message has its record (whatever
 * its outcome), or the error that stopped the run (bad config discovered at
 * run time, files, every workspace's auth failing, or an interruption: the
 * output then holds what finished and a re-run resumes).
 */
enum gk_rc gen_run(const struct gen_run_opts *o, struct gk_err *err);

#endif
