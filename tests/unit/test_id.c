/*
 * id suite: format against real captured ids, ordering, determinism, the
 * time round trip, and validation tables.
 */
#include "common/id.h"
#include "tests/gk_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 2026-10-07T23:01:14.800Z, the creation time of a captured conversation. */
#define CAPTURE_MS INT64_C(1791414074800)

static bool all_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

Test(id, real_captured_ids_decode_to_their_creation_times)
{
    static const struct {
        const char *id;
        int64_t ms;
    } cases[] = {
        /* conversation, message (created_timestamp 1791414074921 in the
         * capture), attachment, statement, space */
        {"01f1c2a2ff3f113bae3e0bae29a420c0", CAPTURE_MS},
        {"01f1c2a2ff511c40bf196a3b19f9c227", INT64_C(1791414074919)},
        {"01f1c2a300b41a879d43c9d4c57beb7d", INT64_C(1791414077245)},
        {"01f1c2a3-00be-1b07-9165-720eab466ddb", INT64_C(1791414077311)},
        {"01f1c10d662111078cd7326dff1774c6", INT64_C(1791239871737)},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        int64_t ms = 0;
        struct gk_err err = {0};
        cr_assert_eq(gk_id_epoch_ms(cases[i].id, &ms, &err), GK_OK, "%s: %s", cases[i].id,
                     err.msg);
        cr_assert_eq(ms, cases[i].ms, "%s: got %lld", cases[i].id, (long long)ms);
    }
}

Test(id, generated_ids_have_the_real_format)
{
    struct gk_id_gen g;
    char id[GK_ID_SIZE];
    gk_id_gen_init(&g, 1);
    for (int i = 0; i < 1000; i++) {
        gk_id_next(&g, CAPTURE_MS + i, id);
        cr_assert_eq(strlen(id), GK_ID_LEN);
        cr_assert(all_lower_hex(id, GK_ID_LEN), "%s", id);
        cr_assert(gk_id_valid(id), "%s", id);
        cr_assert_eq(id[0], '0', "%s: time-first ids start with 0", id);
        cr_assert(strchr("89ab", id[16]) != NULL, "%s: RFC 4122 variant digit", id);
    }
}

/* The capture's conversation id (01f1c2a2ff3f113b...) and one made in the
 * same millisecond share the time half down to sub-millisecond digits: the
 * real tick carries 0.98 ms more than the whole millisecond ours starts at. */
Test(id, an_id_made_at_a_captured_time_shares_its_prefix)
{
    struct gk_id_gen g;
    char id[GK_ID_SIZE];
    gk_id_gen_init(&g, 2);
    gk_id_next(&g, CAPTURE_MS, id);
    cr_assert_eq(strncmp(id, "01f1c2a2ff3", 11), 0, "%s", id);
}

Test(id, ids_sort_by_creation_time)
{
    struct gk_id_gen g;
    char prev[GK_ID_SIZE], cur[GK_ID_SIZE];
    gk_id_gen_init(&g, 3);
    gk_id_next(&g, CAPTURE_MS, prev);
    for (int i = 1; i < 2000; i++) {
        /* steps of 0, 1 and 997 ms, so same-millisecond bursts are included */
        int64_t now = CAPTURE_MS + (i / 3) * (i % 2 ? 1 : 997);
        gk_id_next(&g, now, cur);
        cr_assert_lt(strcmp(prev, cur), 0, "%s then %s", prev, cur);
        memcpy(prev, cur, sizeof cur);
    }
}

Test(id, ids_in_the_same_millisecond_still_increase_and_keep_their_time)
{
    struct gk_id_gen g;
    char a[GK_ID_SIZE], b[GK_ID_SIZE];
    int64_t ms = 0;
    gk_id_gen_init(&g, 4);
    gk_id_next(&g, CAPTURE_MS, a);
    for (int i = 0; i < 100; i++) {
        gk_id_next(&g, CAPTURE_MS, b);
        cr_assert_lt(strcmp(a, b), 0, "%s then %s", a, b);
        cr_assert_eq(gk_id_epoch_ms(b, &ms, NULL), GK_OK);
        cr_assert_eq(ms, CAPTURE_MS);
        memcpy(a, b, sizeof b);
    }
    cr_assert_eq(strncmp(a, "01f1c2a2ff3", 11), 0, "ids close together share a prefix");
}

Test(id, a_clock_that_steps_back_does_not_break_the_order)
{
    struct gk_id_gen g;
    char a[GK_ID_SIZE], b[GK_ID_SIZE];
    gk_id_gen_init(&g, 5);
    gk_id_next(&g, CAPTURE_MS, a);
    gk_id_next(&g, CAPTURE_MS - 60000, b);
    cr_assert_lt(strcmp(a, b), 0, "%s then %s", a, b);
}

