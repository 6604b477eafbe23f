/* A minimal test harness: CHECK macros count failures and print where they
 * happened; main() returns test_report(). */
#ifndef AZ_TEST_H
#define AZ_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failures_;
static int test_checks_;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        test_checks_++;                                                               \
        if (!(cond)) {                                                                \
            test_failures_++;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
        }                                                                             \
    } while (0)

#define CHECK_STR(got, want)                                                          \
    do {                                                                              \
        const char *g_ = (got), *w_ = (want);                                         \
        test_checks_++;                                                               \
        if ((g_ == NULL) != (w_ == NULL) || (g_ && strcmp(g_, w_) != 0)) {            \
            test_failures_++;                                                         \
            fprintf(stderr, "%s:%d: %s\n  got:  %s\n  want: %s\n", __FILE__, __LINE__, \
                    #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");                    \
        }                                                                             \
    } while (0)

#define CHECK_U64(got, want)                                                          \
    do {                                                                              \
        uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                         \
        test_checks_++;                                                               \
        if (g_ != w_) {                                                               \
            test_failures_++;                                                         \
            fprintf(stderr, "%s:%d: %s = %" PRIu64 ", want %" PRIu64 "\n", __FILE__,   \
                    __LINE__, #got, g_, w_);                                          \
        }                                                                             \
    } while (0)

static inline int test_report(const char *name)
{
    fprintf(stderr, "%s: %d checks, %d failed\n", name, test_checks_, test_failures_);
    return test_failures_ ? 1 : 0;
}

#endif
