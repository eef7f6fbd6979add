/*
 * auth: credentials on the wire, without a JSON library.
 *
 * - base64, standard (padded, as in HTTP Basic) and URL-safe unpadded (as in
 *   JWTs), strict: non-canonical or malformed input is an error.
 * - Bearer tokens: JWT-shaped HS256 tokens carrying subject, scope, iat and
 *   exp (epoch seconds), signed with HMAC-SHA256 under a struct gk_auth_key.
 *   Verification checks the shape, then the signature in constant time, and
 *   only then reads the claims; expiry is judged against a `now` argument
 *   (the mock's clock may run fast), never a clock read here.
 * - `Authorization` header parsing for the Bearer and Basic schemes.
 * - Constant-time equality for PATs and client secrets, and a redaction
 *   helper so secrets never reach logs or error messages.
 *
 * Errors: credential problems are GK_UNAUTHENTICATED with messages that say
 * what is wrong ("token: bad signature") and never quote the secret; bad
 * arguments from the caller (NULL, buffers too small) are
 * GK_INVALID_PARAMETER_VALUE. A failing call leaves its outputs unspecified
 * but NUL-terminated where they are strings.
 *
 * Ownership: every output goes to a caller buffer whose size the caller
 * passes (or, for fixed-size results, a *_SIZE macro gives).
 *
 * Thread-safety: a key is read-only once initialised, so any number of
 * threads may mint and verify with it; everything else is reentrant.
 */
#ifndef GK_AUTH_H
#define GK_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* ---- base64 ------------------------------------------------------------ */

enum gk_auth_b64 {
    GK_AUTH_B64_STD, /* alphabet + and /, padded with = (RFC 4648 section 4) */
    GK_AUTH_B64_URL, /* alphabet - and _, no padding (RFC 4648 section 5, JWT) */
};

/* Bytes (NUL included) that encoding n bytes needs in each variant. */
#define GK_AUTH_B64_STD_SIZE(n)    (((n) + 2) / 3 * 4 + 1)
#define GK_AUTH_B64_URL_SIZE(n)    ((n) / 3 * 4 + ((n) % 3 * 4 + 2) / 3 + 1)
/* Most bytes that n base64 characters can decode to (either variant). */
#define GK_AUTH_B64_DECODED_MAX(n) ((n) / 4 * 3 + (n) % 4 * 3 / 4)

/*
 * Encodes bin_len bytes of bin into out as a NUL-terminated string. Returns
 * GK_OK, or GK_INVALID_PARAMETER_VALUE when out_size is below the *_SIZE
 * macro for bin_len (out is then "" if out_size > 0).
 */
enum gk_rc gk_auth_b64_encode(enum gk_auth_b64 variant, const void *bin, size_t bin_len,
                              char *out, size_t out_size, struct gk_err *err);

/*
 * Decodes b64_len characters of b64 (need not be NUL-terminated) into out and
 * sets *out_len. Returns GK_OK; GK_INVALID_PARAMETER_VALUE when the input is
 * not canonical base64 of the variant ("base64: unexpected '=' at offset 4",
 * "base64: bad length or padding") or when it may not fit in out_size bytes
 * (GK_AUTH_B64_DECODED_MAX(b64_len) is always enough).
 */
enum gk_rc gk_auth_b64_decode(enum gk_auth_b64 variant, const char *b64, size_t b64_len,
                              void *out, size_t out_size, size_t *out_len,
                              struct gk_err *err);

/* ---- keys -------------------------------------------------------------- */

#define GK_AUTH_KEY_MIN 32 /* HMAC-SHA256 keys shorter than the hash are weak */
#define GK_AUTH_KEY_MAX 128

struct gk_auth_key {
    size_t len;
    unsigned char bytes[GK_AUTH_KEY_MAX];
};

/*
 * Copies len secret bytes into k. Returns GK_OK, or GK_INVALID_PARAMETER_VALUE
 * when len is outside [GK_AUTH_KEY_MIN, GK_AUTH_KEY_MAX] (k is then wiped).
 */
enum gk_rc gk_auth_key_init(struct gk_auth_key *k, const void *secret, size_t len,
                            struct gk_err *err);

/*
 * Fills k with GK_AUTH_KEY_MIN bytes from the operating system (libsodium).
 * Returns GK_OK, or GK_INTERNAL_ERROR when libsodium cannot initialise.
 */
enum gk_rc gk_auth_key_init_random(struct gk_auth_key *k, struct gk_err *err);

/* Wipes the secret (sodium_memzero). NULL is a no-op. */
void gk_auth_key_cleanup(struct gk_auth_key *k);

/* ---- bearer tokens ----------------------------------------------------- */

#define GK_AUTH_SUB_MAX   255 /* bytes of a subject, NUL excluded */
#define GK_AUTH_SCOPE_MAX 255
/*
 * Longest token mint can produce, NUL excluded: the header, each claim
 * escaped at worst as \u00XX (6 bytes per byte), the numbers, and the
 * signature, base64url-encoded. The three *_SIZE terms each count a NUL:
 * two of those pay for the dots, the "- 1" drops the third.
 */