Test(id, same_seed_and_times_give_the_same_ids)
{
    struct gk_id_gen a, b, c;
    char x[GK_ID_SIZE], y[GK_ID_SIZE], z[GK_ID_SIZE];
    int differ = 0;
    gk_id_gen_init(&a, 42);
    gk_id_gen_init(&b, 42);
    gk_id_gen_init(&c, 43);
    for (int i = 0; i < 100; i++) {
        int64_t now = CAPTURE_MS + i * 7 / 3;
        gk_id_next(&a, now, x);
        gk_id_next(&b, now, y);
        gk_id_next(&c, now, z);
        cr_assert_str_eq(x, y);
        differ += strcmp(x + 16, z + 16) != 0;
    }
    cr_assert_eq(differ, 100, "another seed gives other random halves");
}

/* Pinned so a change of layout or of the random half is caught. */
Test(id, the_first_ids_of_a_seed_are_known)
{
    struct gk_id_gen g;
    char id[GK_ID_SIZE], uuid[GK_ID_UUID_SIZE];
    gk_id_gen_init(&g, 42);
    gk_id_next(&g, CAPTURE_MS, id);
    cr_assert_str_eq(id, "01f1c2a2ff3eeb0095780b2e0c2ec716");
    gk_id_next(&g, CAPTURE_MS, id);
    cr_assert_str_eq(id, "01f1c2a2ff3eeb01a104d9866d113a7e");
    gk_id_next_uuid(&g, CAPTURE_MS + 1, uuid);
    cr_assert_str_eq(uuid, "01f1c2a2-ff3f-1210-ae17-533239e499a1");
}

Test(id, time_round_trips_through_an_id)
{
    static const int64_t times[] = {
        0,
        1,
        999,
        INT64_C(1700000000000),
        CAPTURE_MS,
        INT64_C(4102444800000) /* 2100 */,
        GK_ID_MS_MAX,
    };
    for (size_t i = 0; i < COUNT(times); i++) {
        struct gk_id_gen g;
        char id[GK_ID_SIZE], uuid[GK_ID_UUID_SIZE];
        int64_t ms = -1, ms2 = -1;
        gk_id_gen_init(&g, i);
        gk_id_next(&g, times[i], id);
        cr_assert_eq(gk_id_epoch_ms(id, &ms, NULL), GK_OK, "%s", id);
        cr_assert_eq(ms, times[i], "%s: got %lld want %lld", id, (long long)ms,
                     (long long)times[i]);
        gk_id_next_uuid(&g, times[i], uuid);
        cr_assert_eq(gk_id_epoch_ms(uuid, &ms2, NULL), GK_OK, "%s", uuid);
        cr_assert_eq(ms2, times[i], "%s", uuid);
    }
}

Test(id, times_outside_the_representable_range_are_clamped)
{
    struct gk_id_gen g;
    char id[GK_ID_SIZE];
    int64_t ms = -1;
    gk_id_gen_init(&g, 6);
    gk_id_next(&g, -5, id);
    cr_assert_eq(gk_id_epoch_ms(id, &ms, NULL), GK_OK);
    cr_assert_eq(ms, 0);
    gk_id_next(&g, INT64_MAX, id);
    cr_assert(gk_id_valid(id), "%s", id);
    cr_assert_eq(id[0], '0', "%s: the tick still fits in 60 bits", id);
    cr_assert_eq(gk_id_epoch_ms(id, &ms, NULL), GK_OK);
    cr_assert_eq(ms, GK_ID_MS_MAX);
}

