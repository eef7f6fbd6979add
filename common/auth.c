/*
 * auth: design notes.
 *
 * Token layout: b64url(header) "." b64url(payload) "." b64url(HMAC-SHA256 of
 * the first two segments as they appear). The header is always the same
 * bytes, {"alg":"HS256","typ":"JWT"}, so its encoding is a constant
 * (HEADER_B64, checked against a fresh encoding by a test).
 *
 * Verification order is the security property: shape (three non-empty
 * segments, lengths within what mint can produce, a 32-byte signature) ->
 * HMAC recomputed and compared with sodium_memcmp -> only then the header
 * and the claims. So nothing an attacker controls reaches the claim scanner,
 * and the scanner only has to read exactly what token_mint writes:
 *   {"sub":"<s>","scope":"<s>","iat":<n>,"exp":<n>}
 * with strings escaped as \" \\ and \u00xx (bytes < 0x20 and 0x7f), numbers
 * as plain decimal without sign or leading zeros. Anything else is invalid.
 *
 * Secrets never appear in error messages: the header parsers say what is
 * wrong, never echo the value. Buffers that held a decoded secret are wiped.
 */
#include "common/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define HEADER_B64      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
#define MAC_LEN         32
#define MAC_B64_LEN     (GK_AUTH_B64_URL_SIZE(MAC_LEN) - 1)
#define PAYLOAD_B64_MAX (GK_AUTH_B64_URL_SIZE(GK_AUTH_PAYLOAD_MAX) - 1)

/* ---- base64 ------------------------------------------------------------ */

static int sodium_variant(enum gk_auth_b64 variant)
{
    return variant == GK_AUTH_B64_URL ? sodium_base64_VARIANT_URLSAFE_NO_PADDING
                                      : sodium_base64_VARIANT_ORIGINAL;
}

/* In the variant's alphabet; '=' counts for the padded one. */
static bool b64_char(char c, enum gk_auth_b64 variant)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return true;
    if (variant == GK_AUTH_B64_URL)
        return c == '-' || c == '_';
    return c == '+' || c == '/' || c == '=';
}

enum gk_rc gk_auth_b64_encode(enum gk_auth_b64 variant, const void *bin, size_t bin_len,
                              char *out, size_t out_size, struct gk_err *err)
{
    int v = sodium_variant(variant);
    if (out == NULL || (bin == NULL && bin_len > 0))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "base64: NULL buffer");
    /* sodium_bin2base64 aborts the process on a short buffer: check first. */
    size_t need = sodium_base64_encoded_len(bin_len, v);
    if (out_size < need) {
        if (out_size > 0)
            out[0] = '\0';
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "base64: %zu bytes encode to %zu characters, buffer holds %zu",
                          bin_len, need - 1, out_size);
    }
    sodium_bin2base64(out, out_size, bin, bin_len, v);
    return GK_OK;
}

enum gk_rc gk_auth_b64_decode(enum gk_auth_b64 variant, const char *b64, size_t b64_len,
                              void *out, size_t out_size, size_t *out_len,
                              struct gk_err *err)
{
    if (out_len == NULL || (b64 == NULL && b64_len > 0) || (out == NULL && out_size > 0))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "base64: NULL buffer");
    *out_len = 0;
    /* Exact size of a valid input, so a buffer sized to the data is enough. */
    size_t data_len = b64_len;
    if (variant == GK_AUTH_B64_STD)
        for (int i = 0; i < 2 && data_len > 0 && b64[data_len - 1] == '='; i++)
            data_len--;
    size_t need = GK_AUTH_B64_DECODED_MAX(data_len);
    if (need > out_size)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "base64: %zu characters decode to %zu bytes, buffer holds %zu",
                          b64_len, need, out_size);
    if (b64_len == 0)
        return GK_OK;

    /* Check the alphabet first: libsodium 1.0.18 decodes bytes 0x80-0xff as
     * if they were '/' (found by fuzz_auth), so it cannot be the only check. */
    size_t at = 0;
    while (at < b64_len && b64_char(b64[at], variant))
        at++;
    if (at == b64_len) {
        const char *end = NULL;
        size_t len = 0;
        if (sodium_base642bin(out, out_size, b64, b64_len, NULL, &len, &end,
                              sodium_variant(variant)) != 0)
            return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                              "base64: bad length, padding or trailing bits");
        if (end == b64 + b64_len) {
            *out_len = len;
            return GK_OK;
        }
        at = (size_t)(end - b64); /* data after the padding */
    }
    unsigned char c = (unsigned char)b64[at];
    if (c > 0x20 && c < 0x7f)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "base64: unexpected '%c' at offset %zu", c, at);
    return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                      "base64: unexpected byte 0x%02x at offset %zu", c, at);
}

