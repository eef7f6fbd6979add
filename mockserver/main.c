/*
 * genie-mock: an offline, stateful stand-in for the Databricks Genie
 * Conversation API. main() reads the options, builds the mock, listens (one
 * port per workspace), prints where, and waits for SIGINT or SIGTERM.
 */
#include "common/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "mockserver/mock.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct options {
    char *scenario;
    char *bind;
    int64_t port;
    int64_t seed;
    double time_scale;
    bool manual_clock;
    char *token;
    char *admin_token;
    bool admin_remote;
    char *audit_log;
    bool strict;
    int64_t threads;
    int log_level;
    bool help;
    bool print_config;
};

static const char *const log_levels[] = {"error", "warn", "info", "debug", "trace", NULL};

#define OPT(field) offsetof(struct options, field)
static const struct gk_config_option options[] = {
    {.key = "scenario", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(scenario),
     .default_value = "default", .env = "GENIE_MOCK_SCENARIO", .flag = "--scenario",
     .help = "scenario file, or the name of a built-in one (default, ...)"},
    {.key = "bind", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(bind),
     .default_value = "127.0.0.1", .env = "GENIE_MOCK_BIND", .flag = "--bind",
     .help = "IPv4 address to listen on"},
    {.key = "port", .type = GK_CONFIG_TYPE_INT64, .offset = OPT(port), .default_value = "0",
     .env = "GENIE_MOCK_PORT", .flag = "--port", .min = 0, .max = 65535,
     .help = "port of the first workspace (the next ones count up); 0 picks free ports"},
    {.key = "seed", .type = GK_CONFIG_TYPE_INT64, .offset = OPT(seed),
     .env = "GENIE_MOCK_SEED", .flag = "--seed",
     .help = "seed for ids, outcomes, SQL and rows (default: the scenario's, else random)"},
    {.key = "time_scale", .type = GK_CONFIG_TYPE_DOUBLE, .offset = OPT(time_scale),
     .default_value = "1", .env = "GENIE_MOCK_TIME_SCALE", .flag = "--time-scale",
     .dmin = 0.001, .dmax = 1e6,
     .help = "simulated time runs this many times faster than real time"},
    {.key = "manual_clock", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(manual_clock),
     .default_value = "false", .env = "GENIE_MOCK_MANUAL_CLOCK", .flag = "--manual-clock",
     .help = "time stands still until advanced (for tests)"},
    {.key = "token", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(token),
     .env = "GENIE_MOCK_TOKEN", .flag = "--token", .flags = GK_CONFIG_SECRET,
     .help = "an extra token accepted by every workspace, with access to every space"},
    {.key = "admin_token", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(admin_token),
     .env = "GENIE_MOCK_ADMIN_TOKEN", .flag = "--admin-token", .flags = GK_CONFIG_SECRET,
     .help = "token for the admin API under /__admin/ (default: a random one, printed)"},
    {.key = "admin_remote", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(admin_remote),
     .default_value = "false", .env = "GENIE_MOCK_ADMIN_REMOTE", .flag = "--admin-remote",
     .help = "answer admin calls from other hosts too (default: loopback only)"},
    {.key = "audit_log", .type = GK_CONFIG_TYPE_STRING, .offset = OPT(audit_log),
     .env = "GENIE_MOCK_AUDIT_LOG", .flag = "--audit-log",
     .help = "append one system.access.audit JSON line per API call to this file"},
    {.key = "strict", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(strict),
     .default_value = "false", .env = "GENIE_MOCK_STRICT", .flag = "--strict",
     .help = "exit 1 at shutdown when the client report found anything (for CI)"},
    {.key = "threads", .type = GK_CONFIG_TYPE_INT64, .offset = OPT(threads),
     .default_value = "1", .env = "GENIE_MOCK_THREADS", .flag = "--threads", .min = 1,
     .max = 64, .help = "HTTP threads per workspace"},
    {.key = "log_level", .type = GK_CONFIG_TYPE_ENUM, .offset = OPT(log_level),
     .default_value = "info", .env = "GENIE_MOCK_LOG_LEVEL", .flag = "--log-level",
     .names = log_levels, .help = "error, warn, info, debug or trace"},
    {.key = "print_config", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(print_config),
     .flag = "--print-config", .flags = GK_CONFIG_CLI_ONLY,
     .help = "print the effective configuration and where each value came from, then exit"},
    {.key = "help", .type = GK_CONFIG_TYPE_BOOL, .offset = OPT(help), .flag = "--help",
     .flags = GK_CONFIG_CLI_ONLY, .help = "show this help and exit"},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: genie-mock [options]\n\n"
                 "An offline, stateful stand-in for the Databricks Genie Conversation API.\n"
                 "Prints one line per workspace with its base URL and token, then serves\n"
                 "until SIGINT or SIGTERM, and prints the client report. Every option can\n"
                 "also be set from the environment variable shown.\n\noptions:\n");
    gk_config_print_help(options, N_OPTIONS, out);
}

