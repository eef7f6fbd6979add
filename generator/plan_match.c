/*
 * plan_match: which question bank fits a space (contract in plan.h).
 *
 * Matching works on words: maximal runs of ASCII letters and digits (bytes
 * >= 0x80 count as letters, so UTF-8 text never splits), compared
 * ASCII-case-insensitively. A match entry of several words must appear as
 * consecutive words of the text; its last word may carry a plural "s" or
 * "es". Nothing is allocated while matching, so scoring cannot fail.
 */
#include "generator/plan.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The bytes a word is made of (as plan.c checks match words). */
static bool in_word(unsigned char c)
{
    return c >= 0x80 || isalnum(c);
}

/* The next word of s at or after *pos: [*start, *start + *len). */
static bool next_word(const char *s, size_t *pos, size_t *start, size_t *len)
{
    size_t i = *pos;
    while (s[i] != '\0' && !in_word((unsigned char)s[i]))
        i++;
    if (s[i] == '\0')
        return false;
    size_t j = i;
    while (s[j] != '\0' && in_word((unsigned char)s[j]))
        j++;
    *start = i;
    *len = j - i;
    *pos = j;
    return true;
}

/* Does text word t (tn bytes) match entry word e (en bytes)? */
static bool word_eq(const char *t, size_t tn, const char *e, size_t en, bool last)
{
    if (tn < en || strncasecmp(t, e, en) != 0)
        return false;
    if (tn == en)
        return true;
    /* The last word of an entry also matches its plural. */
    return last && ((tn == en + 1 && (t[en] | 0x20) == 's') ||
                    (tn == en + 2 && (t[en] | 0x20) == 'e' && (t[en + 1] | 0x20) == 's'));
}

/* Does entry (one or more words) occur in text at word boundaries? */
static bool occurs(const char *text, const char *entry)
{
    size_t tpos = 0, ts, tn;
    while (next_word(text, &tpos, &ts, &tn)) {
        size_t epos = 0, es, en, p = tpos, ws = ts, wn = tn;
        bool ok = next_word(entry, &epos, &es, &en);
        while (ok) {
            size_t after = epos, es2, en2;
            bool more = next_word(entry, &after, &es2, &en2);
            if (!word_eq(text + ws, wn, entry + es, en, !more))
                break;
            if (!more)
                return true;
            if (!next_word(text, &p, &ws, &wn))
                return false;
            epos = after;
            es = es2;
            en = en2;
        }
    }
    return false;
}

int gen_bank_score(const struct gen_bank *bank, const char *title,
                   const char *description)
{
    int score = 0;
    for (size_t i = 0; i < bank->match_count; i++) {
        if (title != NULL && occurs(title, bank->match[i]))
            score += 2;
        if (description != NULL && occurs(description, bank->match[i]))
            score += 1;
    }
    return score;
}

enum gk_rc gen_banks_pick(const struct gen_banks *banks, const struct gen_space *space,
                          size_t *index, struct gk_err *err)
{
    if (space->domain != NULL && *space->domain != '\0') {
        for (size_t i = 0; i < banks->count; i++)
            if (strcasecmp(banks->banks[i].domain, space->domain) == 0) {
                *index = i;
                return GK_OK;
            }
        char have[160] = "";
        size_t used = 0;
        for (size_t i = 0; i < banks->count && used < sizeof have; i++)
            used += (size_t)snprintf(have + used, sizeof have - used, "%s%s",
                                     i ? ", " : "", banks->banks[i].domain);
        return gk_err_set(
            err, GK_BAD_CONFIG, "space %s: domain: no question bank \"%.64s\" (have: %s)",
            space->space_id != NULL ? space->space_id : "(no id)", space->domain, have);
    }
    size_t best = banks->fallback;
    int best_score = 0;
    for (size_t i = 0; i < banks->count; i++) {
        if (i == banks->fallback)
            continue;
        int s = gen_bank_score(&banks->banks[i], space->title, space->description);
        if (s > best_score) {
            best = i;
            best_score = s;
        }
    }
    *index = best;
    return GK_OK;
}