/* ---- keys -------------------------------------------------------------- */

enum gk_rc gk_auth_key_init(struct gk_auth_key *k, const void *secret, size_t len,
                            struct gk_err *err)
{
    if (k == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "key: NULL");
    sodium_memzero(k, sizeof *k);
    if (secret == NULL || len < GK_AUTH_KEY_MIN || len > GK_AUTH_KEY_MAX)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "key: expected %d to %d secret bytes, got %zu", GK_AUTH_KEY_MIN,
                          GK_AUTH_KEY_MAX, secret == NULL ? (size_t)0 : len);
    memcpy(k->bytes, secret, len);
    k->len = len;
    return GK_OK;
}

enum gk_rc gk_auth_key_init_random(struct gk_auth_key *k, struct gk_err *err)
{
    if (k == NULL)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "key: NULL");
    sodium_memzero(k, sizeof *k);
    if (sodium_init() < 0)
        return gk_err_set(err, GK_INTERNAL_ERROR, "key: libsodium cannot initialise");
    randombytes_buf(k->bytes, GK_AUTH_KEY_MIN);
    k->len = GK_AUTH_KEY_MIN;
    return GK_OK;
}

void gk_auth_key_cleanup(struct gk_auth_key *k)
{
    if (k != NULL)
        sodium_memzero(k, sizeof *k);
}

/* ---- bearer tokens: minting -------------------------------------------- */

/*
 * Writes s as the inside of a JSON string into out (which holds at least
 * 6 * strlen(s) + 1 bytes): \" \\ and \u00xx for control bytes, the rest raw.
 */
static void json_escape(const char *s, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            *out++ = '\\';
            *out++ = (char)*p;
        } else if (*p < 0x20 || *p == 0x7f) {
            memcpy(out, "\\u00", 4);
            out[4] = hex[*p >> 4];
            out[5] = hex[*p & 0xf];
            out += 6;
        } else {
            *out++ = (char)*p;
        }
    }
    *out = '\0';
}

static enum gk_rc hmac_sha256(const struct gk_auth_key *key, const char *data, size_t len,
                              unsigned char mac[MAC_LEN], struct gk_err *err)
{
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), key->bytes, (int)key->len, (const unsigned char *)data, len,
             mac, &mac_len) == NULL ||
        mac_len != MAC_LEN)
        return gk_err_set(err, GK_INTERNAL_ERROR, "token: HMAC-SHA256 failed");
    return GK_OK;
}

static enum gk_rc check_claim(const char *name, const char *value, size_t max,
                              bool may_be_empty, struct gk_err *err)
{
    if (value == NULL || (!may_be_empty && value[0] == '\0'))
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: must not be empty", name);
    if (strlen(value) > max)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "%s: longer than %zu bytes",
                          name, max);
    return GK_OK;
}