#define GK_AUTH_PAYLOAD_MAX                                                              \
    (sizeof "{\"sub\":\"\",\"scope\":\"\",\"iat\":,\"exp\":}" - 1 +                      \
     6 * (GK_AUTH_SUB_MAX + GK_AUTH_SCOPE_MAX) + 2 * 20)
#define GK_AUTH_TOKEN_MAX                                                                \
    (GK_AUTH_B64_URL_SIZE(sizeof "{\"alg\":\"HS256\",\"typ\":\"JWT\"}" - 1) +            \
     GK_AUTH_B64_URL_SIZE(GK_AUTH_PAYLOAD_MAX) + GK_AUTH_B64_URL_SIZE(32) - 1)
#define GK_AUTH_TOKEN_SIZE (GK_AUTH_TOKEN_MAX + 1)

/* Latest expiry a token may carry: 9999-12-31T23:59:59Z, in epoch seconds. */
#define GK_AUTH_EXP_MAX INT64_C(253402300799)

struct gk_auth_claims {
    char sub[GK_AUTH_SUB_MAX + 1];
    char scope[GK_AUTH_SCOPE_MAX + 1];
    int64_t iat_s; /* issued at, epoch seconds */
    int64_t exp_s; /* expires at, epoch seconds: invalid from exp_s * 1000 ms on */
};

/*
 * Mints a token for sub (non-empty) and scope (may be empty), issued at
 * now_ms / 1000 and expiring ttl_s seconds later, into out (GK_AUTH_TOKEN_SIZE
 * is always enough). Returns GK_OK, or GK_INVALID_PARAMETER_VALUE naming the
 * argument (sub too long, now_ms < 0, ttl_s <= 0, expiry past
 * GK_AUTH_EXP_MAX, out too small), or GK_INTERNAL_ERROR if HMAC fails.
 */
enum gk_rc gk_auth_token_mint(const struct gk_auth_key *key, const char *sub,
                              const char *scope, int64_t now_ms, int64_t ttl_s, char *out,
                              size_t out_size, struct gk_err *err);

/*
 * Verifies token at time now_ms and, when claims is not NULL, fills it.
 * Returns GK_OK, or GK_UNAUTHENTICATED with one of:
 *   "token: malformed (...)"  not three base64url segments of our shape
 *   "token: bad signature"    forged, tampered, or minted under another key
 *   "token expired at 2026-11-21T06:31:26Z"   now_ms >= exp_s * 1000
 * The claims are read only after the signature matched.
 */
enum gk_rc gk_auth_token_verify(const struct gk_auth_key *key, const char *token,
                                int64_t now_ms, struct gk_auth_claims *claims,
                                struct gk_err *err);

/* ---- Authorization header ---------------------------------------------- */

/*
 * Parses "Bearer <token>" (scheme case-insensitive, one or more spaces, a
 * token of visible ASCII without spaces; trailing spaces and tabs ignored)
 * and copies the token into token (token_size bytes). Returns GK_OK, or
 * GK_UNAUTHENTICATED saying what is wrong (header missing, other scheme,
 * empty token, bad character, token longer than token_size - 1).
 */
enum gk_rc gk_auth_parse_bearer(const char *header, char *token, size_t token_size,
                                struct gk_err *err);

/* Longest decoded "id:secret" that gk_auth_parse_basic accepts. */
#define GK_AUTH_BASIC_MAX 1024

/*
 * Parses "Basic base64(id:secret)" (scheme case-insensitive, padded standard
 * base64), splitting at the first ':' so the secret may contain ':'. Copies
 * id and secret into the caller's buffers. Returns GK_OK, or
 * GK_UNAUTHENTICATED saying what is wrong (header missing, other scheme, bad
 * base64, no ':', empty id, control characters, a part too long for its
 * buffer). The decoded secret is wiped from internal buffers.
 */
enum gk_rc gk_auth_parse_basic(const char *header, char *id, size_t id_size, char *secret,
                               size_t secret_size, struct gk_err *err);

/* ---- comparison and redaction ------------------------------------------ */

/*
 * True when a and b hold the same bytes. Compares SHA-256 digests of both
 * with sodium_memcmp, so the time taken does not depend on where they differ
 * nor on whether their lengths match (only, through hashing, on the lengths
 * themselves). NULL equals nothing, not even NULL.
 */
bool gk_auth_secret_equal(const char *a, size_t a_len, const char *b, size_t b_len);

/* Enough for every string gk_auth_redact writes. */
#define GK_AUTH_REDACTED_SIZE 48

/*
 * Writes a loggable stand-in for secret into out and returns out:
 * "dapi...(redacted, 36 chars)" when it starts with a known public prefix
 * (dapi, dose, eyJ), "(redacted, 12 chars)" otherwise, "(none)" for NULL.
 * Never copies any other byte of the secret. Truncates to out_size.
 */
const char *gk_auth_redact(const char *secret, char *out, size_t out_size);

#endif
