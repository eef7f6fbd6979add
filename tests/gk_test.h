/*
 * gk_test: what every Criterion suite of geniekit shares.
 *
 * Criterion 2.4 runs each test in a child process and does not fail a test
 * that leaks under LeakSanitizer: the leak report comes after the result was
 * sent. GK_ASSERT_NO_LEAKS() asks LeakSanitizer for a check *now* and fails
 * the test when it finds anything. End every test that allocates with it.
 * Outside an ASan build it does nothing (and gk_test_leak_check_active() says
 * so, which the positive control in test_err.c uses to prove the check runs).
 */
#ifndef GK_TEST_H
#define GK_TEST_H

#include <criterion/criterion.h>

#if defined(__SANITIZE_ADDRESS__)
#define GK_TEST_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GK_TEST_LSAN 1
#endif
#endif

#ifdef GK_TEST_LSAN
int __lsan_do_recoverable_leak_check(void);
#define gk_test_leak_check() __lsan_do_recoverable_leak_check()
#define gk_test_leak_check_active() 1
#else
#define gk_test_leak_check() 0
#define gk_test_leak_check_active() 0
#endif

#define GK_ASSERT_NO_LEAKS()                                                             \
    cr_assert_eq(gk_test_leak_check(), 0, "LeakSanitizer found leaks (report above)")

#endif