enum gk_rc gk_auth_token_mint(const struct gk_auth_key *key, const char *sub,
                              const char *scope, int64_t now_ms, int64_t ttl_s, char *out,
                              size_t out_size, struct gk_err *err)
{
    if (out != NULL && out_size > 0)
        out[0] = '\0';
    if (key == NULL || key->len < GK_AUTH_KEY_MIN || key->len > GK_AUTH_KEY_MAX)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "key: not initialised");
    enum gk_rc rc = check_claim("sub", sub, GK_AUTH_SUB_MAX, false, err);
    if (rc == GK_OK)
        rc = check_claim("scope", scope, GK_AUTH_SCOPE_MAX, true, err);
    if (rc != GK_OK)
        return rc;
    if (now_ms < 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "now_ms: %lld is before 1970",
                          (long long)now_ms);
    int64_t iat = now_ms / 1000;
    if (ttl_s <= 0 || ttl_s > GK_AUTH_EXP_MAX - iat)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "ttl_s: %lld is not positive or expires after year 9999",
                          (long long)ttl_s);

    char esub[6 * GK_AUTH_SUB_MAX + 1], escope[6 * GK_AUTH_SCOPE_MAX + 1];
    char payload[GK_AUTH_PAYLOAD_MAX + 1], tok[GK_AUTH_TOKEN_SIZE];
    json_escape(sub, esub);
    json_escape(scope, escope);
    int n = snprintf(payload, sizeof payload,
                     "{\"sub\":\"%s\",\"scope\":\"%s\",\"iat\":%lld,\"exp\":%lld}", esub,
                     escope, (long long)iat, (long long)(iat + ttl_s));
    if (n < 0 || (size_t)n >= sizeof payload) /* cannot happen: sizes are bounded */
        return gk_err_set(err, GK_INTERNAL_ERROR, "token: payload too long");

    /* header "." payload, signed as it stands, then "." signature */
    size_t len = sizeof HEADER_B64 - 1;
    memcpy(tok, HEADER_B64 ".", len + 1);
    len++;
    rc = gk_auth_b64_encode(GK_AUTH_B64_URL, payload, (size_t)n, tok + len,
                            sizeof tok - len, err);
    if (rc != GK_OK)
        return rc;
    len += strlen(tok + len);
    unsigned char mac[MAC_LEN];
    rc = hmac_sha256(key, tok, len, mac, err);
    if (rc != GK_OK)
        return rc;
    tok[len++] = '.';
    rc = gk_auth_b64_encode(GK_AUTH_B64_URL, mac, MAC_LEN, tok + len, sizeof tok - len,
                            err);
    if (rc != GK_OK)
        return rc;
    len += MAC_B64_LEN;

    if (out == NULL || out_size <= len)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE,
                          "out: token needs %zu bytes, buffer holds %zu", len + 1,
                          out == NULL ? (size_t)0 : out_size);
    memcpy(out, tok, len + 1);
    return GK_OK;
}

/* ---- bearer tokens: verification --------------------------------------- */

/* A cursor over the decoded payload, which is not NUL-terminated. */
struct scan {
    const char *p, *end;
};

static bool scan_lit(struct scan *s, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
        return false;
    s->p += n;
    return true;
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Reads the rest of a string our json_escape wrote, through the closing quote. */
static bool scan_str(struct scan *s, char *out, size_t out_size)
{
    size_t n = 0;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p++;
        if (c == '"') {
            out[n] = '\0';
            return true;
        }
        if (c < 0x20 || c == 0x7f)
            return false; /* json_escape would have escaped it */
        if (c == '\\') {
            if (s->p >= s->end)
                return false;
            c = (unsigned char)*s->p++;
            if (c == 'u') {
                if (s->end - s->p < 4 || s->p[0] != '0' || s->p[1] != '0')
                    return false;
                int hi = hex_nibble(s->p[2]), lo = hex_nibble(s->p[3]);
                if (hi < 0 || lo < 0)
                    return false;
                c = (unsigned char)(hi << 4 | lo);
                if (!(c < 0x20 || c == 0x7f))
                    return false;
                s->p += 4;
            } else if (c != '"' && c != '\\') {
                return false;
            }
        }
        if (n + 1 >= out_size)
            return false;
        out[n++] = (char)c;
    }
    return false;
}

