/*
 * plan: the question banks and the deterministic list of questions of a run.
 *
 * Question banks (fixtures/questions/NAME.json, format in docs/questions.md)
 * hold starters and follow-ups per domain, with the words that tie a bank to
 * a space. Each space gets one bank: the one its configured `domain` names,
 * else the bank whose match words best fit its title and description, else
 * the fallback bank (domain "general", required).
 *
 * The plan is workspaces x spaces x conversations x turns, in that order,
 * each question keyed "<workspace_id>/<space_id>/c<conversation>/m<turn>"
 * (gen.h). It is a pure function of the configuration, the seed, the space
 * list and the banks' contents; more precisely, a question's text depends on
 * its key, not on its position, so reordering spaces or workspaces only
 * reorders the plan, and raising conversations_per_space keeps every
 * earlier conversation as it was. That is what lets a re-run resume.
 *   starters    per space, a shuffle of the bank's starters seeded from
 *               (seed, "<workspace_id>/<space_id>"): conversation c gets its
 *               c-th entry, so no starter repeats within a space until all
 *               were used (then a new shuffle begins);
 *   follow-ups  per conversation, rng seeded from (seed, the conversation's
 *               key "<workspace_id>/<space_id>/c<n>"): the count uniform in
 *               [follow_ups_min, follow_ups_max], then the texts, distinct
 *               within the conversation while the bank has unused ones.
 *
 * cJSON is used in plan.c only; no cJSON type appears here.
 * Ownership: banks and plans own every string they hold; _cleanup frees
 * them (NULL is a no-op), after which the struct may be reused. A plan
 * refers to the configuration by index (gen_question.workspace, .space), so
 * the gen_config must outlive the plan's printing and estimates, and its
 * workspace and space lists must not change. Thread-safety: none needed;
 * distinct objects may be used from distinct threads.
 */
#ifndef GEN_PLAN_H
#define GEN_PLAN_H

#include "common/err.h"
#include "generator/gen.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The bank every unmatched space falls back to. */
#define GEN_BANK_FALLBACK          "general"
/* Largest bank file read. */
#define GEN_BANK_FILE_MAX          (1024 * 1024)
/* Longest question, in bytes. */
#define GEN_BANK_TEXT_MAX          2000
/* Longest domain name or match word, in bytes. */
#define GEN_BANK_WORD_MAX          64
/* conversations_per_space is at most Genie's conversations per space. */
#define GEN_PLAN_CONVERSATIONS_MAX 10000
/* follow_ups_max is at most this. */
#define GEN_PLAN_FOLLOW_UPS_MAX    100
/* The answer time gen_plan_estimate assumes unless told (mock-clock us):
 * real Genie answers in 12-19 s, the default scenario in about 16 s. */
#define GEN_PLAN_ANSWER_US         (15LL * 1000 * 1000)

struct gen_bank {
    char *file;   /* the file's base name, for messages ("sales.json") */
    char *domain; /* "sales": lower-case letters, digits, '-' and '_' */
    char **match; /* match words, lower-cased, as given (may be empty) */
    size_t match_count;
    char **starters;
    size_t starter_count; /* >= 1 */
    char **follow_ups;
    size_t follow_up_count; /* >= 1 */
};

struct gen_banks {
    struct gen_bank *banks; /* by file name */
    size_t count;
    size_t fallback; /* index of the GEN_BANK_FALLBACK bank */
};

/* Per-workspace figures for --dry-run. */
struct gen_plan_estimate {
    size_t spaces, conversations, questions;
    int max_turns;     /* questions in the longest conversation */
    int64_t send_us;   /* when the pacer allows the last POST (first at 0) */
    int64_t answer_us; /* when an answer is seen terminal after its POST */
    int64_t duration_us;
};

/*
 * Parses one bank from json[0..len) (need not be NUL-terminated); `file`
 * names it in messages and is copied. Strict: unknown or duplicate keys,
 * wrong types, empty, over-long, control characters, invalid UTF-8,
 * duplicate questions are errors, e.g.
 *     sales.json: starters[3]: expected a string, got a number
 * Returns GK_OK; GK_BAD_CONFIG; GK_OUT_OF_MEMORY. On error bank holds
 * nothing to free.
 */
enum gk_rc gen_bank_parse(struct gen_bank *bank, const char *file, const char *json,
                          size_t len, struct gk_err *err);

/* Frees what bank holds. NULL is a no-op. */
void gen_bank_cleanup(struct gen_bank *bank);