static int parse_options(int argc, char **argv, struct gk_config *cfg, struct options *o)
{
    struct gk_err err = {0};
    if (gk_config_init(cfg, options, N_OPTIONS, o, &err) != GK_OK ||
        gk_config_parse_args(cfg, argc, argv, NULL, NULL, &err) != GK_OK ||
        gk_config_load_env(cfg, NULL, NULL, &err) != GK_OK) {
        fprintf(stderr, "genie-mock: %s\n(see genie-mock --help)\n", gk_err_str(&err));
        return 2;
    }
    return 0;
}

/* One line per workspace, then its principals' credentials. */
static void print_ready(const struct mock *m, const char *bind)
{
    printf("genie-mock: scenario %s, seed %llu, time scale %gx%s\n", m->scenario.name,
           (unsigned long long)m->seed, gk_clock_scale(&m->clock),
           gk_clock_mode(&m->clock) == GK_CLOCK_MANUAL ? " (manual clock)" : "");
    if (m->ws_count > 0)
        printf("admin http://%s:%u/__admin/ token %s\n", bind, (unsigned)mock_port(m, 0),
               m->admin_token);
    for (size_t i = 0; i < m->ws_count; i++) {
        const struct mock_workspace *w = m->ws[i].def;
        printf("workspace %s http://%s:%u\n", w->workspace_id, bind, (unsigned)mock_port(m, i));
        for (size_t k = 0; k < w->principal_count; k++) {
            const struct mock_principal *p = &w->principals[k];
            if (p->token != NULL)
                printf("  token %s user %s%s\n", p->token, p->name,
                       p->all_spaces ? "" : " (some spaces only)");
            if (p->client_id != NULL)
                printf("  client_id %s client_secret %s user %s\n", p->client_id,
                       p->client_secret, p->name);
        }
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct options o = {0};
    struct gk_config cfg;
    struct gk_err err = {0};
    struct mock *m = NULL;
    sigset_t stop;
    int sig, rc;

    gk_log_init("genie-mock");
    gk_log_set_time_source(gk_clock_system_wall_ms);
    if ((rc = parse_options(argc, argv, &cfg, &o)) != 0)
        return rc;
    if (o.help || o.print_config) {
        if (o.help)
            usage(stdout);
        else
            gk_config_dump(&cfg, stdout);
        gk_config_cleanup(&cfg);
        return 0;
    }
    gk_log_set_level((enum gk_log_level)o.log_level);

    struct mock_opts mo = {
        .scenario_path = o.scenario,
        .seed = (uint64_t)o.seed,
        .time_scale = o.time_scale,
        .manual_clock = o.manual_clock,
        .bind_addr = o.bind,
        .base_port = (uint16_t)o.port,
        .threads = (unsigned)o.threads,
        .token = o.token,
        .admin_token = o.admin_token,
        .admin_remote = o.admin_remote,
        .audit_log = o.audit_log,
    };
    enum gk_config_origin seed_origin = GK_CONFIG_FROM_DEFAULT;
    gk_config_source(&cfg, "seed", &seed_origin, NULL, 0);
    mo.has_seed = seed_origin != GK_CONFIG_FROM_DEFAULT;

    /* Block the stop signals before any thread starts, so that only
     * sigwait() below receives them. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (mock_new(&mo, &m, &err) != GK_OK || mock_start(m, &err) != GK_OK) {
        GK_LOG_ERROR("%s", gk_err_str(&err));
        mock_free(m);
        gk_config_cleanup(&cfg);
        return 1;
    }
    print_ready(m, o.bind);
    sigwait(&stop, &sig);
    GK_LOG_INFO("%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    mock_stop(m); /* no more calls: the report is final */
    int64_t now = gk_clock_now_us(&m->clock);
    int64_t violations = mock_observe_violations(m->observe, now, true);
    mock_observe_report_print(m->observe, now, true, stderr);
    rc = o.strict && violations > 0 ? 1 : 0;
    if (rc != 0)
        GK_LOG_ERROR("--strict: the client report found %lld problem%s", (long long)violations,
                     violations == 1 ? "" : "s");
    mock_free(m);
    gk_config_cleanup(&cfg);
    return rc;
}