/* A non-negative decimal without leading zeros, at most GK_AUTH_EXP_MAX. */
static bool scan_num(struct scan *s, int64_t *out)
{
    int64_t v = 0;
    const char *start = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
        v = v * 10 + (*s->p++ - '0');
        if (v > GK_AUTH_EXP_MAX)
            return false;
    }
    if (s->p == start || (*start == '0' && s->p - start > 1))
        return false;
    *out = v;
    return true;
}

static bool scan_claims(const char *payload, size_t len, struct gk_auth_claims *c)
{
    struct scan s = {payload, payload + len};
    return scan_lit(&s, "{\"sub\":\"") && scan_str(&s, c->sub, sizeof c->sub) &&
           c->sub[0] != '\0' && scan_lit(&s, ",\"scope\":\"") &&
           scan_str(&s, c->scope, sizeof c->scope) && scan_lit(&s, ",\"iat\":") &&
           scan_num(&s, &c->iat_s) && scan_lit(&s, ",\"exp\":") &&
           scan_num(&s, &c->exp_s) && scan_lit(&s, "}") && s.p == s.end;
}

/* Epoch seconds (0 .. GK_AUTH_EXP_MAX) as RFC 3339 UTC, via the proleptic
 * Gregorian civil-from-days conversion (no gmtime, no time_t range limits). */
static void format_utc(int64_t t, char *out, size_t out_size)
{
    int64_t days = t / 86400, sec = t % 86400;
    int64_t z = days + 719468; /* days since 0000-03-01 */
    int64_t era = z / 146097, doe = z % 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = era * 400 + yoe + (month <= 2);
    snprintf(out, out_size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)year,
             (long long)month, (long long)day, (long long)(sec / 3600),
             (long long)(sec / 60 % 60), (long long)(sec % 60));
}

static enum gk_rc malformed(struct gk_err *err, const char *why)
{
    return gk_err_set(err, GK_UNAUTHENTICATED, "token: malformed (%s)", why);
}

enum gk_rc gk_auth_token_verify(const struct gk_auth_key *key, const char *token,
                                int64_t now_ms, struct gk_auth_claims *claims,
                                struct gk_err *err)
{
    if (key == NULL || key->len < GK_AUTH_KEY_MIN || key->len > GK_AUTH_KEY_MAX)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "key: not initialised");
    if (token == NULL)
        return malformed(err, "no token");

    size_t len = strnlen(token, GK_AUTH_TOKEN_MAX + 1);
    if (len > GK_AUTH_TOKEN_MAX)
        return malformed(err, "too long");
    const char *dot1 = memchr(token, '.', len);
    const char *dot2 =
        dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (dot2 == NULL || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL)
        return malformed(err, "expected three dot-separated segments");
    size_t head_len = (size_t)(dot1 - token);
    size_t body_len = (size_t)(dot2 - dot1 - 1);
    size_t sig_len = len - (size_t)(dot2 + 1 - token);
    if (head_len == 0 || body_len == 0 || sig_len == 0)
        return malformed(err, "empty segment");
    if (body_len > PAYLOAD_B64_MAX)
        return malformed(err, "payload too long");

    unsigned char sig[MAC_LEN], mac[MAC_LEN];
    size_t sig_bytes = 0;
    if (sig_len != MAC_B64_LEN ||
        gk_auth_b64_decode(GK_AUTH_B64_URL, dot2 + 1, sig_len, sig, sizeof sig,
                           &sig_bytes, NULL) != GK_OK ||
        sig_bytes != MAC_LEN)
        return malformed(err, "signature is not 32 bytes of base64url");

    /* The signature gates everything after it. */
    if (hmac_sha256(key, token, (size_t)(dot2 - token), mac, err))
        return GK_INTERNAL_ERROR;
    if (sodium_memcmp(mac, sig, MAC_LEN) != 0)
        return gk_err_set(err, GK_UNAUTHENTICATED, "token: bad signature");

    /* From here on the bytes are our own output (or the key leaked). */
    if (head_len != sizeof HEADER_B64 - 1 || memcmp(token, HEADER_B64, head_len) != 0)
        return malformed(err, "unexpected header");
    char payload[GK_AUTH_PAYLOAD_MAX];
    size_t payload_len = 0;
    struct gk_auth_claims c;
    if (gk_auth_b64_decode(GK_AUTH_B64_URL, dot1 + 1, body_len, payload, sizeof payload,
                           &payload_len, NULL) != GK_OK ||
        !scan_claims(payload, payload_len, &c))
        return malformed(err, "unexpected claims");

    if (now_ms >= c.exp_s * 1000) {
        char when[64]; /* worst case the compiler can see; 20 used */
        format_utc(c.exp_s, when, sizeof when);
        return gk_err_set(err, GK_UNAUTHENTICATED, "token expired at %s", when);
    }
    if (claims != NULL)
        *claims = c;
    return GK_OK;
}