/*
 * Loads every *.json file of dir (not those starting with '.'), in file
 * name order. Also errors: no bank, two banks with one domain, no
 * GEN_BANK_FALLBACK bank, a file larger than GEN_BANK_FILE_MAX. Returns
 * GK_OK; GK_IO_ERROR (naming questions_dir or the file and the reason);
 * GK_BAD_CONFIG; GK_OUT_OF_MEMORY. On error banks holds nothing to free.
 */
enum gk_rc gen_banks_load(struct gen_banks *banks, const char *dir, struct gk_err *err);

/*
 * Takes over `count` parsed banks (moved: the array's strings now belong to
 * banks, the caller frees only the array itself) and runs the checks of
 * gen_banks_load. For tests and for banks that do not come from files. On
 * error the banks given are freed and banks holds nothing.
 */
enum gk_rc gen_banks_adopt(struct gen_banks *banks, struct gen_bank *given, size_t count,
                           struct gk_err *err);

/* Frees every bank. NULL is a no-op. */
void gen_banks_cleanup(struct gen_banks *banks);

/*
 * How well bank fits a space: 2 per match word found in the title, 1 per
 * match word found in the description (both may be NULL). A word is found
 * case-insensitively at word boundaries, as written or with a plural "s" or
 * "es" ("order" finds "Orders"); punctuation counts as a space
 * ("point of sale" finds "Point-of-sale").
 */
int gen_bank_score(const struct gen_bank *bank, const char *title,
                   const char *description);

/*
 * The bank for a space: *index into banks->banks. A configured domain must
 * name a bank (case-insensitively), else GK_BAD_CONFIG naming the space,
 * the domain and the banks there are. Otherwise the best gen_bank_score
 * (the first bank on a tie; the fallback bank never competes), or the
 * fallback when nothing scores.
 */
enum gk_rc gen_banks_pick(const struct gen_banks *banks, const struct gen_space *space,
                          size_t *index, struct gk_err *err);

/*
 * Builds the plan of cfg's workspaces and spaces (discovered spaces must be
 * filled in first) from banks. Checks what it relies on: ids present,
 * without '/', not repeated (a repeated workspace would double its rate),
 * keys fitting GEN_KEY_MAX, conversations_per_space in
 * 0..GEN_PLAN_CONVERSATIONS_MAX, 0 <= follow_ups_min <= follow_ups_max <=
 * GEN_PLAN_FOLLOW_UPS_MAX. Returns GK_OK; GK_BAD_CONFIG naming the key
 * ("workspaces[1].spaces[0].space_id: ..."); GK_OUT_OF_MEMORY. On error
 * plan holds nothing to free. The plan does not point into banks.
 */
enum gk_rc gen_plan_build(struct gen_plan *plan, const struct gen_config *cfg,
                          const struct gen_banks *banks, struct gk_err *err);

/* Frees the plan's questions, texts and spaces. NULL is a no-op. */
void gen_plan_cleanup(struct gen_plan *plan);

/*
 * How long workspace `workspace` of the plan takes at cfg->rate_per_min,
 * if every answer is ready answer_us after its POST (GEN_PLAN_ANSWER_US is
 * a fair default). Deliberately simple:
 *   send_us     the time of the last question POST when the pacer is never
 *               kept waiting by anything else (a gen_pacer is run on a
 *               simulated clock: its spacing and window, exactly);
 *   answer_us   when that answer is first seen under the poll schedule
 *               (gen_poll_seen_after_us; the poll timeout if never);
 *   duration    max(send_us + answer_us, max_turns x answer_us): the pacer
 *               is the bottleneck, unless one long conversation is, its
 *               turns being strictly one after another.
 * No retries, 429s or max_in_flight are modelled. Returns GK_OK, or
 * GK_BAD_CONFIG (a bad rate or poll setting, an index out of range).
 */
enum gk_rc gen_plan_estimate(const struct gen_plan *plan, const struct gen_config *cfg,
                             size_t workspace, int64_t answer_us,
                             struct gen_plan_estimate *out, struct gk_err *err);

/*
 * Prints the plan for --dry-run: per workspace its spaces (id, title,
 * bank, conversations, questions) and estimate, then the totals; with
 * `questions`, every question's key and text too. Durations are in mock
 * time, plus real time when cfg->time_scale is not 1. No secrets are
 * printed (hosts and ids only). Returns GK_OK; GK_BAD_CONFIG as
 * gen_plan_estimate; GK_IO_ERROR when writing fails.
 */
enum gk_rc gen_plan_print(FILE *out, const struct gen_plan *plan,
                          const struct gen_config *cfg, int64_t answer_us, bool questions,
                          struct gk_err *err);

#endif
