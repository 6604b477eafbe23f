/* Code normalization for identical-body folding (inspector/codenorm.h), on
 * real method bodies from the samples and on small hand-assembled ones whose
 * encodings are worked out in the comments. */
#include <stdlib.h>
#include <string.h>

#include "../inspector/codenorm.h"
#include "test.h"

/* Hex text to bytes; returns the count. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (s[0] && s[1] && n < cap) {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static uint64_t norm_hash(az_codenorm *cn, const uint8_t *b, size_t n, uint64_t addr, size_t *undecoded)
{
    az_normbody nb;
    az_codenorm_body(cn, b, n, addr, &nb);
    if (undecoded)
        *undecoded = nb.undecoded;
    free(nb.seq);
    return nb.hash;
}

/* AsyncTaskMethodBuilder<MyStruct>.SetException and <LargeStruct>.SetException
 * from net10-osx-arm64/generics (180 bytes each, one map Hash: identical
 * before relocation).  They differ in three ADRP+ADD pairs and seven BLs,
 * and hold an LDAPUR (0x990342ae, ARMv8.4) that capstone 4 cannot decode:
 * skipping one byte there used to misalign the rest of the body. */
static const char set_exception_a[] =
    "f657bda9f44f01a9fd7b02a9fd830091f30300aaf40301aa330400b4950240f9750100b5200a00f000001591d29efd97"
    "f50300aa0e8080520e40a072ae420399ee0314aaef0315aa869efd97e10313aac00900f00040079176f6fe97e20300aa"
    "c20000b4412840f9e00315aa1f0040b9609cfe9705000014e00315aae10313aa1f0040b92f9cfe9700010034fd7b42a9"
    "f44f41a9f657c3a8c0035fd6e0038052cc3dfe9700003ed400038052113efe9700003ed4";
static const char set_exception_b[] =
    "f657bda9f44f01a9fd7b02a9fd830091f30300aaf40301aa330400b4950240f9750100b5000a0090006001911e78fd97"
    "f50300aa0e8080520e40a072ae420399ee0314aaef0315aad277fd97e10313aa800900b000400791c2cffe97e20300aa"
    "c20000b4412840f9e00315aa1f0040b9ac75fe9705000014e00315aae10313aa1f0040b97b75fe9700010034fd7b42a9"
    "f44f41a9f657c3a8c0035fd6e00380521817fe9700003ed4000380525d17fe9700003ed4";

static void test_arm64(void)
{
    az_codenorm *cn = az_codenorm_new(AZ_ARCH_ARM64);
    CHECK(cn != NULL);
    if (!cn)
        return;
    uint8_t a[256], b[256];
    size_t na = unhex(set_exception_a, a, sizeof a), nb = unhex(set_exception_b, b, sizeof b);
    CHECK_U64(na, 180);
    CHECK_U64(nb, 180);
    CHECK(memcmp(a, b, na) != 0);
    size_t und;
    uint64_t ha = norm_hash(cn, a, na, 0x10009ab70, &und), hb = norm_hash(cn, b, nb, 0x1000a4640, NULL);
    CHECK(ha == hb);
    /* the LDAPUR word at offset 60 is masked like any other: its bytes count
     * as undecoded when capstone does not know it, never more than the word */
    CHECK(und == 0 || und == 4);
    /* a change outside what relocation fills (mov w14, #0x400 -> #0x401 at
     * offset 52, 0x5280800e: imm16 in bits 5-20) must show */
    b[52] ^= 0x20;
    CHECK(norm_hash(cn, b, nb, 0x1000a4640, NULL) != ha);

    /* An ADRP register stays a page base only until it is overwritten:
     *   adrp x0, page        90000000 (+ immlo/immhi)
     *   add  x0, x0, #lo     91000000 | imm12 << 10    (masked: page offset)
     *   add  x0, x0, #16     91004000                  (x0 now an address:
     *   ret                  d65f03c0                   not masked) */
    static const uint32_t p[] = { 0x90000000, 0x91150000, 0x91004000, 0xd65f03c0 };
    static const uint32_t q[] = { 0xb0000020, 0x91048c00, 0x91004000, 0xd65f03c0 }; /* other page, other lo */
    static const uint32_t r[] = { 0x90000000, 0x91150000, 0x91008000, 0xd65f03c0 }; /* add #32 */
    uint8_t bp[16], bq[16], br[16];
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++) {
            bp[4 * i + k] = (uint8_t)(p[i] >> (8 * k));
            bq[4 * i + k] = (uint8_t)(q[i] >> (8 * k));
            br[4 * i + k] = (uint8_t)(r[i] >> (8 * k));
        }
    uint64_t hp = norm_hash(cn, bp, 16, 0x1000, NULL);
    CHECK(hp == norm_hash(cn, bq, 16, 0x8000, NULL));
    CHECK(hp != norm_hash(cn, br, 16, 0x1000, NULL));

    /* filler after a body: zero words and NOPs (d503201f), whole words only */
    uint8_t f[24];
    memcpy(f, bp, 16);
    memset(f + 16, 0, 4);
    memcpy(f + 20, "\x1f\x20\x03\xd5", 4);
    CHECK_U64(az_code_trim_filler(AZ_ARCH_ARM64, f, 24), 16);
    CHECK_U64(az_code_trim_filler(AZ_ARCH_ARM64, f, 23), 23);
    az_codenorm_free(cn);
}

