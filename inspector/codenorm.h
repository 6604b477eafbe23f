/* Normalized machine code, for finding method bodies that identical-code
 * folding could merge.
 *
 * Two instantiations of a generic method often compile to the same
 * instructions that differ only where the linker patched in an address.
 * Before hashing, every field a relocation can fill is masked:
 *   x86-64: RIP-relative displacements, 64-bit immediates (absolute
 *     addresses), and the targets of calls and jumps that leave the body
 *     (jumps inside it keep their offset from the body's start);
 *   arm64: ADRP page offsets and the low 12 bits of the ADD / load / store
 *     that use an ADRP register (until an instruction overwrites it), ADR,
 *     and branches, literal loads and conditional branches whose target
 *     lies outside the body.  Words capstone cannot decode (ARMv8.4+
 *     encodings such as LDAPUR, data in code) are masked the same way.
 * So bodies ILC emitted with identical bytes (equal map.xml Hash) always get
 * equal hashes; the converse need not hold.  Capstone does the decoding. */
#ifndef AZ_CODENORM_H
#define AZ_CODENORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../formats/image.h"

typedef struct az_codenorm az_codenorm;

/* NULL for architectures without a normalizer (or when capstone fails). */
az_codenorm *az_codenorm_new(az_arch arch);
void az_codenorm_free(az_codenorm *n);

typedef struct az_normbody {
    uint64_t hash;        /* of the whole normalized body (and its length) */
    uint32_t *seq;        /* one hash per instruction (malloc'ed; caller frees) */
    size_t nseq;
    size_t undecoded;     /* bytes capstone could not decode (hashed raw) */
} az_normbody;

/* Normalizes the body `bytes[0, len)` that is loaded at `addr`. */
void az_codenorm_body(az_codenorm *n, const uint8_t *bytes, size_t len, uint64_t addr, az_normbody *out);

/* The length of `bytes[0, len)` without the alignment filler a linker or
 * ILC's object writer put after a body whose symbol has no size (x86-64:
 * NOP and INT3 bytes; arm64: zero and NOP words).  A body that itself ends
 * in such bytes loses them too, equally for every copy of it, so equal
 * bodies stay equal. */
size_t az_code_trim_filler(az_arch arch, const uint8_t *bytes, size_t len);

/* Instruction-sequence similarity of two normalized bodies, in per mille:
 * 2 * (longest common subsequence) / (na + nb).  Values below min_permille
 * are not computed exactly (the search stops early) and come back as 0. */
unsigned az_seq_similarity(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, unsigned min_permille);

#endif