Test(id, validation_accepts_only_32_lowercase_hex)
{
    static const struct {
        const char *s;
        bool valid;
    } cases[] = {
        {"01f1c2a2ff3f113bae3e0bae29a420c0", true},
        {"3c409c00b54a44c79f79da06b82460e2", true}, /* an older random id */
        {"00000000000000000000000000000000", true},
        {"ffffffffffffffffffffffffffffffff", true},
        {"01F1C2A2FF3F113BAE3E0BAE29A420C0", false}, /* uppercase */
        {"01f1c2a2ff3f113bae3e0bae29a420cA", false},
        {"01f1c2a2ff3f113bae3e0bae29a420c", false},   /* 31 */
        {"01f1c2a2ff3f113bae3e0bae29a420c00", false}, /* 33 */
        {"01f1c2a2ff3f113bae3e0bae29a420cg", false},  /* non-hex */
        {"01f1c2a2ff3f113bae3e0bae29a420c ", false},
        {" 1f1c2a2ff3f113bae3e0bae29a420c0", false},
        {"01f1c2a2-ff3f-113b-ae3e-0bae29a420c0", false}, /* hyphenated */
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        cr_assert_eq(gk_id_valid(cases[i].s), cases[i].valid, "case %zu: \"%s\"", i,
                     cases[i].s ? cases[i].s : "(null)");
}

Test(id, uuid_validation_accepts_only_the_hyphenated_form)
{
    static const struct {
        const char *s;
        bool valid;
    } cases[] = {
        {"01f1c2a3-00be-1b07-9165-720eab466ddb", true},
        {"01F1C2A3-00BE-1B07-9165-720EAB466DDB", false},
        {"01f1c2a300be1b079165720eab466ddb", false},
        {"01f1c2a3-00be-1b07-9165-720eab466dd", false},
        {"01f1c2a3-00be-1b07-9165-720eab466ddb0", false},
        {"01f1c2a3-00be-1b07-9165_720eab466ddb", false},
        {"01f1c2a3000be-1b07-9165-720eab466ddb", false},
        {"01f1c2a3-00be-1b07-9165-720eab466ddz", false},
        {"", false},
        {NULL, false},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        cr_assert_eq(gk_id_uuid_valid(cases[i].s), cases[i].valid, "case %zu", i);
}

Test(id, statement_ids_are_hyphenated_with_the_same_time_prefix)
{
    struct gk_id_gen g;
    char att[GK_ID_SIZE], stmt[GK_ID_UUID_SIZE], conv[GK_ID_UUID_SIZE];
    gk_id_gen_init(&g, 7);
    gk_id_next(&g, CAPTURE_MS, att);
    gk_id_next_uuid(&g, CAPTURE_MS + 66, stmt);
    cr_assert(gk_id_uuid_valid(stmt), "%s", stmt);
    cr_assert_eq(strlen(stmt), GK_ID_UUID_LEN);
    cr_assert_eq(strncmp(att, stmt, 8), 0, "%s vs %s", att, stmt);
    cr_assert(strchr("89ab", stmt[19]) != NULL, "%s: variant digit", stmt);

    cr_assert_eq(gk_id_to_uuid("01f1c2a300be1b079165720eab466ddb", conv, NULL), GK_OK);
    cr_assert_str_eq(conv, "01f1c2a3-00be-1b07-9165-720eab466ddb");
}

Test(id, to_uuid_rejects_an_invalid_id_and_leaves_out_alone)
{
    struct gk_err err = {0};
    char out[GK_ID_UUID_SIZE] = "untouched";
    cr_assert_eq(gk_id_to_uuid("01F1C2A300BE1B079165720EAB466DDB", out, &err),
                 GK_INVALID_PARAMETER_VALUE);
    cr_assert_str_eq(out, "untouched");
    cr_assert_str_eq(err.msg, "id: expected 32 lowercase hex digits");
}

Test(id, epoch_ms_rejects_malformed_and_random_ids)
{
    static const struct {
        const char *id;
        const char *msg;
    } cases[] = {
        {"3c409c00b54a44c79f79da06b82460e2",
         "id: \"3c409c00b54a44c79f79da06b82460e2\" is not time-ordered (first digit is "
         "not 0)"},
        {"000000000000000000000000000000ff",
         "id: \"000000000000000000000000000000ff\" has a time before 1970"},
        {"01f1c2a2ff3f113bae3e0bae29a420c",
         "id: expected 32 lowercase hex digits or an 8-4-4-4-12 UUID"},
        {"", "id: expected 32 lowercase hex digits or an 8-4-4-4-12 UUID"},
        {NULL, "id: expected 32 lowercase hex digits or an 8-4-4-4-12 UUID"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct gk_err err = {0};
        int64_t ms = 77;
        cr_assert_eq(gk_id_epoch_ms(cases[i].id, &ms, &err), GK_INVALID_PARAMETER_VALUE,
                     "case %zu", i);
        cr_assert_eq(ms, 77, "case %zu: out untouched", i);
        cr_assert_str_eq(err.msg, cases[i].msg);
    }
}

Test(id, user_and_workspace_ids_have_16_digits)
{
    struct gk_rng r;
    gk_rng_init(&r, 8);
    for (int i = 0; i < 1000; i++) {
        int64_t user = gk_id_user(&r);
        cr_assert(user >= INT64_C(1000000000000000) && user <= INT64_C(9999999999999999),
                  "%lld", (long long)user);

        char ws[GK_ID_WORKSPACE_SIZE];
        gk_id_workspace(&r, ws);
        cr_assert_eq(strlen(ws), GK_ID_WORKSPACE_LEN, "%s", ws);
        cr_assert_neq(ws[0], '0', "%s", ws);
        for (size_t k = 0; k < GK_ID_WORKSPACE_LEN; k++)
            cr_assert(ws[k] >= '0' && ws[k] <= '9', "%s", ws);
    }
}

Test(id, pat_lookalikes_are_dapi_and_32_hex_and_deterministic)
{
    struct gk_rng a, b;
    char x[GK_ID_PAT_SIZE], y[GK_ID_PAT_SIZE], z[GK_ID_PAT_SIZE];
    gk_rng_init(&a, 9);
    gk_rng_init(&b, 9);
    gk_id_pat(&a, x);
    gk_id_pat(&b, y);
    gk_id_pat(&a, z);
    cr_assert_eq(strlen(x), GK_ID_PAT_LEN);
    cr_assert_eq(strncmp(x, "dapi", 4), 0, "%s", x);
    cr_assert(all_lower_hex(x + 4, 32), "%s", x);
    cr_assert_str_eq(x, y);
    cr_assert_str_neq(x, z);
}
