/*
 * fuzz_retry_after: gk_backoff_retry_after_ms on untrusted bytes.
 *
 * The input is the header value itself (not NUL-terminated; libFuzzer's
 * buffer is exactly `size` bytes, so ASan catches any over-read). Each input
 * is parsed against a few "now" values, extremes included, and the contract
 * is checked: the fallback is returned iff the flag says so, and any other
 * answer lies in [0, GK_BACKOFF_RETRY_AFTER_MAX_MS].
 */
#include "common/backoff.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t nows[] = {784111657000LL, 0,         1748736000000LL,
                                   INT64_MIN,      INT64_MAX, -1};
    const int64_t fallback = -424242;
    for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++) {
        bool fell = false;
        int64_t ms =
            gk_backoff_retry_after_ms((const char *)data, size, nows[i], fallback, &fell);
        if (fell != (ms == fallback))
            abort();
        if (!fell && (ms < 0 || ms > GK_BACKOFF_RETRY_AFTER_MAX_MS))
            abort();
        /* NULL flag pointer must give the same answer */
        if (gk_backoff_retry_after_ms((const char *)data, size, nows[i], fallback,
                                      NULL) != ms)
            abort();
    }
    return 0;
}
