/*
 * fuzz_gen_record: untrusted bytes into genie-gen's output files: a record
 * line (gen_output_record_decode), a record's text fields (the encoder and
 * its UTF-8 cleaning), and whole records files and state journals opened
 * for resume (gen_output_open: torn lines, truncation, repair).
 *
 * The fuzz build links only libgeniekit.a (common/), so this harness
 * compiles the generator modules it needs itself.
 *
 * Byte 0 picks the target; the rest is the input. Properties checked:
 *   decode   decode-encode is stable after one round (the second encoding
 *            equals the first), and every encoding is one line of printable
 *            bytes (no raw control byte, one newline, at the end);
 *   encode   any text in any field encodes to a line that decodes, keeping
 *            the key;
 *   resume   an open that succeeds leaves whole lines only: a second open
 *            repairs nothing and finds the same keys.
 */
#include "generator/json.c"
#include "generator/output.c"
#include "generator/output_record.c"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond))                                                                     \
            abort();                                                                     \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *line, size_t len)
{
    CHECK(len > 0 && line[len - 1] == '\n');
    for (size_t i = 0; i + 1 < len; i++)
        CHECK((unsigned char)line[i] >= 0x20);
}

static void fuzz_decode(const char *text, size_t len)
{
    struct gen_record_copy a, b;
    char *e1 = NULL, *e2 = NULL;
    size_t n1, n2;
    if (gen_output_record_decode(text, len, "fuzz", &a, NULL) != GK_OK)
        return;
    CHECK(a.rec.key[0] != '\0');
    CHECK(gen_output_record_encode(&a.rec, &e1, &n1, NULL) == GK_OK);
    check_line(e1, n1);
    CHECK(gen_output_record_decode(e1, n1, "fuzz", &b, NULL) == GK_OK);
    CHECK(strcmp(a.rec.key, b.rec.key) == 0);
    CHECK(gen_output_record_encode(&b.rec, &e2, &n2, NULL) == GK_OK);
    CHECK(n1 == n2 && memcmp(e1, e2, n1) == 0);
    free(e1);
    free(e2);
    gen_record_copy_cleanup(&a);
    gen_record_copy_cleanup(&b);
}

static void fuzz_encode(const char *text, size_t len)
{
    char *s = malloc(len + 1), *line = NULL;
    struct gen_record_copy back;
    size_t n;
    CHECK(s != NULL);
    memcpy(s, text, len);
    s[len] = '\0';
    struct gen_record r = {.row_count = -1, .time_to_terminal_ms = -1, .result_rows = -1};
    snprintf(r.key, sizeof r.key, "w/s/c0/m0");
    snprintf(r.error_message, sizeof r.error_message, "%s", s);
    r.question = s;
    r.sql = s;
    r.attachment_ids = s;
    r.result_columns = s;
    r.workspace_id = s;
    CHECK(gen_output_record_encode(&r, &line, &n, NULL) == GK_OK);
    check_line(line, n);
    CHECK(gen_output_record_decode(line, n, "fuzz", &back, NULL) == GK_OK);
    CHECK(strcmp(back.rec.key, "w/s/c0/m0") == 0);
    gen_record_copy_cleanup(&back);
    free(line);
    free(s);
}

static char records[64], state[64];

static void remove_files(void)
{
    unlink(records);
    unlink(state);
}

static void spill(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(text, 1, len, f) == len);
    fclose(f);
}

static void fuzz_resume(const char *text, size_t len, bool as_state)
{
    struct gen_output o, again;
    spill(as_state ? state : records, text, len);
    spill(as_state ? records : state, "", 0);
    if (gen_output_open(&o, records, state, false, NULL) != GK_OK)
        return;
    size_t done = o.resumed_done, pending = o.resumed_pending;
    CHECK(gen_output_close(&o, NULL) == GK_OK);
    CHECK(gen_output_open(&again, records, state, false, NULL) == GK_OK);
    CHECK(again.torn_dropped == 0 && again.torn_completed == 0);
    CHECK(again.resumed_done == done && again.resumed_pending == pending);
    CHECK(gen_output_close(&again, NULL) == GK_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (records[0] == '\0') {
        gk_log_set_level(GK_LOG_LEVEL_ERROR);
        snprintf(records, sizeof records, "/tmp/fuzz-gen-record-%ld.jsonl",
                 (long)getpid());
        snprintf(state, sizeof state, "/tmp/fuzz-gen-record-%ld.state", (long)getpid());
        atexit(remove_files);
    }
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    switch (data[0] % 4) {
    case 0:
        fuzz_decode(text, len);
        break;
    case 1:
        fuzz_encode(text, len);
        break;
    default:
        fuzz_resume(text, len, data[0] % 4 == 3);
        break;
    }
    return 0;
}