/* ---- Authorization header ---------------------------------------------- */

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * Matches "<scheme> +<credentials>" with the scheme case-insensitive and
 * sets [*cred, *cred + *cred_len) to the credentials, trailing spaces and
 * tabs removed (they are not part of an HTTP field value). Never echoes the
 * header: it may hold a secret.
 */
static enum gk_rc split_scheme(const char *header, const char *scheme, const char **cred,
                               size_t *cred_len, struct gk_err *err)
{
    if (header == NULL || header[0] == '\0')
        return gk_err_set(err, GK_UNAUTHENTICATED, "Authorization: header is missing");
    size_t n = strlen(scheme);
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(header[i]) != ascii_lower(scheme[i])) /* stops at a NUL too */
            return gk_err_set(err, GK_UNAUTHENTICATED,
                              "Authorization: expected the %s scheme", scheme);
    const char *p = header + n;
    if (*p != ' ' && *p != '\0')
        return gk_err_set(err, GK_UNAUTHENTICATED,
                          "Authorization: expected the %s scheme", scheme);
    while (*p == ' ')
        p++;
    size_t len = strlen(p);
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len == 0)
        return gk_err_set(err, GK_UNAUTHENTICATED, "Authorization: empty %s credentials",
                          scheme);
    *cred = p;
    *cred_len = len;
    return GK_OK;
}

enum gk_rc gk_auth_parse_bearer(const char *header, char *token, size_t token_size,
                                struct gk_err *err)
{
    const char *cred = NULL;
    size_t len = 0;
    if (token == NULL || token_size == 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "token: no buffer");
    token[0] = '\0';
    if (split_scheme(header, "Bearer", &cred, &len, err))
        return GK_UNAUTHENTICATED;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)cred[i];
        if (c == ' ')
            return gk_err_set(err, GK_UNAUTHENTICATED,
                              "Authorization: bearer token contains a space");
        if (c < 0x21 || c > 0x7e)
            return gk_err_set(err, GK_UNAUTHENTICATED,
                              "Authorization: bearer token contains a control or "
                              "non-ASCII byte");
    }
    if (len >= token_size)
        return gk_err_set(err, GK_UNAUTHENTICATED,
                          "Authorization: bearer token longer than %zu bytes",
                          token_size - 1);
    memcpy(token, cred, len);
    token[len] = '\0';
    return GK_OK;
}

/* Copies [s, s + n) into out as a string, or fails naming the part. */
static enum gk_rc copy_part(const char *what, const unsigned char *s, size_t n, char *out,
                            size_t out_size, struct gk_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] == 0x7f)
            return gk_err_set(err, GK_UNAUTHENTICATED,
                              "Authorization: Basic %s contains a control character",
                              what);
    if (n >= out_size)
        return gk_err_set(err, GK_UNAUTHENTICATED,
                          "Authorization: Basic %s longer than %zu bytes", what,
                          out_size - 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return GK_OK;
}

