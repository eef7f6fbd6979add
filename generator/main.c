/*
 * genie-gen: asks Genie questions across workspaces and spaces at a pace
 * that never breaks the per-workspace question limit, polls every message
 * to a terminal status and writes one durable JSON line per message.
 * main() reads the settings, runs, and maps the result to an exit status:
 * 0 every planned message has its record, 1 an error stopped the run, 2 bad
 * options, 130 interrupted (run again with the same settings to resume).
 */
#include "common/clock.h"
#include "common/log.h"
#include "generator/config.h"
#include "generator/run.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

int main(int argc, char **argv)
{
    struct gen_config cfg = {0};
    struct gk_err err = {0};
    struct sigaction sa;

    gk_log_init("genie-gen");
    gk_log_set_time_source(gk_clock_system_wall_ms);
    enum gk_rc rc = gen_config_load(&cfg, argc, argv, NULL, NULL, &err);
    if (cfg.help) {
        gen_config_print_help(stdout);
        gen_config_free(&cfg);
        return 0;
    }
    if (rc == GK_OK && cfg.print_config) {
        gen_config_dump(&cfg, stdout);
        rc = gen_config_validate(&cfg, &err);
        gen_config_free(&cfg);
        if (rc != GK_OK)
            fprintf(stderr, "genie-gen: %s\n", gk_err_str(&err));
        return rc == GK_OK ? 0 : 2;
    }
    if (rc != GK_OK) {
        fprintf(stderr, "genie-gen: %s\n(see genie-gen --help)\n", gk_err_str(&err));
        gen_config_free(&cfg);
        return 2;
    }
    gk_log_set_level((enum gk_log_level)cfg.log_level);

    /* SIGINT/SIGTERM: stop asking, let in-flight messages finish. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct gen_run_opts o = {
        .cfg = &cfg,
        .progress = isatty(STDERR_FILENO) ? stderr : NULL,
        .interrupted = &interrupted,
    };
    rc = gen_run(&o, &err);
    if (!cfg.dry_run)
        fprintf(stderr, "genie-gen: records in %s (state journal %s)\n", cfg.output,
                cfg.state != NULL ? cfg.state : "-");
    if (rc != GK_OK)
        GK_LOG_ERROR("%s", gk_err_str(&err));
    gen_config_free(&cfg);
    if (rc == GK_OK)
        return 0;
    return interrupted ? 130 : 1;
}
