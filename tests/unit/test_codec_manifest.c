/*
 * The result manifest's sizes and DECIMAL types (genie-api.md 3.6):
 * total_chunk_count, total_byte_count, chunks[] and each column's
 * type_precision / type_scale. Encoding: exact int64, left out until set, 0
 * written when set. Response decoding: numbers or numeric strings, anything
 * unreadable is absent. And what is encoded decodes back to the same struct.
 */
#include "tests/unit/codec_test.h"

#include <inttypes.h>

static char *encode_statement(const struct gk_statement_response *s)
{
    char *out = NULL;
    size_t len = 0;
    struct gk_err err = {0};
    cr_assert_eq(gk_codec_encode_statement_response(s, NULL, &out, &len, &err), GK_OK,
                 "%s", err.msg);
    cr_assert_eq(strlen(out), len);
    return out;
}

static struct gk_statement_response decode_statement(const char *body)
{
    struct gk_statement_response s;
    struct gk_err err = {0};
    cr_assert_eq(gk_codec_decode_statement_response(body, strlen(body), &s, &err), GK_OK,
                 "%s", err.msg);
    cr_assert_not_null(s.manifest, "%s", body);
    return s;
}

/* A statement whose manifest has one column (a DECIMAL one when decimal)
 * and nothing else set. */
static void fill_bare(struct gk_statement_response *s, struct gk_statement_manifest *m,
                      struct gk_column *col)
{
    static char id[] = "s", name[] = "d", type[] = "DECIMAL"; /* borrowed, never freed */
    memset(s, 0, sizeof *s);
    memset(m, 0, sizeof *m);
    *col = (struct gk_column){.name = name, .type_name = type, .type_text = type};
    m->columns = col;
    m->column_count = 1;
    s->statement_id = id;
    s->state = GK_STMT_SUCCEEDED;
    s->manifest = m;
}

#define BARE_SCHEMA                                                                      \
    "{\"statement_response\":{\"statement_id\":\"s\",\"status\":{\"state\":"             \
    "\"SUCCEEDED\"},\"manifest\":{\"schema\":{\"column_count\":1,\"columns\":[{"         \
    "\"name\":"                                                                          \
    "\"d\",\"position\":0,\"type_name\":\"DECIMAL\",\"type_text\":\"DECIMAL\""

Test(codec, manifest_sizes_and_decimal_types_are_left_out_until_set)
{
    struct gk_statement_response s;
    struct gk_statement_manifest m;
    struct gk_column col;
    struct gk_chunk_info chunks[2] = {
        {0, 0, 3, 120},
        {1, 3, INT64_C(9007199254740993), INT64_MAX},
    };

    fill_bare(&s, &m, &col);
    char *out = encode_statement(&s);
    cr_assert_str_eq(out, BARE_SCHEMA "}]},\"total_row_count\":0,\"truncated\":false}}}");
    free(out);

    /* 0 is a real scale, chunk count and byte count: written once set */
    col.has_type_precision = col.has_type_scale = true;
    col.type_precision = 10;
    m.has_total_chunk_count = m.has_total_byte_count = true;
    out = encode_statement(&s);
    cr_assert_str_eq(out, BARE_SCHEMA ",\"type_precision\":10,\"type_scale\":0}]},"
                                      "\"total_row_count\":0,\"total_chunk_count\":0,"
                                      "\"total_byte_count\":0,\"truncated\":false}}}");
    free(out);

    /* int64 exactly, beyond 2^53; the chunks in order, all four members each */
    m.total_chunk_count = 2;
    m.total_byte_count = INT64_MAX;
    m.chunks = chunks;
    m.chunk_count = 2;
    col.has_type_precision = false;
    col.type_scale = 38;
    out = encode_statement(&s);
    cr_assert_str_eq(out, BARE_SCHEMA
                     ",\"type_scale\":38}]},\"total_row_count\":0,"
                     "\"total_chunk_count\":2,\"total_byte_count\":9223372036854775807,"
                     "\"truncated\":false,\"chunks\":[{\"chunk_index\":0,\"row_offset\":"
                     "0,\"row_count\":3,\"byte_count\":120},{\"chunk_index\":1,"
                     "\"row_offset\":3,\"row_count\":9007199254740993,\"byte_count\":"
                     "9223372036854775807}]}}}");
    free(out);

    /* a chunk count without its array is a caller bug */
    m.chunks = NULL;
    struct gk_err err = {0};
    cr_assert_eq(gk_codec_encode_statement_response(&s, NULL, &out, NULL, &err),
                 GK_INTERNAL_ERROR);
    cr_assert_null(out);
    cr_assert_not_null(strstr(err.msg, "manifest.chunks"), "%s", err.msg);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, manifest_sizes_and_decimal_types_decode_from_the_example)
{
    char *body = example_body("query_result_succeeded");
    struct gk_statement_response s = decode_statement(body);
    const struct gk_statement_manifest *m = s.manifest;
    cr_assert(m->has_total_chunk_count && m->has_total_byte_count);
    cr_assert_eq(m->total_chunk_count, 1);
    cr_assert_eq(m->total_byte_count, 312);
    cr_assert_eq(m->chunk_count, 1);
    cr_assert_eq(m->chunks[0].chunk_index, 0);
    cr_assert_eq(m->chunks[0].row_offset, 0);
    cr_assert_eq(m->chunks[0].row_count, 4);
    cr_assert_eq(m->chunks[0].byte_count, 312);
    cr_assert(!m->columns[0].has_type_precision && !m->columns[0].has_type_scale,
              "a STRING column has neither");
    cr_assert(m->columns[1].has_type_precision && m->columns[1].has_type_scale);
    cr_assert_eq(m->columns[1].type_precision, 28);
    cr_assert_eq(m->columns[1].type_scale, 2);
    gk_types_statement_response_cleanup(&s);
    free(body);

    /* the legacy capture has none of them */
    body = example_body("query_result_succeeded_legacy_typed_rows");
    s = decode_statement(body);
    cr_assert(!s.manifest->has_total_chunk_count && !s.manifest->has_total_byte_count);
    cr_assert_null(s.manifest->chunks);
    cr_assert_eq(s.manifest->chunk_count, 0);
    cr_assert(!s.manifest->columns[1].has_type_precision);
    cr_assert(!s.manifest->columns[1].has_type_scale);
    gk_types_statement_response_cleanup(&s);
    free(body);
    GK_ASSERT_NO_LEAKS();
}

