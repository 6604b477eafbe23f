#include "codenorm.h"

#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/arena.h"

struct az_codenorm {
    csh handle;
    cs_insn *insn;
    az_arch arch;
};

az_codenorm *az_codenorm_new(az_arch arch)
{
    cs_arch ca;
    cs_mode mode;
    if (arch == AZ_ARCH_X64) {
        ca = CS_ARCH_X86;
        mode = CS_MODE_64;
    } else if (arch == AZ_ARCH_ARM64) {
        ca = CS_ARCH_ARM64;
        mode = CS_MODE_ARM;
    } else {
        return NULL;
    }
    az_codenorm *n = az_xcalloc(1, sizeof *n);
    n->arch = arch;
    if (cs_open(ca, mode, &n->handle) != CS_ERR_OK) {
        free(n);
        return NULL;
    }
    /* x86 needs the operand details (where displacements and immediates sit
     * in the encoding); arm64 fields are read from the instruction word. */
    if (arch == AZ_ARCH_X64)
        cs_option(n->handle, CS_OPT_DETAIL, CS_OPT_ON);
    n->insn = cs_malloc(n->handle);
    return n;
}

void az_codenorm_free(az_codenorm *n)
{
    if (!n)
        return;
    cs_free(n->insn, 1);
    cs_close(&n->handle);
    free(n);
}

/* FNV-1a over the (masked) instruction bytes plus one extra value. */
static uint32_t insn_hash(const uint8_t *b, size_t n, uint64_t extra)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    for (int i = 0; i < 8; i++)
        h = (h ^ (uint8_t)(extra >> (8 * i))) * 16777619u;
    return h;
}

static void zero(uint8_t *buf, size_t size, unsigned off, unsigned len)
{
    if (off && off < size && len <= size - off)
        memset(buf + off, 0, len);
}

/* One x86-64 instruction: masks relocatable fields, returns the extra value
 * (a jump's target offset inside the body, plus one; 0 otherwise). */
static uint64_t norm_x86(const cs_insn *in, uint8_t *buf, uint64_t start, uint64_t end)
{
    const cs_x86 *x = &in->detail->x86;
    uint64_t extra = 0;
    bool branch = false;
    for (uint8_t g = 0; g < in->detail->groups_count; g++)
        if (in->detail->groups[g] == CS_GRP_JUMP || in->detail->groups[g] == CS_GRP_CALL)
            branch = true;
    for (uint8_t i = 0; i < x->op_count; i++) {
        const cs_x86_op *op = &x->operands[i];
        if (op->type == X86_OP_MEM) {
            /* [rip+disp32]; or a 64-bit absolute moffs address */
            if (op->mem.base == X86_REG_RIP || x->encoding.disp_size == 8)
                zero(buf, in->size, x->encoding.disp_offset, x->encoding.disp_size);
        } else if (op->type == X86_OP_IMM && branch) {
            uint64_t target = (uint64_t)op->imm;
            zero(buf, in->size, x->encoding.imm_offset, x->encoding.imm_size);
            if (target >= start && target < end)
                extra = target - start + 1;
        }
    }
    if (x->encoding.imm_size == 8)
        zero(buf, in->size, x->encoding.imm_offset, 8); /* movabs: an absolute address */
    return extra;
}

static int64_t sext(uint64_t v, unsigned bits)
{
    uint64_t m = 1ull << (bits - 1);
    v &= (1ull << bits) - 1;
    return (int64_t)((v ^ m) - m);
}

/* One arm64 instruction word: masks relocatable fields.  *pages tracks the
 * registers an ADRP wrote (their ADD / load / store offsets are page
 * offsets of a symbol). */
static uint64_t norm_arm64(uint32_t *w, uint64_t pc, uint64_t start, uint64_t end, uint32_t *pages)
{
    uint32_t v = *w;
    uint64_t target = 0;
    uint32_t field = 0;
    if ((v & 0x9F000000u) == 0x90000000u) { /* ADRP */
        *pages |= 1u << (v & 31);
        *w = v & ~0x60FFFFE0u;
        return 0;
    }
    if ((v & 0x9F000000u) == 0x10000000u) { /* ADR */
        target = pc + (uint64_t)sext(((v >> 5) & 0x7FFFF) << 2 | ((v >> 29) & 3), 21);
        field = 0x60FFFFE0u;
    } else if ((v & 0x7F800000u) == 0x11000000u || (v & 0x3B000000u) == 0x39000000u) {
        /* ADD (immediate), LDR/STR (unsigned offset) */
        if (*pages & (1u << ((v >> 5) & 31)))
            *w = v & ~(0xFFFu << 10);
        /* ADD and loads write Rd / Rt: no longer a page (a later
         * "add x0, x0, #16" is a plain constant) */
        bool writes = (v & 0x7F800000u) == 0x11000000u || (v & 0x04400000u) == 0x00400000u;
        if (writes)
            *pages &= ~(1u << (v & 31));
        return 0;
    } else if ((v & 0x1C000000u) == 0x10000000u || (v & 0x0E000000u) == 0x0A000000u) {
        /* any other data-processing instruction writes Rd */
        *pages &= ~(1u << (v & 31));
        return 0;
    } else if ((v & 0x7C000000u) == 0x14000000u) { /* B, BL */
        target = pc + (uint64_t)(sext(v & 0x3FFFFFF, 26) * 4);
        field = 0x3FFFFFFu;
    } else if ((v & 0xFF000010u) == 0x54000000u || (v & 0x7E000000u) == 0x34000000u ||
               (v & 0x3B000000u) == 0x18000000u) { /* B.cond, CBZ/CBNZ, LDR (literal) */
        target = pc + (uint64_t)(sext((v >> 5) & 0x7FFFF, 19) * 4);
        field = 0x7FFFFu << 5;
    } else if ((v & 0x7E000000u) == 0x36000000u) { /* TBZ/TBNZ */
        target = pc + (uint64_t)(sext((v >> 5) & 0x3FFF, 14) * 4);
        field = 0x3FFFu << 5;
    } else {
        return 0;
    }
    *w = v & ~field;
    return target >= start && target < end ? target - start + 1 : 0;
}

