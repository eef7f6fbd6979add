/*
 * routes_internal: the percent coding shared by routes.c (path parameters)
 * and routes_query.c (query strings and forms). Not public API: only those
 * two files include it. Nothing here allocates; every output buffer is
 * NUL-terminated whatever happens.
 */
#ifndef GK_ROUTES_INTERNAL_H
#define GK_ROUTES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

enum gk_routes_decode_result {
    GK_ROUTES_DECODE_OK,
    GK_ROUTES_DECODE_BAD_ESCAPE, /* '%' not followed by two hex digits */
    GK_ROUTES_DECODE_TOO_LONG,   /* more than cap - 1 decoded bytes */
    GK_ROUTES_DECODE_NUL,        /* decodes to a NUL byte */
    GK_ROUTES_DECODE_SLASH,      /* decodes to '/' and no_slash was asked */
};

/* 0-15 for a hex digit (either case), -1 otherwise. */
int gk_routes_hex_value(unsigned char c);

/*
 * Percent-decodes s[0..n) into out (cap >= 1 bytes), '+' as a space when
 * plus_is_space. Returns the first problem met; out holds the decoded bytes
 * on GK_ROUTES_DECODE_OK and "" otherwise, *out_len (if not NULL) its length.
 */
enum gk_routes_decode_result gk_routes_decode(const char *s, size_t n, bool plus_is_space,
                                              bool no_slash, char *out, size_t cap,
                                              size_t *out_len);

/* A bounded writer: len counts every byte put, even past cap, so a caller
 * can report the size it needed; only the bytes that fit (leaving room for
 * the NUL) are stored. */
struct gk_routes_writer {
    char *buf;
    size_t cap, len;
};

void gk_routes_put(struct gk_routes_writer *w, const char *s, size_t n);
/* Puts s with every byte outside RFC 3986 "unreserved" as %XX. */
void gk_routes_put_encoded(struct gk_routes_writer *w, const char *s);
/* NUL-terminates and returns true, or on overflow sets buf[start] = '\0'
 * (undoing the writes) and returns false. */
bool gk_routes_writer_close(struct gk_routes_writer *w, size_t start);

/* Copies n bytes of s into dst (cap >= 8) for quoting in a message: at most
 * cap - 4 bytes, non-printable bytes as '?', "..." when cut. */
void gk_routes_excerpt(char *dst, size_t cap, const char *s, size_t n);

#endif