Test(codec, manifest_sizes_and_decimal_types_are_read_leniently)
{
    static const struct {
        const char *json; /* the members after "type_text" and after "truncated" */
        const char *after_truncated;
        bool has_precision, has_scale, has_chunks_total, has_bytes_total;
        int32_t precision, scale;
        int64_t chunks_total, bytes_total;
    } cases[] = {
        /* numbers */
        {",\"type_precision\":38,\"type_scale\":0",
         ",\"total_chunk_count\":0,\"total_byte_count\":9007199254740993", true, true,
         true, true, 38, 0, 0, INT64_C(9007199254740993)},
        /* numeric strings, as the SDKs' int64 encoding sends them */
        {",\"type_precision\":\"28\",\"type_scale\":\"-2\"",
         ",\"total_chunk_count\":\"3\",\"total_byte_count\":\"-9223372036854775808\"",
         true, true, true, true, 28, -2, 3, INT64_MIN},
        /* wrong types, fractions, junk: absent */
        {",\"type_precision\":null,\"type_scale\":1.5",
         ",\"total_chunk_count\":true,\"total_byte_count\":\"12a\"", false, false, false,
         false, 0, 0, 0, 0},
        {",\"type_precision\":{},\"type_scale\":[2]",
         ",\"total_chunk_count\":\"\",\"total_byte_count\":1e400", false, false, false,
         false, 0, 0, 0, 0},
        /* beyond int32 for the column's numbers, beyond int64 for the sizes */
        {",\"type_precision\":2147483648,\"type_scale\":-2147483649",
         ",\"total_chunk_count\":9223372036854775808,"
         "\"total_byte_count\":\"99999999999999999999\"",
         false, false, false, false, 0, 0, 0, 0},
        {",\"type_precision\":2147483647,\"type_scale\":-2147483648", "", true, true,
         false, false, INT32_MAX, INT32_MIN, 0, 0},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        char body[1024];
        snprintf(body, sizeof body, BARE_SCHEMA "%s}]},\"truncated\":false%s}}}",
                 cases[i].json, cases[i].after_truncated);
        struct gk_statement_response s = decode_statement(body);
        const struct gk_statement_manifest *m = s.manifest;
        const struct gk_column *c = &m->columns[0];
        cr_assert_eq(c->has_type_precision, cases[i].has_precision, "%zu: %s", i, body);
        cr_assert_eq(c->has_type_scale, cases[i].has_scale, "%zu: %s", i, body);
        cr_assert_eq(c->type_precision, cases[i].precision, "%zu", i);
        cr_assert_eq(c->type_scale, cases[i].scale, "%zu", i);
        cr_assert_eq(m->has_total_chunk_count, cases[i].has_chunks_total, "%zu", i);
        cr_assert_eq(m->has_total_byte_count, cases[i].has_bytes_total, "%zu", i);
        cr_assert_eq(m->total_chunk_count, cases[i].chunks_total, "%zu", i);
        cr_assert_eq(m->total_byte_count, cases[i].bytes_total, "%zu", i);
        gk_types_statement_response_cleanup(&s);
    }

    /* chunks: elements that are not objects are skipped, members read as
     * int64 numbers or strings, anything else 0 */
    static const char chunks[] =
        BARE_SCHEMA "}]},\"chunks\":[1,null,{\"chunk_index\":\"1\",\"row_offset\":"
                    "9007199254740993,\"row_count\":\"x\",\"byte_count\":2.5,\"new\":{}},"
                    "[],{}]}}}";
    struct gk_statement_response s = decode_statement(chunks);
    cr_assert_eq(s.manifest->chunk_count, 2);
    const struct gk_chunk_info *k = s.manifest->chunks;
    cr_assert_eq(k[0].chunk_index, 1);
    cr_assert_eq(k[0].row_offset, INT64_C(9007199254740993));
    cr_assert_eq(k[0].row_count, 0);
    cr_assert_eq(k[0].byte_count, 0);
    cr_assert(k[1].chunk_index == 0 && k[1].row_offset == 0 && k[1].row_count == 0 &&
              k[1].byte_count == 0);
    gk_types_statement_response_cleanup(&s);

    /* chunks that is not an array, or an array of no objects: none */
    static const char *const none[] = {BARE_SCHEMA
                                       "}]},\"chunks\":{\"chunk_index\":0}}}}",
                                       BARE_SCHEMA "}]},\"chunks\":[1,\"a\",null]}}}",
                                       BARE_SCHEMA "}]},\"chunks\":[]}}}"};
    for (size_t i = 0; i < N_OF(none); i++) {
        s = decode_statement(none[i]);
        cr_assert_eq(s.manifest->chunk_count, 0, "%s", none[i]);
        char *out = encode_statement(&s);
        cr_assert_null(strstr(out, "chunks"), "%s", out);
        free(out);
        gk_types_statement_response_cleanup(&s);
    }
    GK_ASSERT_NO_LEAKS();
}