#define BASIC_B64_MAX (GK_AUTH_B64_STD_SIZE(GK_AUTH_BASIC_MAX) - 1)

enum gk_rc gk_auth_parse_basic(const char *header, char *id, size_t id_size, char *secret,
                               size_t secret_size, struct gk_err *err)
{
    const char *cred = NULL;
    size_t len = 0, n = 0;
    if (id == NULL || id_size == 0 || secret == NULL || secret_size == 0)
        return gk_err_set(err, GK_INVALID_PARAMETER_VALUE, "id, secret: no buffer");
    id[0] = secret[0] = '\0';
    if (split_scheme(header, "Basic", &cred, &len, err))
        return GK_UNAUTHENTICATED;
    if (len > BASIC_B64_MAX)
        return gk_err_set(err, GK_UNAUTHENTICATED,
                          "Authorization: Basic credentials longer than %d bytes",
                          GK_AUTH_BASIC_MAX);

    unsigned char buf[GK_AUTH_B64_DECODED_MAX(BASIC_B64_MAX)];
    struct gk_err b64_err = {0};
    const unsigned char *colon = NULL;
    enum gk_rc rc;
    if (gk_auth_b64_decode(GK_AUTH_B64_STD, cred, len, buf, sizeof buf, &n, &b64_err))
        rc = gk_err_set(err, GK_UNAUTHENTICATED,
                        "Authorization: Basic credentials are not valid base64 (%s)",
                        b64_err.msg);
    else if ((colon = memchr(buf, ':', n)) == NULL)
        rc = gk_err_set(err, GK_UNAUTHENTICATED,
                        "Authorization: Basic credentials have no ':' between id and "
                        "secret");
    else if (colon == buf)
        rc = gk_err_set(err, GK_UNAUTHENTICATED, "Authorization: Basic id is empty");
    else
        rc = copy_part("id", buf, (size_t)(colon - buf), id, id_size, err);
    if (rc == GK_OK)
        rc = copy_part("secret", colon + 1, n - (size_t)(colon + 1 - buf), secret,
                       secret_size, err);
    sodium_memzero(buf, sizeof buf);
    if (rc != GK_OK)
        sodium_memzero(secret, secret_size);
    return rc;
}

/* ---- comparison and redaction ------------------------------------------ */

bool gk_auth_secret_equal(const char *a, size_t a_len, const char *b, size_t b_len)
{
    unsigned char da[crypto_hash_sha256_BYTES], db[crypto_hash_sha256_BYTES];
    if (a == NULL || b == NULL)
        return false;
    crypto_hash_sha256(da, (const unsigned char *)a, a_len);
    crypto_hash_sha256(db, (const unsigned char *)b, b_len);
    bool equal = sodium_memcmp(da, db, sizeof da) == 0;
    sodium_memzero(da, sizeof da);
    sodium_memzero(db, sizeof db);
    return equal;
}

const char *gk_auth_redact(const char *secret, char *out, size_t out_size)
{
    /* Prefixes that name a kind of credential and carry no secret; shown only
     * on strings long enough that the prefix is a small part of them. */
    static const char *const public_prefixes[] = {"dapi", "dose", "eyJ"};
    const char *prefix = "";
    if (out == NULL || out_size == 0)
        return out;
    if (secret == NULL) {
        snprintf(out, out_size, "(none)");
        return out;
    }
    size_t len = strlen(secret);
    for (size_t i = 0; i < sizeof public_prefixes / sizeof public_prefixes[0]; i++)
        if (len >= 16 &&
            strncmp(secret, public_prefixes[i], strlen(public_prefixes[i])) == 0)
            prefix = public_prefixes[i];
    snprintf(out, out_size, "%s%s(redacted, %zu chars)", prefix, prefix[0] ? "..." : "",
             len);
    return out;
}