static void test_x64(void)
{
    az_codenorm *cn = az_codenorm_new(AZ_ARCH_X64);
    CHECK(cn != NULL);
    if (!cn)
        return;
    /* Func<Tiny, Int32>.Invoke and Func<Pair16, __Canon>.Invoke from
     * net8-linux-x64/generics: one map Hash, 19 bytes each; their unsized
     * symbols run on over 29 and 13 bytes of NOP filler. */
    uint8_t a[64], b[64];
    size_t n = unhex("55488bec488b4708488b4f20488bf85d48ffe1", a, sizeof a);
    CHECK_U64(n, 19);
    memcpy(b, a, n);
    memset(a + n, 0x90, 29);
    memset(b + n, 0x90, 13);
    size_t ta = az_code_trim_filler(AZ_ARCH_X64, a, n + 29), tb = az_code_trim_filler(AZ_ARCH_X64, b, n + 13);
    CHECK_U64(ta, 19);
    CHECK_U64(tb, 19);
    CHECK(norm_hash(cn, a, ta, 0x10d810, NULL) == norm_hash(cn, b, tb, 0x11ee60, NULL));
    CHECK(norm_hash(cn, a, n + 29, 0x10d810, NULL) != norm_hash(cn, b, n + 13, 0x11ee60, NULL));
    /* INT3 filler (PE linkers) too */
    memset(b + n, 0xCC, 5);
    CHECK_U64(az_code_trim_filler(AZ_ARCH_X64, b, n + 5), 19);

    /* lea rax, [rip+disp32]   48 8d 05 <disp32>
     * call rel32              e8 <rel32>          (target outside the body)
     * ret                     c3
     * Different displacements and call targets: the same normalized body. */
    uint8_t p[13], q[13];
    unhex("488d0534120000e800100000c3", p, sizeof p);
    unhex("488d0578560000e800200000c3", q, sizeof q);
    uint64_t hp = norm_hash(cn, p, 13, 0x401000, NULL);
    CHECK(hp == norm_hash(cn, q, 13, 0x402000, NULL));
    /* mov eax, imm32 is a constant, not an address: it stays */
    uint8_t m1[6], m2[6];
    unhex("b801000000c3", m1, sizeof m1);
    unhex("b802000000c3", m2, sizeof m2);
    CHECK(norm_hash(cn, m1, 6, 0x1000, NULL) != norm_hash(cn, m2, 6, 0x1000, NULL));
    /* a jump inside the body keeps its target: jmp +0 / jmp +1 over a nop
     *   eb 00 90 c3   vs   eb 01 90 c3 */
    uint8_t j1[4], j2[4];
    unhex("eb0090c3", j1, sizeof j1);
    unhex("eb0190c3", j2, sizeof j2);
    CHECK(norm_hash(cn, j1, 4, 0x1000, NULL) != norm_hash(cn, j2, 4, 0x1000, NULL));
    az_codenorm_free(cn);
}

static void test_similarity(void)
{
    uint32_t a[10], b[11];
    for (uint32_t i = 0; i < 10; i++)
        a[i] = b[i] = i + 1;
    CHECK_U64(az_seq_similarity(a, 10, a, 10, 500), 1000);
    /* one instruction more: 2 * 10 / (10 + 11) = 952.4 per mille */
    b[10] = 99;
    CHECK_U64(az_seq_similarity(a, 10, b, 11, 500), 952);
    /* below the floor: not computed exactly, 0 */
    uint32_t c[10] = { 0 };
    CHECK_U64(az_seq_similarity(a, 10, c, 10, 500), 0);
}

int main(void)
{
    test_arm64();
    test_x64();
    test_similarity();
    return test_report("codenorm");
}