/* Encode, decode: every new member comes back as it was, set or not. */
Test(codec, manifest_sizes_and_decimal_types_round_trip)
{
    struct gk_statement_response s;
    struct gk_statement_manifest m;
    struct gk_column col;
    struct gk_chunk_info chunks[3] = {
        {0, 0, 5000, 1},
        {1, 5000, 1, 0},
        {7, INT64_C(-9007199254740993), INT64_MIN, INT64_MAX},
    };
    static const struct {
        bool has_p, has_s, has_c, has_b;
        int32_t p, sc;
        int64_t c, b;
        size_t nchunks;
    } cases[] = {
        {false, false, false, false, 0, 0, 0, 0, 0},
        {true, true, true, true, 0, 0, 0, 0, 1},
        {true, false, false, true, 38, 0, 0, INT64_C(9007199254740993), 2},
        {false, true, true, false, 0, 37, INT64_MAX, 0, 3},
        {true, true, true, true, INT32_MIN, INT32_MAX, INT64_MIN, -1, 3},
    };
    for (size_t i = 0; i < N_OF(cases); i++) {
        fill_bare(&s, &m, &col);
        col.has_type_precision = cases[i].has_p;
        col.has_type_scale = cases[i].has_s;
        col.type_precision = cases[i].p;
        col.type_scale = cases[i].sc;
        m.has_total_chunk_count = cases[i].has_c;
        m.has_total_byte_count = cases[i].has_b;
        m.total_chunk_count = cases[i].c;
        m.total_byte_count = cases[i].b;
        m.chunks = cases[i].nchunks > 0 ? chunks : NULL;
        m.chunk_count = cases[i].nchunks;

        char *out = encode_statement(&s);
        struct gk_statement_response back = decode_statement(out);
        const struct gk_statement_manifest *bm = back.manifest;
        const struct gk_column *bc = &bm->columns[0];
        cr_assert_eq(bc->has_type_precision, col.has_type_precision, "%zu: %s", i, out);
        cr_assert_eq(bc->has_type_scale, col.has_type_scale, "%zu: %s", i, out);
        cr_assert_eq(bc->type_precision, col.has_type_precision ? col.type_precision : 0);
        cr_assert_eq(bc->type_scale, col.has_type_scale ? col.type_scale : 0);
        cr_assert_eq(bm->has_total_chunk_count, m.has_total_chunk_count, "%zu", i);
        cr_assert_eq(bm->has_total_byte_count, m.has_total_byte_count, "%zu", i);
        cr_assert_eq(bm->total_chunk_count,
                     m.has_total_chunk_count ? m.total_chunk_count : 0);
        cr_assert_eq(bm->total_byte_count,
                     m.has_total_byte_count ? m.total_byte_count : 0);
        cr_assert_eq(bm->chunk_count, m.chunk_count, "%zu", i);
        for (size_t k = 0; k < m.chunk_count; k++)
            cr_assert(memcmp(&bm->chunks[k], &chunks[k], sizeof chunks[k]) == 0,
                      "%zu: chunk %zu: %s", i, k, out);
        /* and encoding what came back gives the same bytes */
        char *again = encode_statement(&back);
        cr_assert_str_eq(again, out);
        free(again);
        free(out);
        gk_types_statement_response_cleanup(&back);
    }
    GK_ASSERT_NO_LEAKS();
}