void az_codenorm_body(az_codenorm *n, const uint8_t *bytes, size_t len, uint64_t addr, az_normbody *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = len / 3 + 4;
    out->seq = az_xmalloc(cap * sizeof *out->seq);
    uint64_t h = 0xcbf29ce484222325ull ^ len;
    const uint8_t *code = bytes;
    size_t size = len;
    uint64_t pc = addr, end = addr + len;
    uint32_t pages = 0;
    while (size > 0) {
        uint32_t ih;
        bool decoded = cs_disasm_iter(n->handle, &code, &size, &pc, n->insn);
        if (!decoded && n->arch == AZ_ARCH_ARM64 && size >= 4) {
            /* An instruction this capstone does not know (LDAPUR and other
             * ARMv8.4+ encodings): arm64 words are fixed-width and the
             * masking reads the word itself, so normalize it all the same
             * and stay aligned. */
            uint32_t w = (uint32_t)code[0] | (uint32_t)code[1] << 8 | (uint32_t)code[2] << 16 | (uint32_t)code[3] << 24;
            uint64_t extra = norm_arm64(&w, pc, addr, end, &pages);
            uint8_t buf[4] = { (uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24) };
            ih = insn_hash(buf, 4, extra);
            out->undecoded += 4;
            code += 4;
            size -= 4;
            pc += 4;
        } else if (!decoded) {
            /* Not an instruction: hash the byte as it is and go on. */
            ih = insn_hash(code, 1, 0xFFFF);
            out->undecoded++;
            code++;
            size--;
            pc++;
        } else {
            uint8_t buf[24];
            size_t isz = n->insn->size < sizeof buf ? n->insn->size : sizeof buf;
            memcpy(buf, n->insn->bytes, isz);
            uint64_t extra;
            if (n->arch == AZ_ARCH_X64) {
                extra = norm_x86(n->insn, buf, addr, end);
            } else {
                uint32_t w = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
                extra = norm_arm64(&w, n->insn->address, addr, end, &pages);
                for (int i = 0; i < 4; i++)
                    buf[i] = (uint8_t)(w >> (8 * i));
            }
            ih = insn_hash(buf, isz, extra);
        }
        if (out->nseq == cap) {
            cap *= 2;
            out->seq = realloc(out->seq, cap * sizeof *out->seq);
            if (!out->seq)
                abort();
        }
        out->seq[out->nseq++] = ih;
        h = (h ^ ih) * 0x100000001b3ull;
    }
    h ^= h >> 29;
    out->hash = h ? h : 1; /* 0 means "not hashed" to callers */
}

size_t az_code_trim_filler(az_arch arch, const uint8_t *bytes, size_t len)
{
    if (arch == AZ_ARCH_ARM64) {
        /* whole words of zeros (udf #0) or NOP */
        while (len >= 4 && len % 4 == 0) {
            const uint8_t *w = bytes + len - 4;
            uint32_t v = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
            if (v != 0 && v != 0xD503201Fu)
                break;
            len -= 4;
        }
        return len;
    }
    /* x86-64: NOP (ILC's ELF writer) and INT3 (PE linkers) */
    while (len > 0 && (bytes[len - 1] == 0x90 || bytes[len - 1] == 0xCC))
        len--;
    return len;
}

unsigned az_seq_similarity(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, unsigned min_permille)
{
    size_t total = na + nb;
    if (total == 0)
        return 1000;
    if (min_permille > 1000)
        min_permille = 1000;
    /* Myers' O((n+m)·D) greedy diff: D = insertions + deletions, and
     * similarity = (n + m - D) / (n + m).  Searching stops at the largest D
     * that still reaches min_permille. */
    size_t dmax = total * (1000 - min_permille) / 1000;
    size_t width = 2 * dmax + 3;
    long *v = az_xmalloc(width * sizeof *v);
    long off = (long)dmax + 1;
    v[off + 1] = 0;
    unsigned result = 0;
    for (long d = 0; d <= (long)dmax; d++) {
        for (long k = -d; k <= d; k += 2) {
            long x;
            if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
                x = v[off + k + 1];
            else
                x = v[off + k - 1] + 1;
            long y = x - k;
            while (x < (long)na && y < (long)nb && a[x] == b[y]) {
                x++;
                y++;
            }
            v[off + k] = x;
            if (x >= (long)na && y >= (long)nb) {
                result = (unsigned)((total - (size_t)d) * 1000 / total);
                goto done;
            }
        }
    }
done:
    free(v);
    return result;
}
