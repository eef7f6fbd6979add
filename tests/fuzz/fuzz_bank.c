/*
 * fuzz_bank: untrusted bytes as a question bank (gen_bank_parse), and the
 * bank's match words against its own questions (gen_bank_score).
 *
 * The fuzz build links only libgeniekit.a (common/), and the generator's
 * modules are not in it, so this harness compiles generator/plan.c and
 * plan_match.c itself: `make fuzz` then needs no generator objects.
 *
 * Besides "no crash, no leak", it checks what the parser promises: a parsed
 * bank has a valid domain, at least one starter and follow-up, no empty or
 * control-character text, lower-case match words; a failed parse leaves
 * nothing behind and says why.
 */
#include "generator/plan.c"
#include "generator/plan_match.c"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond))                                                                     \
            abort();                                                                     \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_texts(char **v, size_t n, size_t max)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(v[i] != NULL);
        CHECK(text_problem(v[i], max) == NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gen_bank bank;
    struct gk_err err = {0};
    enum gk_rc rc = gen_bank_parse(&bank, "fuzz.json", (const char *)data, size, &err);
    if (rc != GK_OK) {
        CHECK(rc == GK_BAD_CONFIG || rc == GK_OUT_OF_MEMORY);
        CHECK(err.msg[0] != '\0');
        CHECK(bank.domain == NULL && bank.starters == NULL && bank.file == NULL);
        return 0;
    }
    CHECK(bank.domain != NULL && bank.domain[0] != '\0');
    CHECK(bank.starter_count >= 1 && bank.follow_up_count >= 1);
    check_texts(bank.starters, bank.starter_count, GEN_BANK_TEXT_MAX);
    check_texts(bank.follow_ups, bank.follow_up_count, GEN_BANK_TEXT_MAX);
    check_texts(bank.match, bank.match_count, GEN_BANK_WORD_MAX);
    for (size_t i = 0; i < bank.match_count; i++)
        for (const char *c = bank.match[i]; *c != '\0'; c++)
            CHECK(!(*c >= 'A' && *c <= 'Z'));
    /* Every match word is found in a title made of itself. */
    for (size_t i = 0; i < bank.match_count; i++)
        CHECK(gen_bank_score(&bank, bank.match[i], NULL) >= 2);
    for (size_t i = 0; i < bank.starter_count; i++)
        CHECK(gen_bank_score(&bank, bank.starters[i], bank.follow_ups[0]) >= 0);
    gen_bank_cleanup(&bank);
    return 0;
}
