/* ILC (Native AOT) symbol demangler, plus C++ names of the native runtime.
 *
 * How an ILC symbol is built (nativeaot-format.md §1): a node prefix
 * ("__GCSTATICS", "_ZTV<len>", "unbox_" ...) followed by a mangled type or
 * method.  A mangled type is
 *     asm '_' [ns '_'] Name ('_' Nested)* ['<' arg ('__' arg)* '>']
 * with every '.', '+', '`', '<', '>' of the real names turned into '_', and a
 * method is  type '__' name ['_' overload] ['<' args '>'].
 *
 * The reading order below mirrors that: classify() decides the node kind
 * by prefix, then the payload is parsed as a type or method (parse_type,
 * parse_method); finish() copies the result into the caller's arena.
 * Where the underscores hide a boundary we decide it, in this order:
 *   1. structure: '<...>' groups, arity markers ("List_1"), '__' runs,
 *      and the shapes C# gives compiler-generated names ("<>c", "<Foo>d__3");
 *   2. knowledge: az_names' built-in framework types, assemblies and
 *      namespaces, plus whatever the caller registered;
 *   3. heuristics for unknown (app) assemblies and namespaces, which lower
 *      the confidence (see parse_named).
 *
 * Totality: every scan is bounded by the end pointer it was given, type
 * nesting is limited to MAX_DEPTH, the number of type parses per symbol to
 * MAX_TYPES, and names longer than MAX_PARSE_LEN are classified by prefix
 * only.  Work happens in fixed buffers on the stack (output strings are
 * truncated at their sizes) and the results are copied into the caller's
 * arena at the end.  Between calls only the memo kept in the az_names is
 * shared (see "memo" below): parts of names that repeat across symbols are
 * parsed once.  That makes az_demangle unsafe to call from several threads
 * with one az_names.
 *
 * Speed: a large binary has over 100,000 symbols, so the scans avoid
 * needless work: character classes come from a table, table probes stop as
 * soon as no longer name can match (az_names_probe), and several questions
 * asked of the same text are answered in one pass (find_cg_marks,
 * match_cg_c). */
#include "demangle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* From the C++ runtime (libstdc++ / libc++abi), linked with -lstdc++. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

enum {
    MAX_PARSE_LEN = 4096, /* longer names: prefix classification only (real ones stay under 1 KB) */
    MAX_CXX_LEN = 4096,   /* __cxa_demangle input limit */
    MAX_DEPTH = 32,       /* nesting of generic arguments and arrays (real names: at most 7);
                             with it the stack stays under ~150 KB for any input */
    MAX_TYPES = 512,      /* type parses per symbol */
    MAX_SEGS = 16,        /* nested type segments kept for rendering */
    MAX_ARGS = 32,        /* generic arguments kept for rendering */
};

/* ---- small text helpers ----------------------------------------------------- */

/* Character classes by table: the scanners below test every byte of every
 * name, and one load beats a chain of range compares. */
enum {
    CC_LOWER = 1, CC_UPPER = 2, CC_DIGIT = 4, CC_UNDERSCORE = 8, CC_HEXU = 16,
    CC_ALPHA = CC_LOWER | CC_UPPER,
    CC_ALNUM = CC_ALPHA | CC_DIGIT,
    CC_IDENT = CC_ALNUM | CC_UNDERSCORE,
    CC_NAME = 32, /* what ILC-mangled names are made of: CC_IDENT and '<', '>', ',' */
};
static const uint8_t char_class[256] = {
    ['0'] = CC_DIGIT | CC_HEXU | CC_NAME, ['1'] = CC_DIGIT | CC_HEXU | CC_NAME, ['2'] = CC_DIGIT | CC_HEXU | CC_NAME,
    ['3'] = CC_DIGIT | CC_HEXU | CC_NAME, ['4'] = CC_DIGIT | CC_HEXU | CC_NAME, ['5'] = CC_DIGIT | CC_HEXU | CC_NAME,
    ['6'] = CC_DIGIT | CC_HEXU | CC_NAME, ['7'] = CC_DIGIT | CC_HEXU | CC_NAME, ['8'] = CC_DIGIT | CC_HEXU | CC_NAME,
    ['9'] = CC_DIGIT | CC_HEXU | CC_NAME, ['A'] = CC_UPPER | CC_HEXU | CC_NAME, ['B'] = CC_UPPER | CC_HEXU | CC_NAME,
    ['C'] = CC_UPPER | CC_HEXU | CC_NAME, ['D'] = CC_UPPER | CC_HEXU | CC_NAME, ['E'] = CC_UPPER | CC_HEXU | CC_NAME,
    ['F'] = CC_UPPER | CC_HEXU | CC_NAME, ['G'] = CC_UPPER | CC_NAME, ['H'] = CC_UPPER | CC_NAME,
    ['I'] = CC_UPPER | CC_NAME, ['J'] = CC_UPPER | CC_NAME, ['K'] = CC_UPPER | CC_NAME, ['L'] = CC_UPPER | CC_NAME,
    ['M'] = CC_UPPER | CC_NAME, ['N'] = CC_UPPER | CC_NAME, ['O'] = CC_UPPER | CC_NAME, ['P'] = CC_UPPER | CC_NAME,
    ['Q'] = CC_UPPER | CC_NAME, ['R'] = CC_UPPER | CC_NAME, ['S'] = CC_UPPER | CC_NAME, ['T'] = CC_UPPER | CC_NAME,
    ['U'] = CC_UPPER | CC_NAME, ['V'] = CC_UPPER | CC_NAME, ['W'] = CC_UPPER | CC_NAME, ['X'] = CC_UPPER | CC_NAME,
    ['Y'] = CC_UPPER | CC_NAME, ['Z'] = CC_UPPER | CC_NAME, ['a'] = CC_LOWER | CC_NAME, ['b'] = CC_LOWER | CC_NAME,
    ['c'] = CC_LOWER | CC_NAME, ['d'] = CC_LOWER | CC_NAME, ['e'] = CC_LOWER | CC_NAME, ['f'] = CC_LOWER | CC_NAME,
    ['g'] = CC_LOWER | CC_NAME, ['h'] = CC_LOWER | CC_NAME, ['i'] = CC_LOWER | CC_NAME, ['j'] = CC_LOWER | CC_NAME,
    ['k'] = CC_LOWER | CC_NAME, ['l'] = CC_LOWER | CC_NAME, ['m'] = CC_LOWER | CC_NAME, ['n'] = CC_LOWER | CC_NAME,
    ['o'] = CC_LOWER | CC_NAME, ['p'] = CC_LOWER | CC_NAME, ['q'] = CC_LOWER | CC_NAME, ['r'] = CC_LOWER | CC_NAME,
    ['s'] = CC_LOWER | CC_NAME, ['t'] = CC_LOWER | CC_NAME, ['u'] = CC_LOWER | CC_NAME, ['v'] = CC_LOWER | CC_NAME,
    ['w'] = CC_LOWER | CC_NAME, ['x'] = CC_LOWER | CC_NAME, ['y'] = CC_LOWER | CC_NAME, ['z'] = CC_LOWER | CC_NAME,
    ['_'] = CC_UNDERSCORE | CC_NAME, ['<'] = CC_NAME, ['>'] = CC_NAME, [','] = CC_NAME,
};

static bool cc(char c, unsigned cls) { return (char_class[(uint8_t)c] & cls) != 0; }
static bool is_lower(char c) { return cc(c, CC_LOWER); }
static bool is_upper(char c) { return cc(c, CC_UPPER); }
static bool is_alpha(char c) { return cc(c, CC_ALPHA); }
static bool is_digit(char c) { return cc(c, CC_DIGIT); }
static bool is_alnum(char c) { return cc(c, CC_ALNUM); }
static bool is_ident(char c) { return cc(c, CC_IDENT); }
static bool is_hex_upper(char c) { return cc(c, CC_HEXU); }

static bool starts(const char *s, const char *e, const char *lit)
{
    if (s >= e || *s != lit[0])
        return false; /* the usual answer, without strlen */
    size_t n = strlen(lit);
    return (size_t)(e - s) >= n && memcmp(s, lit, n) == 0;
}

static bool ends(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(e - s) >= n && memcmp(e - n, lit, n) == 0;
}

static const char *find_lit(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    for (const char *q = s; q + n <= e; q++)
        if (*q == lit[0] && memcmp(q, lit, n) == 0)
            return q;
    return NULL;
}

static size_t run_of(const char *p, const char *e, char c)
{
    size_t n = 0;
    while (p + n < e && p[n] == c)
        n++;
    return n;
}

static size_t digits_at(const char *p, const char *e)
{
    size_t n = 0;
    while (p + n < e && is_digit(p[n]))
        n++;
    return n;
}

/* The '>' that closes the '<' just before p, or NULL (brackets nest). */
static const char *closing_angle(const char *p, const char *e)
{
    int d = 1;
    while (p < e) {
        const char *gt = memchr(p, '>', (size_t)(e - p));
        if (!gt)
            return NULL;
        for (const char *lt = memchr(p, '<', (size_t)(gt - p)); lt; lt = memchr(lt + 1, '<', (size_t)(gt - lt - 1)))
            d++;
        if (--d == 0)
            return gt;
        p = gt + 1;
    }
    return NULL;
}

/* FNV-1a, the same function as az_hash_bytes (names.c keys are hashed with
 * it), computed one byte at a time so every prefix costs one step. */
#define FNV_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
static uint64_t fnv_init(void)
{
    return FNV_BASIS;
}

static uint64_t fnv_step(uint64_t h, char c)
{
    return (h ^ (uint8_t)c) * FNV_PRIME;
}

/* Hash of a memo key (tag and bytes), eight bytes at a step: keys are whole
 * symbol payloads, hashed once per lookup.  Any hash works for the memo (it
 * compares keys in full); this one only needs to spread them. */
static uint64_t memo_hash(unsigned tag, const char *p, size_t n)
{
    const uint64_t k = 0x9e3779b97f4a7c15ull;
    uint64_t h = (tag + 1) * k ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * k;
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = (h ^ w) * k;
    }
    /* the products carry every byte into the high bits: fold them down */
    h ^= h >> 32;
    h *= k;
    return h ^ (h >> 29);
}

/* A bounded string builder over caller memory: appends past the capacity
 * are dropped, the text stays NUL-terminated. */
typedef struct strb {
    char *p;
    size_t len, cap;
} strb;

static void sb_init(strb *b, char *mem, size_t cap)
{
    b->p = mem;
    b->len = 0;
    b->cap = cap;
    mem[0] = 0;
}

static void sb_addn(strb *b, const char *s, size_t n)
{
    size_t room = b->cap - 1 - b->len;
    if (n > room)
        n = room;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sb_adds(strb *b, const char *s) { sb_addn(b, s, strlen(s)); }
static void sb_addc(strb *b, char c) { sb_addn(b, &c, 1); }

/* Appends v in decimal, as "%d" would (without printf's cost). */
static void sb_addi(strb *b, int v)
{
    char num[16];
    size_t i = sizeof num;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do {
        num[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        num[--i] = '-';
    sb_addn(b, num + i, sizeof num - i);
}

static const az_name_info *lookup(const az_names *n, az_names_table t, const char *s, size_t len, uint64_t h)
{
    return n ? az_names_find(n, t, s, len, h) : NULL;
}

/* lookup for scans that probe at each '_' of a name; *more is false when no
 * longer key can start with [s, s + len) '_' (az_names_probe), so the scan
 * can stop. */
static const az_name_info *probe(const az_names *n, az_names_table t, const char *s, size_t len, uint64_t h,
                                 bool *more)
{
    if (!n) {
        *more = false;
        return NULL;
    }
    return az_names_probe(n, t, s, len, h, more);
}

/* ---- well-known and synthetic types ----------------------------------------- */

/* CoreLib's primitive types get short mangled names (NativeAotNameMangler);
 * shown with their real .NET names. */
static const struct well_known {
    const char *mangled;
    size_t len; /* strlen(mangled) */
    const char *name;
    bool value_type;
} well_known[] = {
#define WK(m, n, v) { m, sizeof m - 1, n, v }
    WK("Bool", "Boolean", true),  WK("Char", "Char", true),       WK("Int8", "SByte", true),
    WK("UInt8", "Byte", true),    WK("Int16", "Int16", true),     WK("UInt16", "UInt16", true),
    WK("Int32", "Int32", true),   WK("UInt32", "UInt32", true),   WK("Int64", "Int64", true),
    WK("UInt64", "UInt64", true), WK("IntPtr", "IntPtr", true),   WK("UIntPtr", "UIntPtr", true),
    WK("Single", "Single", true), WK("Double", "Double", true),   WK("Object", "Object", false),
    WK("String", "String", false),
#undef WK
};

static const char CORELIB[] = "System.Private.CoreLib";
static const char COMPILER_GENERATED[] = "System.Private.CompilerGenerated";

/* Whether a type name may end at p: the end, a bracket or separator, or a
 * '__' run (method separator or next generic argument). */
static bool type_boundary(const char *p, const char *e)
{
    return p >= e || *p == '<' || *p == '>' || *p == ',' || *p == '@' || (p + 1 < e && p[0] == '_' && p[1] == '_');
}

/* ---- compiler-generated names ------------------------------------------------ */

/* Shapes C# gives compiler-generated types, as they look after sanitizing.
 * The matchers return the length of the name starting at p, or 0. */
enum shape {
    SHAPE_PLAIN = 0,    /* ordinary identifier (or display text from the type table) */
    SHAPE_CACHE,        /* <>c, <>O, <>c__DisplayClass5_0, <>c__105 */
    SHAPE_ANON,         /* <>f__AnonymousType0, <>z__ReadOnlyArray, <>y__InlineArray3 */
    SHAPE_STATEMACHINE, /* <Foo>d__3, <<Main>$>d__0 */
    SHAPE_METHODCACHE,  /* <Foo>O__1_0: delegate cache of a generic method */
    SHAPE_LOCALSM,      /* <<Foo>g__Bar|0_0>d: state machine of a local function or lambda */
    SHAPE_ANGLE,        /* <Module>, <PrivateImplementationDetails> */
    SHAPE_FILELOCAL,    /* <Program_cs>F1A2B...__Helper: file-local type */
    SHAPE_FIXEDBUF,     /* <buf>e__FixedBuffer */
    SHAPE_VERBATIM,     /* __StaticArrayInitTypeSize=10, __DisplayClass1 (older compilers) */
};

/* Finds lit inside the identifier starting at p, looking at most 256 bytes
 * ahead and never across a '__' that starts a new capitalised name (that is
 * where the next type or method begins), except the '__' of "_g__"/"_b__". */
static const char *find_in_name(const char *p, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    const char *lim = e - p > 256 ? p + 256 : e;
    for (const char *q = p; q < lim && is_ident(*q); q++) {
        if (*q == lit[0] && (size_t)(e - q) >= n && memcmp(q, lit, n) == 0)
            return q;
        if (q > p && q[0] == '_' && q + 2 < e && q[1] == '_' && is_upper(q[2]) &&
            !(q - p >= 2 && (q[-1] == 'g' || q[-1] == 'b') && q[-2] == '_'))
            return NULL;
    }
    return NULL;
}

/* The first "_d__", "_O__", "_F" and "_e__FixedBuffer" in the identifier at
 * p: find_in_name(p, e, lit) for the four of them, in one pass (all start with
 * '_', and they share the stopping rule). */
typedef struct cg_marks {
    const char *d, *o, *f, *fb;
} cg_marks;

static void find_cg_marks(const char *p, const char *e, cg_marks *m)
{
    m->d = m->o = m->f = m->fb = NULL;
    const char *lim = e - p > 256 ? p + 256 : e;
    for (const char *q = p; q < lim && is_ident(*q); q++) {
        if (*q != '_')
            continue; /* neither a match nor the stop can start here */
        size_t avail = (size_t)(e - q);
        if (!m->d && avail >= 4 && q[1] == 'd' && q[2] == '_' && q[3] == '_')
            m->d = q;
        if (!m->o && avail >= 4 && q[1] == 'O' && q[2] == '_' && q[3] == '_')
            m->o = q;
        if (!m->f && avail >= 2 && q[1] == 'F')
            m->f = q;
        if (!m->fb && avail >= 15 && memcmp(q, "_e__FixedBuffer", 15) == 0)
            m->fb = q;
        if (q > p && q + 2 < e && q[1] == '_' && is_upper(q[2]) &&
            !(q - p >= 2 && (q[-1] == 'g' || q[-1] == 'b') && q[-2] == '_'))
            return;
    }
}

static size_t match_cg_type(const char *p, const char *e, enum shape *shape)
{
    if (p >= e || *p != '_')
        return 0;
    size_t avail = (size_t)(e - p);

    /* <>c (lambda cache), <>O (delegate cache): "__c", "__c__DisplayClass5_0", "__c__105" */
    if (avail >= 3 && p[1] == '_' && (p[2] == 'c' || p[2] == 'O') && (avail == 3 || !is_alnum(p[3]))) {
        const char *q = p + 3;
        if (starts(q, e, "__DisplayClass") && q + 14 < e && is_digit(q[14])) {
            q += 14;
            q += digits_at(q, e);
            if (q + 1 < e && q[0] == '_' && is_digit(q[1]))
                q += 1 + digits_at(q + 1, e);
        } else if (q + 2 < e && q[0] == '_' && q[1] == '_' && is_digit(q[2])) {
            q += 2 + digits_at(q + 2, e);
        }
        *shape = SHAPE_CACHE;
        return (size_t)(q - p);
    }
    /* <>f__AnonymousType0, <>z__ReadOnlyArray, <>y__InlineArray3 */
    if (avail >= 6 && p[1] == '_' && (p[2] == 'f' || p[2] == 'z' || p[2] == 'y') && p[3] == '_' && p[4] == '_' &&
        is_alpha(p[5])) {
        const char *q = p + 5;
        while (q < e && is_alnum(*q))
            q++;
        *shape = SHAPE_ANON;
        return (size_t)(q - p);
    }
    /* <Module>, <PrivateImplementationDetails> */
    static const char *const angle[] = { "_Module_", "_PrivateImplementationDetails_" };
    for (size_t i = 0; i < sizeof angle / sizeof angle[0]; i++) {
        size_t n = strlen(angle[i]);
        if (starts(p, e, angle[i]) && (p + n >= e || !is_alnum(p[n]))) {
            *shape = SHAPE_ANGLE;
            return n;
        }
    }
    if (starts(p, e, "__StaticArrayInitTypeSize_") && p + 26 < e && is_digit(p[26])) {
        *shape = SHAPE_VERBATIM;
        return 26 + digits_at(p + 26, e);
    }
    if (starts(p, e, "__DisplayClass") && p + 14 < e && is_digit(p[14])) {
        const char *q = p + 14 + digits_at(p + 14, e);
        if (q + 1 < e && q[0] == '_' && is_digit(q[1]))
            q += 1 + digits_at(q + 1, e);
        *shape = SHAPE_VERBATIM;
        return (size_t)(q - p);
    }
    cg_marks marks;
    find_cg_marks(p + 1, e, &marks);
    /* <Foo>d__3 -> _Foo_d__3 (async/iterator state machine) */
    const char *d = marks.d;
    if (d && d > p + 1 && d + 4 < e && is_digit(d[4])) {
        const char *q = d + 4 + digits_at(d + 4, e);
        if (q >= e || !is_alnum(*q)) {
            *shape = SHAPE_STATEMACHINE;
            return (size_t)(q - p);
        }
    }
    /* <Foo>O__1_0 -> _Foo_O__1_0 */
    const char *o = marks.o;
    if (o && o > p + 1 && o + 4 < e && is_digit(o[4])) {
        const char *q = o + 4 + digits_at(o + 4, e);
        if (q + 1 < e && q[0] == '_' && is_digit(q[1]))
            q += 1 + digits_at(q + 1, e);
        if (q >= e || !is_alnum(*q)) {
            *shape = SHAPE_METHODCACHE;
            return (size_t)(q - p);
        }
    }
    /* <<Foo>g__Bar|0_0>d -> __Foo_g__Bar_0_0_d, <<Foo>b__0>d -> __Foo_b__0_d */
    if (avail > 2 && p[1] == '_' && is_alpha(p[2]) &&
        (find_in_name(p + 2, e, "_g__") || find_in_name(p + 2, e, "_b__"))) {
        const char *lim = e - p > 256 ? p + 256 : e;
        for (const char *q = p + 3; q + 1 < lim && is_ident(*q); q++) {
            if (q[0] == '_' && q[1] == 'd' && (q + 2 >= e || !is_alnum(q[2])) && is_digit(q[-1])) {
                *shape = SHAPE_LOCALSM;
                return (size_t)(q + 2 - p);
            }
        }
    }
    /* <Program_cs>F1A2B3...__Helper -> _Program_cs_F1A2B3...__Helper (file-local type) */
    const char *f = marks.f;
    if (f && f > p + 1) {
        const char *h = f + 2;
        size_t nhex = 0;
        while (h + nhex < e && is_hex_upper(h[nhex]))
            nhex++;
        const char *t = h + nhex;
        if (nhex >= 16 && t + 2 < e && t[0] == '_' && t[1] == '_' && is_alpha(t[2])) {
            t += 2;
            while (t < e && is_alnum(*t))
                t++;
            /* source generators number their types ("AlphaRouteRegex_0") */
            while (t + 1 < e && t[0] == '_' && is_digit(t[1])) {
                t++;
                while (t < e && is_digit(*t))
                    t++;
            }
            *shape = SHAPE_FILELOCAL;
            return (size_t)(t - p);
        }
    }
    /* <buf>e__FixedBuffer */
    const char *fb = marks.fb;
    if (fb && fb > p + 1 && (fb + 15 >= e || !is_alnum(fb[15]))) {
        *shape = SHAPE_FIXEDBUF;
        return (size_t)(fb + 15 - p);
    }
    return 0;
}

static void pretty_method(strb *b, const char *p, size_t n);

static bool all_alnum(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(p[i]))
            return false;
    return true;
}

/* A name inside angle brackets of a generated name: "_Main__" -> "<Main>$"
 * (C#'s <X>$ names), "_ctor" -> ".ctor", else the text as is. */
static void pretty_dollar(strb *b, const char *p, size_t n)
{
    if ((n == 5 && memcmp(p, "_ctor", 5) == 0) || (n == 6 && memcmp(p, "_cctor", 6) == 0)) {
        sb_addc(b, '.');
        sb_addn(b, p + 1, n - 1);
    } else if (n >= 4 && p[0] == '_' && p[n - 1] == '_' && p[n - 2] == '_' && is_alpha(p[1]) &&
               all_alnum(p + 1, n - 3)) {
        sb_addc(b, '<');
        sb_addn(b, p + 1, n - 3);
        sb_adds(b, ">$");
    } else {
        sb_addn(b, p, n);
    }
}

static void pretty_type_seg(strb *b, const char *p, size_t n, enum shape shape)
{
    const char *e = p + n;
    switch (shape) {
    case SHAPE_CACHE:
    case SHAPE_ANON: /* "__c__DisplayClass5_0" -> "<>c__DisplayClass5_0" */
        sb_adds(b, "<>");
        sb_addn(b, p + 2, n - 2);
        return;
    case SHAPE_ANGLE: /* "_Module_" -> "<Module>" */
        sb_addc(b, '<');
        sb_addn(b, p + 1, n - 2);
        sb_addc(b, '>');
        return;
    case SHAPE_STATEMACHINE: /* "_Foo_d__3" -> "<Foo>d__3" */
    case SHAPE_METHODCACHE: { /* "_Foo_O__1_0" -> "<Foo>O__1_0" */
        char k = shape == SHAPE_STATEMACHINE ? 'd' : 'O';
        const char *d = e - 4; /* the last "_d__" / "_O__" (the matcher guarantees one) */
        while (d > p && !(d[0] == '_' && d[1] == k && d[2] == '_' && d[3] == '_'))
            d--;
        sb_addc(b, '<');
        pretty_dollar(b, p + 1, (size_t)(d - p - 1));
        sb_addc(b, '>');
        sb_addn(b, d + 1, (size_t)(e - d - 1));
        return;
    }
    case SHAPE_LOCALSM: /* "__Foo_g__Bar_0_0_d" -> "<<Foo>g__Bar|0_0>d" */
        sb_addc(b, '<');
        pretty_method(b, p + 1, n - 3);
        sb_adds(b, ">d");
        return;
    case SHAPE_FILELOCAL: { /* "_Program_cs_F1A2...__Helper" -> "<Program_cs>F1A2...__Helper" */
        const char *f = find_in_name(p + 1, e, "_F");
        sb_addc(b, '<');
        sb_addn(b, p + 1, (size_t)(f - p - 1));
        sb_addc(b, '>');
        sb_addn(b, f + 1, (size_t)(e - f - 1));
        return;
    }
    case SHAPE_FIXEDBUF: /* "_buf_e__FixedBuffer" -> "<buf>e__FixedBuffer" */
        sb_addc(b, '<');
        sb_addn(b, p + 1, n - 16);
        sb_addc(b, '>');
        sb_addn(b, e - 14, 14);
        return;
    case SHAPE_VERBATIM:
        if (starts(p, e, "__StaticArrayInitTypeSize_")) {
            sb_adds(b, "__StaticArrayInitTypeSize=");
            sb_addn(b, p + 26, n - 26);
            return;
        }
        break;
    case SHAPE_PLAIN:
        break;
    }
    sb_addn(b, p, n);
}

/* Method names C# generates, made readable again (best effort; the
 * sanitizing itself cannot be undone):
 *   _ctor -> .ctor            _Main_b__0_0 -> <Main>b__0_0
 *   _Main__ -> <Main>$        _Foo_g__Bar_3_0 -> <Foo>g__Bar|3_0
 *   __m__Finally1 -> <>m__Finally1 */
static void pretty_method(strb *b, const char *p, size_t n)
{
    const char *e = p + n;
    if (n >= 5 && p[0] == '_' && p[1] == '_' && is_lower(p[2]) && p[3] == '_' && p[4] == '_') {
        sb_adds(b, "<>");
        sb_addn(b, p + 2, n - 2);
        return;
    }
    if (n >= 6 && p[0] == '_') {
        /* the first "_b__" / "_g__" after the opening '_' closes the angle bracket */
        const char *k = NULL;
        for (const char *q = p + 2; q + 4 <= e; q++) {
            if (q[0] == '_' && (q[1] == 'b' || q[1] == 'g') && q[2] == '_' && q[3] == '_') {
                k = q;
                break;
            }
        }
        if (k) {
            sb_addc(b, '<');
            pretty_dollar(b, p + 1, (size_t)(k - p - 1));
            sb_addc(b, '>');
            sb_addc(b, k[1]);
            sb_adds(b, "__");
            const char *rest = k + 4;
            if (k[1] == 'g') {
                /* "Bar_3_0": the '|' before the (one or two) trailing
                 * ordinals became '_' */
                const char *bar = NULL;
                const char *q = e;
                for (int groups = 0; groups < 2; groups++) {
                    const char *t = q;
                    while (t > rest && is_digit(t[-1]))
                        t--;
                    if (t == q || t <= rest || t[-1] != '_')
                        break;
                    bar = t - 1;
                    q = bar;
                }
                if (bar && bar > rest) {
                    sb_addn(b, rest, (size_t)(bar - rest));
                    sb_addc(b, '|');
                    sb_addn(b, bar + 1, (size_t)(e - bar - 1));
                    return;
                }
            }
            sb_addn(b, rest, (size_t)(e - rest));
            return;
        }
    }
    pretty_dollar(b, p, n);
}

/* ---- type parsing ------------------------------------------------------------- */

typedef struct dctx {
    const az_names *names;
    int types_left; /* MAX_TYPES budget */
    /* For memoized results (see "memo" below): */
    int max_depth;  /* deepest parse_type call so far */
    int limits_hit; /* parse_type calls refused by MAX_DEPTH or MAX_TYPES */
    bool no_memo;   /* compute everything (AZ_DEMANGLE_MEMO_VERIFY) */
    /* The last match_cg_type answer (match_cg_c): parse_prefix and
     * parse_chain ask the same question at the '__' after a type name. */
    const char *cg_p, *cg_e;
    size_t cg_n;
    enum shape cg_shape;
} dctx;

static size_t match_cg_c(dctx *c, const char *p, const char *e, enum shape *shape)
{
    if (p != c->cg_p || e != c->cg_e) {
        c->cg_shape = SHAPE_PLAIN;
        c->cg_n = match_cg_type(p, e, &c->cg_shape);
        c->cg_p = p;
        c->cg_e = e;
    }
    *shape = c->cg_shape;
    return c->cg_n;
}

/* What parse_type reports about one type.  For generic arguments ns and name
 * point to the same builder and the type is written "Namespace.Name". */
typedef struct tout {
    strb *ns;             /* namespace display ("" for none) */
    strb *name;           /* "List<Int32>", "Outer<Int32>+Inner<String>", "Int32[]" */
    strb *def;            /* generic definition "List`1"; NULL when not wanted */
    const char *assembly; /* display name; NULL if none */
    char asm_mem[160];    /* storage for an assembly name built from the symbol */
    bool value_type;      /* known struct, enum or primitive */
    bool canon;           /* System.__Canon */
    az_generic form;      /* from its own top-level generic arguments */
    uint8_t conf;
} tout;

typedef struct seg {
    const char *p;
    size_t n;
    int arity; /* generic parameters the segment declares ("_1", "`1"); 0 if none */
    enum shape shape;
} seg;

typedef struct chain {
    seg segs[MAX_SEGS];
    int nsegs;
    seg dropped; /* where segments past MAX_SEGS go: parsed, not rendered */
} chain;

static void lower_conf(tout *o, uint8_t c)
{
    if (o->conf > c)
        o->conf = c;
}

static seg *chain_push(chain *ch, const char *p, size_t n, enum shape shape)
{
    seg *s = ch->nsegs < MAX_SEGS ? &ch->segs[ch->nsegs++] : &ch->dropped;
    s->p = p;
    s->n = n;
    s->arity = 0;
    s->shape = shape;
    return s;
}

/* Segments from a type-table path: "Dictionary`2+Enumerator". */
static void chain_from_path(chain *ch, const char *path)
{
    const char *p = path;
    while (*p) {
        const char *q = p;
        while (*q && *q != '+' && *q != '`')
            q++;
        seg *s = chain_push(ch, p, (size_t)(q - p), SHAPE_PLAIN);
        if (*q == '`') {
            q++;
            int a = 0;
            while (is_digit(*q) && a < 10000)
                a = a * 10 + (*q++ - '0');
            s->arity = a;
            while (*q && *q != '+')
                q++;
        }
        p = *q == '+' ? q + 1 : q;
    }
}

/* Writes '_'-separated symbol text with '.' instead (a namespace or an
 * assembly whose real spelling is unknown). */
static void add_dotted(strb *b, const char *p, const char *e)
{
    for (; p < e; p++)
        sb_addc(b, *p == '_' ? '.' : *p);
}

static void set_assembly_guess(tout *o, const char *p, const char *e)
{
    strb b;
    sb_init(&b, o->asm_mem, sizeof o->asm_mem);
    if (starts(p, e, "S_P_") && e - p > 4) {
        sb_adds(&b, "System.Private.");
        p += 4;
    }
    add_dotted(&b, p, e);
    o->assembly = o->asm_mem;
}

/* Longest known namespace starting at p and followed by '_' and more text;
 * returns its end (the '_') or NULL. */
static const char *longest_namespace(const dctx *c, const char *p, const char *e, const az_name_info **info)
{
    if (!c->names)
        return NULL;
    const char *best = NULL;
    uint64_t h = fnv_init();
    int probes = 0;
    /* At most 64 probes in 160 characters (no namespace name is anywhere
     * near that long), and a '_' must be followed by more text. */
    size_t avail = (size_t)(e - p);
    const char *end = p + (avail > 160 ? 160 : avail ? avail - 1 : 0);
    const char *q = p;
    for (;;) {
        while (q < end && is_alnum(*q)) {
            h = fnv_step(h, *q);
            q++;
        }
        if (q >= end || *q != '_')
            break;
        if (q > p) {
            bool more;
            const az_name_info *ni = probe(c->names, AZ_NAMES_NAMESPACE, p, (size_t)(q - p), h, &more);
            if (ni) {
                best = q;
                *info = ni;
            }
            if (!more || ++probes == 64)
                break; /* no longer namespace starts like this */
        }
        h = fnv_step(h, '_');
        q++;
    }
    return best;
}

static const char *parse_type(dctx *c, const char *s, const char *e, tout *o, int depth);

/* Generic arguments after '<' at p: arg ('__' arg)* '>'.  Renders them as
 * "A, B" (each argument's span in start[]/end[]) and returns the position
 * after '>', or NULL when the list does not parse. */
typedef struct arglist {
    strb text;
    char mem[1536];
    size_t start[MAX_ARGS], end[MAX_ARGS];
    int n;
    bool any_value, any_arg;
    uint8_t conf;
} arglist;

static const char *parse_args_uncached(dctx *c, const char *p, const char *e, arglist *al, int depth)
{
    sb_init(&al->text, al->mem, sizeof al->mem);
    al->n = 0;
    al->any_value = al->any_arg = false;
    al->conf = 100;
    if (p < e && *p == '>')
        return p + 1;
    for (;;) {
        if (p >= e)
            return NULL;
        if (al->any_arg)
            sb_adds(&al->text, ", ");
        size_t start = al->text.len;
        tout a;
        memset(&a, 0, sizeof a);
        a.ns = a.name = &al->text;
        a.conf = 100;
        const char *q = parse_type(c, p, e, &a, depth + 1);
        if (!q || q == p)
            return NULL;
        if (al->n < MAX_ARGS) {
            al->start[al->n] = start;
            al->end[al->n] = al->text.len;
            al->n++;
        }
        al->any_arg = true;
        al->any_value |= a.value_type;
        if (al->conf > a.conf)
            al->conf = a.conf;
        p = q;
        if (p < e && *p == '>')
            return p + 1;
        if (!(p + 1 < e && p[0] == '_' && p[1] == '_'))
            return NULL;
        p += 2;
    }
}

/* ---- memo ----------------------------------------------------------------------
 *
 * Symbols repeat the same parts over and over: argument lists
 * ("<System___Canon__System___Canon>" in thousands of names), generic owner
 * types ("Dictionary_2<...>" of every method of an instantiation), and
 * whole payloads (a method and its _lsda0 / __ehinfo_ labels; a type's
 * MethodTable, statics and writable data).  Parsed results are therefore
 * kept in the az_names' memo (az_names_memo_get/put, bounded, emptied by
 * every az_names_add_*), under a tag and the exact text they were parsed
 * from:
 *   MEMO_ARGS        an argument list, from after its '<' to the matching '>'
 *   MEMO_TYPE        a generic type parsed into a result's empty builders,
 *                    up to the '>' closing its arguments (parse_type_memo)
 *   MEMO_METHOD,     a payload [s, e) parsed by parse_method or
 *   MEMO_WHOLE_TYPE  parse_whole_type into an empty result (parse_owner_memo)
 * Reuse is exact because a result depends only on
 *   - the bytes of the key: parsing a list or a generic type reads nothing
 *     past the closing '>' (scans stop at the first byte that is neither an
 *     identifier character nor inside a bracket group, and groups are
 *     matched); a payload's key is all of [s, e);
 *   - the names, which cannot change while the memo holds anything;
 *   - depth and budget: a result is kept only if no parse_type call inside
 *     it was refused by MAX_DEPTH or MAX_TYPES, together with the number of
 *     type parses it took and how deep it went below its own depth; it is
 *     reused only where the same parse would again stay within both limits,
 *     and then charges the same number of type parses;
 *   - the state of the output it is written to, which must be the same
 *     every time (empty builders of the same sizes for types and payloads;
 *     argument lists always start in a fresh arglist).
 * Build with -DAZ_DEMANGLE_MEMO_VERIFY to recompute every memoized step
 * without the memo (and from a copy of its key alone, so that AddressSanitizer
 * sees any read past it) and abort on any difference. */

enum { MEMO_ARGS = 1, MEMO_METHOD, MEMO_WHOLE_TYPE, MEMO_TYPE };

/* Runs before a computation whose result may be memoized; memo_end then
 * says what it took (see "depth and budget" above). */
typedef struct memo_mark {
    int outer_max, outer_hits, outer_left, depth;
} memo_mark;

static memo_mark memo_begin(dctx *c, int depth)
{
    memo_mark mk = { c->max_depth, c->limits_hit, c->types_left, depth };
    c->max_depth = depth;
    c->limits_hit = 0;
    return mk;
}

/* Whether the computation may be memoized; *types and *below get the type
 * parses it took and how deep it went. */
static bool memo_end(dctx *c, const memo_mark *mk, int *types, int *below)
{
    bool clean = c->limits_hit == 0;
    *types = mk->outer_left - c->types_left;
    *below = c->max_depth - mk->depth;
    if (c->max_depth < mk->outer_max)
        c->max_depth = mk->outer_max;
    c->limits_hit += mk->outer_hits;
    return clean && *below <= 255;
}

/* Whether a memoized computation can be reused here; if so charges it. */
static bool memo_reuse(dctx *c, int types, int below, int depth)
{
    if (c->types_left < types || depth + below > MAX_DEPTH)
        return false;
    c->types_left -= types;
    if (depth + below > c->max_depth)
        c->max_depth = depth + below;
    return true;
}

/* What a memoized argument list holds: this header, start[n], end[n], text. */
typedef struct args_memo {
    uint16_t text_len, n;
    uint16_t types; /* parse_type calls it took */
    uint8_t depth;  /* deepest parse_type call, below the list's own depth */
    uint8_t conf;
    bool any_value, any_arg;
} args_memo;

static const char *parse_args_memo(dctx *c, const char *p, const char *e, arglist *al, int depth)
{
    const char *m = c->names ? closing_angle(p, e) : NULL; /* the key ends there */
    if (!m)
        return parse_args_uncached(c, p, e, al, depth);
    size_t key_len = (size_t)(m + 1 - p);
    uint64_t h = memo_hash(MEMO_ARGS, p, key_len);
    size_t vlen = 0;
    const uint8_t *v = az_names_memo_get(c->names, MEMO_ARGS, p, key_len, h, &vlen);
    if (v) {
        args_memo hd;
        memcpy(&hd, v, sizeof hd);
        if (memo_reuse(c, hd.types, hd.depth, depth)) {
            const uint8_t *q = v + sizeof hd;
            memcpy(al->start, q, hd.n * sizeof al->start[0]);
            q += hd.n * sizeof al->start[0];
            memcpy(al->end, q, hd.n * sizeof al->end[0]);
            q += hd.n * sizeof al->end[0];
            sb_init(&al->text, al->mem, sizeof al->mem);
            sb_addn(&al->text, (const char *)q, hd.text_len);
            al->n = hd.n;
            al->any_value = hd.any_value;
            al->any_arg = hd.any_arg;
            al->conf = hd.conf;
            return m + 1;
        }
    }
    memo_mark mk = memo_begin(c, depth);
    const char *r = parse_args_uncached(c, p, e, al, depth);
    int types, below;
    if (memo_end(c, &mk, &types, &below) && !v && r == m + 1) {
        args_memo hd = { (uint16_t)al->text.len, (uint16_t)al->n, (uint16_t)types, (uint8_t)below,
                         al->conf, al->any_value, al->any_arg };
        az_memo_part parts[] = { { &hd, sizeof hd },
                                 { al->start, hd.n * sizeof al->start[0] },
                                 { al->end, hd.n * sizeof al->end[0] },
                                 { al->text.p, al->text.len } };
        az_names_memo_put(c->names, MEMO_ARGS, p, key_len, h, parts, sizeof parts / sizeof parts[0]);
    }
    return r;
}

#ifdef AZ_DEMANGLE_MEMO_VERIFY
static bool same_arglist(const arglist *a, const arglist *b)
{
    size_t n = (size_t)(a->n < MAX_ARGS ? a->n : MAX_ARGS);
    return a->n == b->n && a->conf == b->conf && a->any_value == b->any_value && a->any_arg == b->any_arg &&
           a->text.len == b->text.len && memcmp(a->text.p, b->text.p, a->text.len) == 0 &&
           memcmp(a->start, b->start, n * sizeof a->start[0]) == 0 &&
           memcmp(a->end, b->end, n * sizeof a->end[0]) == 0;
}
#endif

static const char *parse_args(dctx *c, const char *p, const char *e, arglist *al, int depth)
{
#ifndef AZ_DEMANGLE_MEMO_VERIFY
    return parse_args_memo(c, p, e, al, depth);
#else
    if (c->no_memo)
        return parse_args_uncached(c, p, e, al, depth);
    const char *m = p; /* the matching '>', found independently of closing_angle */
    for (int d = 1; m < e; m++)
        if (*m == '<')
            d++;
        else if (*m == '>' && --d == 0)
            break;
    dctx c0 = *c, c1 = *c;
    c0.no_memo = c1.no_memo = true;
    c0.cg_p = c1.cg_p = NULL;
    const char *q = parse_args_memo(c, p, e, al, depth);
    /* the same without the memo ... */
    arglist *ref = malloc(sizeof *ref);
    const char *q0 = parse_args_uncached(&c0, p, e, ref, depth);
    bool same = q == q0 && c0.types_left == c->types_left && same_arglist(ref, al);
    /* ... and from a copy that ends after the matching '>' */
    if (same && m < e && q == m + 1) {
        size_t len = (size_t)(m + 1 - p);
        char *copy = malloc(len);
        memcpy(copy, p, len);
        const char *q1 = parse_args_uncached(&c1, copy, copy + len, ref, depth);
        same = q1 == copy + len && c1.types_left == c->types_left && same_arglist(ref, al);
        free(copy);
    }
    free(ref);
    if (!same) {
        fprintf(stderr, "demangle argument memo mismatch at %.*s\n", (int)(e - p), p);
        abort();
    }
    return q;
#endif
}

/* Skips a '<...>' group the argument parser could not read, keeping the raw
 * text; returns the position after the matching '>' (or e). */
static const char *raw_group(const char *p, const char *e, strb *out)
{
    int depth = 0;
    const char *q = p;
    for (; q < e; q++) {
        if (*q == '<')
            depth++;
        else if (*q == '>' && --depth == 0) {
            q++;
            break;
        }
    }
    sb_addn(out, p, (size_t)(q - p));
    return q;
}

/* Renders the nested segments with their generic arguments:
 * "Outer<Int32>+Inner<String>" (args given), "Outer`1+Inner`1" (def). */
static void render_chain(strb *b, const chain *ch, const arglist *al, bool def_form)
{
    int total = 0;
    for (int i = 0; i < ch->nsegs; i++)
        total += ch->segs[i].arity;
    bool have_args = al && al->any_arg && !def_form;
    bool spread = have_args && total == al->n;
    int k = 0;
    for (int i = 0; i < ch->nsegs; i++) {
        const seg *s = &ch->segs[i];
        if (i > 0)
            sb_addc(b, '+');
        pretty_type_seg(b, s->p, s->n, s->shape);
        if (!have_args) {
            if (s->arity > 0) {
                sb_addc(b, '`');
                sb_addi(b, s->arity);
            }
        } else if (spread && s->arity > 0) {
            sb_addc(b, '<');
            for (int j = 0; j < s->arity; j++, k++) {
                if (j > 0)
                    sb_adds(b, ", ");
                sb_addn(b, al->text.p + al->start[k], al->end[k] - al->start[k]);
            }
            sb_addc(b, '>');
        } else if (!spread && i == ch->nsegs - 1) {
            sb_addc(b, '<');
            sb_addn(b, al->text.p, al->text.len);
            sb_addc(b, '>');
        }
    }
}

/* The chain of nested type segments after the first one: arity markers
 * ("_1"), '_'-joined nested types and compiler-generated nested types.
 * Returns where the chain stops (a '__' run that is not a nested type, '<',
 * or anything else). */
static const char *parse_chain(dctx *c, const char *p, const char *e, chain *ch, tout *o, uint8_t nested_guess_conf)
{
    while (p < e && *p == '_' && ch->nsegs > 0) {
        seg *cur = &ch->segs[ch->nsegs - 1];
        size_t run = run_of(p, e, '_');
        if (run == 1 && p + 1 < e && is_digit(p[1])) {
            /* "_2": arity of the current segment, if it is followed by a boundary */
            size_t nd = digits_at(p + 1, e);
            const char *q = p + 1 + nd;
            if (cur->arity || nd > 4 || !(q >= e || !is_alnum(*q)))
                break;
            int a = 0;
            for (size_t i = 0; i < nd; i++)
                a = a * 10 + (p[1 + i] - '0');
            cur->arity = a;
            p = q;
            continue;
        }
        if (run == 1 && p + 1 < e && is_alpha(p[1])) {
            /* "_Inner": a nested type, unless the name itself had a '_'.  After
             * an arity marker it can only be nesting; otherwise it is a guess. */
            const char *q = p + 1;
            while (q < e && is_alnum(*q))
                q++;
            if (!cur->arity)
                lower_conf(o, nested_guess_conf);
            chain_push(ch, p + 1, (size_t)(q - p - 1), SHAPE_PLAIN);
            p = q;
            continue;
        }
        if (run >= 2) {
            enum shape shape;
            size_t n = match_cg_c(c, p + 1, e, &shape);
            if (n > 0) {
                chain_push(ch, p + 1, n, shape);
                p = p + 1 + n;
                continue;
            }
        }
        break;
    }
    return p;
}

/* The first segment of a type (right after its namespace, or after the
 * assembly for the global namespace): a compiler-generated top-level type or
 * an identifier. */
static const char *first_segment(dctx *c, const char *p, const char *e, chain *ch)
{
    enum shape shape;
    size_t n = match_cg_c(c, p, e, &shape);
    if (n > 0) {
        chain_push(ch, p, n, shape);
        return p + n;
    }
    const char *q = p;
    while (q < e && is_alnum(*q))
        q++;
    chain_push(ch, p, (size_t)(q - p), SHAPE_PLAIN);
    return q;
}

/* Namespace and first type segment when the namespace is not known: the
 * type is the last of the '_'-separated identifiers before the first thing
 * that cannot be part of a namespace ('__', an arity marker, '<', the end);
 * the ones before it are taken as the namespace (at guess_conf).  Nested
 * types that are not generic or compiler-generated therefore end up in the
 * namespace. */
static const char *guess_namespace(dctx *c, const char *p, const char *e, chain *ch, tout *o, uint8_t guess_conf)
{
    /* Right after the assembly, a compiler-generated type (<Module>,
     * <PrivateImplementationDetails>) or a lone identifier is in the global
     * namespace: nothing to guess. */
    if (p < e && *p == '_')
        return first_segment(c, p, e, ch);
    const char *tok = p;
    for (;;) {
        const char *end = tok;
        while (end < e && is_alnum(*end))
            end++;
        if (end + 1 < e && end[0] == '_' && is_alpha(end[1])) {
            tok = end + 1;
            continue;
        }
        /* A file-local type ("Ns_Generated__File_cs_F1A2...__Name") starts after a '__'. */
        enum shape shape;
        size_t n;
        if (end + 1 < e && end[0] == '_' && end[1] == '_' && (n = match_cg_c(c, end + 1, e, &shape)) > 0 &&
            shape == SHAPE_FILELOCAL) {
            add_dotted(o->ns, p, end);
            lower_conf(o, guess_conf);
            chain_push(ch, end + 1, n, shape);
            return end + 1 + n;
        }
        if (tok > p) {
            add_dotted(o->ns, p, tok - 1);
            lower_conf(o, guess_conf);
        }
        chain_push(ch, tok, (size_t)(end - tok), SHAPE_PLAIN);
        return end;
    }
}

/* Whether the caller registered the mangled text [p, q) as a value type
 * (built-in framework value types are known from their TYPE table entry). */
static bool registered_value_type(const dctx *c, const char *p, const char *q)
{
    size_t n = q > p ? (size_t)(q - p) : 0;
    return n > 0 && lookup(c->names, AZ_NAMES_VALUE_TYPE, p, n, az_hash_bytes(p, n)) != NULL;
}

/* The end of the assembly prefix of s when no known assembly matches,
 * tried in this order:
 *   1. a prefix that repeats: apps usually name their root namespace after
 *      the assembly ("WebApi_Sample_WebApi_Sample_Todo");
 *   2. the part before a global-namespace type only compilers create
 *      ("WebApi_Sample__Module_", "App___f__AnonymousType0"): certain;
 *   3. the part before a known namespace ("MyApp_System_Text_Json_...");
 *   4. the first identifier.
 * Assembly names contain no '__', so no candidate goes past one.  Sets
 * *conf, and *ns_end / *ns_info when (3) found the namespace; returns NULL
 * when s does not start like a mangled name at all. */
static const char *guess_assembly(const dctx *c, const char *s, const char *e, const char **ns_end,
                                  const az_name_info **ns_info, uint8_t *conf)
{
    const char *lim = e - s > 256 ? s + 256 : e;
    const char *first_run = s;
    while (first_run + 1 < lim && !(first_run[0] == '_' && first_run[1] == '_') && is_ident(*first_run))
        first_run++;
    const char *end = NULL;
    for (const char *u = s + 1; u < first_run; u++) {
        size_t n = (size_t)(u - s);
        if (*u == '_' && u + 1 + n < e && memcmp(u + 1, s, n) == 0 && u[1 + n] == '_')
            end = u; /* the longest repeat */
    }
    if (end) {
        *conf = 60;
        return end;
    }
    enum shape shape;
    if (first_run > s && first_run + 1 < e && first_run[0] == '_' && first_run[1] == '_' &&
        match_cg_type(first_run + 1, e, &shape) && (shape == SHAPE_ANGLE || shape == SHAPE_ANON)) {
        *conf = 80; /* the boundary is certain; only the '.'s in the name are guessed */
        return first_run;
    }
    for (const char *u = s + 1; u < first_run; u++) {
        if (*u != '_' || !is_alpha(u[1]))
            continue;
        const az_name_info *ni = NULL;
        const char *ne = longest_namespace(c, u + 1, e, &ni);
        if (ne) {
            *ns_end = ne;
            *ns_info = ni;
            *conf = 70;
            return u;
        }
    }
    end = s;
    if (starts(s, e, "S_P_"))
        end = s + 4;
    while (end < e && is_alnum(*end))
        end++;
    if (end == s || end >= e || *end != '_')
        return NULL;
    *conf = 60;
    return end;
}

/* Well-known CoreLib types (short mangled names of their own) and the
 * synthetic System.__Canon.  Returns the end of the name, or NULL. */
static const char *parse_special_name(const char *s, const char *e, tout *o, bool alias)
{
    const char *name = NULL, *end = NULL;
    /* The shortest is "Bool", and all of them start with four letters or
     * digits (so "S_P_..." is none of them). */
    if (e - s >= 4 && is_alnum(s[1]) && is_alnum(s[2]) && is_alnum(s[3])) {
        for (size_t i = 0; i < sizeof well_known / sizeof well_known[0] && !name; i++) {
            const char *w = well_known[i].mangled;
            size_t n = well_known[i].len;
            if (w[0] == s[0] && (size_t)(e - s) >= n && memcmp(s, w, n) == 0 && type_boundary(s + n, e)) {
                name = well_known[i].name;
                end = s + n;
                o->value_type = well_known[i].value_type;
            }
        }
    }
    /* Synthetic types take the namespace-only path (no assembly prefix). */
    static const char *const canons[] = { "System___Canon", "System___UniversalCanon" };
    bool system = e - s >= 9 && memcmp(s, "System___", 9) == 0; /* how both start */
    for (size_t i = 0; i < 2 && !name && system; i++) {
        size_t n = i == 0 ? sizeof "System___Canon" - 1 : sizeof "System___UniversalCanon" - 1;
        if ((size_t)(e - s) >= n && memcmp(s, canons[i], n) == 0 && type_boundary(s + n, e)) {
            name = canons[i] + 7; /* "__Canon" */
            end = s + n;
            o->canon = true;
        }
    }
    if (!name)
        return NULL;
    if (!alias)
        sb_adds(o->ns, "System");
    sb_adds(o->name, name);
    if (o->def)
        sb_adds(o->def, name);
    o->assembly = CORELIB;
    return end;
}

/* Assembly, namespace and first type segment of an ECMA type at s, into o
 * and ch; returns where the first segment ends (NULL: not a type at all).
 * *nested_guess is the confidence of a '_'-joined nested type found later. */
static const char *parse_prefix(dctx *c, const char *s, const char *e, tout *o, chain *ch, uint8_t *nested_guess)
{
    if (starts(s, e, "Internal_CompilerGenerated_")) {
        /* ILC's own types (startup <Module>, reflection invoke stubs) live in
         * namespace Internal.CompilerGenerated of a pseudo-assembly. */
        o->assembly = COMPILER_GENERATED;
        sb_adds(o->ns, "Internal.CompilerGenerated");
        return first_segment(c, s + 27, e, ch);
    }

    /* One pass over the identifier: every '_' ends a candidate assembly or
     * built-in type name. */
    const az_name_info *type_hit = NULL;
    const char *type_end = NULL;
    struct {
        const char *end;
        const az_name_info *info;
    } asms[8];
    int nasm = 0;
    uint64_t h = fnv_init();
    const char *q = s;
    /* Each table is probed until no longer key of it can match (its "more"
     * is false); when neither can, the scan stops. */
    bool type_more = true, asm_more = true;
    int probes = 0;
    for (;;) {
        while (q < e && is_alnum(*q)) {
            h = fnv_step(h, *q);
            q++;
        }
        if (q >= e || *q != '_')
            break; /* the end of the identifier */
        if (q > s) {
            if (type_more) {
                const az_name_info *ti = probe(c->names, AZ_NAMES_TYPE, s, (size_t)(q - s), h, &type_more);
                if (ti) {
                    type_hit = ti;
                    type_end = q;
                }
            }
            if (asm_more) {
                const az_name_info *ai = probe(c->names, AZ_NAMES_ASSEMBLY, s, (size_t)(q - s), h, &asm_more);
                if (ai && nasm < 8) {
                    asms[nasm].end = q;
                    asms[nasm].info = ai;
                    nasm++;
                }
            }
            if (!type_more && !asm_more)
                break;
            if (++probes == 96) {
                /* at most 96 probes; the scan ends after this '_' */
                h = fnv_step(h, '_');
                q++;
                break;
            }
        }
        h = fnv_step(h, '_');
        q++;
    }
    /* (once no longer type name can match, the whole identifier is none either) */
    if (type_more && q > s && (q >= e || !is_ident(*q))) {
        bool more;
        const az_name_info *ti = probe(c->names, AZ_NAMES_TYPE, s, (size_t)(q - s), h, &more);
        if (ti) {
            type_hit = ti;
            type_end = q;
        }
    }
    if (type_hit) {
        /* A framework type known by its whole mangled name: exact. */
        o->assembly = type_hit->assembly;
        sb_adds(o->ns, type_hit->ns);
        chain_from_path(ch, type_hit->display);
        o->value_type = type_hit->value_type;
        *nested_guess = 70; /* its real nested types would be in the table too */
        return type_end;
    }

    /* Assembly: the longest known prefix, preferring one after which a known
     * namespace follows; else a guess. */
    int pick = -1;
    const az_name_info *ns_info = NULL;
    const char *ns_end = NULL;
    for (int i = nasm - 1; i >= 0 && pick < 0; i--) {
        const az_name_info *ni = NULL;
        const char *ne = longest_namespace(c, asms[i].end + 1, e, &ni);
        if (ne) {
            pick = i;
            ns_info = ni;
            ns_end = ne;
        }
    }
    if (pick < 0 && nasm > 0)
        pick = nasm - 1;
    const char *asm_end;
    bool asm_known = pick >= 0;
    if (asm_known) {
        asm_end = asms[pick].end;
        o->assembly = asms[pick].info->display;
    } else {
        uint8_t guess_conf;
        asm_end = guess_assembly(c, s, e, &ns_end, &ns_info, &guess_conf);
        if (!asm_end)
            return NULL;
        set_assembly_guess(o, s, asm_end);
        lower_conf(o, guess_conf);
    }

    /* Namespace: the longest known one, else a guess. */
    const char *rest = asm_end + 1;
    if (!ns_end) {
        const az_name_info *ni = NULL;
        ns_end = longest_namespace(c, rest, e, &ni);
        ns_info = ni;
    }
    if (!ns_end)
        return guess_namespace(c, rest, e, ch, o, asm_known ? 70 : 60);
    sb_adds(o->ns, ns_info->display);
    const char *p = ns_end + 1;
    /* A file-local type may sit in a sub-namespace we do not know
     * ("..._Http_Generated__<file>F<hash>__Name"). */
    const char *t = p;
    while (t < e && is_alnum(*t))
        t++;
    enum shape shape;
    size_t n;
    if (t > p && t + 1 < e && t[0] == '_' && t[1] == '_' && (n = match_cg_c(c, t + 1, e, &shape)) > 0 &&
        shape == SHAPE_FILELOCAL) {
        sb_addc(o->ns, '.');
        add_dotted(o->ns, p, t);
        chain_push(ch, t + 1, n, shape);
        lower_conf(o, 90);
        return t + 1 + n;
    }
    return first_segment(c, p, e, ch);
}

/* An ECMA, well-known or synthetic type, with its generic arguments. */
static const char *parse_named(dctx *c, const char *s, const char *e, tout *o, int depth)
{
    bool alias = o->ns == o->name; /* rendering a generic argument as "Ns.Name" */
    size_t ns_mark = o->ns->len;

    const char *p = parse_special_name(s, e, o, alias);
    if (p)
        return p;

    chain ch;
    ch.nsegs = 0;
    uint8_t nested_guess = 80;
    p = parse_prefix(c, s, e, o, &ch, &nested_guess);
    if (!p) {
        /* Not the shape of an ECMA type: keep the identifier as the name. */
        p = s;
        while (p < e && is_ident(*p))
            p++;
        sb_addn(o->name, s, (size_t)(p - s));
        if (o->def)
            sb_addn(o->def, s, (size_t)(p - s));
        lower_conf(o, 20);
        return p;
    }
    if (alias && o->ns->len > ns_mark)
        sb_addc(o->name, '.');

    int known_segs = ch.nsegs;
    p = parse_chain(c, p, e, &ch, o, nested_guess);
    if (ch.nsegs != known_segs)
        o->value_type = false; /* a nested type of a known type: not known itself */
    const char *def_end = p;

    /* Generic arguments (not the <ByRef>/<Pointer> modifiers). */
    arglist al;
    bool have_args = false;
    if (p < e && *p == '<' && !starts(p, e, "<ByRef>") && !starts(p, e, "<Pointer>")) {
        const char *q = parse_args(c, p + 1, e, &al, depth);
        if (!q) {
            /* Unreadable arguments: keep them raw. */
            render_chain(o->name, &ch, NULL, false);
            p = raw_group(p, e, o->name);
            if (o->def)
                render_chain(o->def, &ch, NULL, true);
            lower_conf(o, 40);
            return p;
        }
        have_args = true;
        p = q;
        o->form = !al.any_arg ? AZ_GENERIC_NONE : al.any_value ? AZ_GENERIC_SPECIALIZED : AZ_GENERIC_CANONICAL;
        if (al.conf < 100)
            lower_conf(o, al.conf < 60 ? 80 : 90); /* the owner is right; an argument was guessed */
    }
    render_chain(o->name, &ch, have_args ? &al : NULL, false);
    if (o->def)
        render_chain(o->def, &ch, NULL, true);

    /* Only generic arguments need to know (for the canonical/specialized split). */
    if (alias && !o->value_type)
        o->value_type = registered_value_type(c, s, p) || (def_end < p && registered_value_type(c, s, def_end));
    return p;
}

/* Any mangled type: arrays, function pointers, named types, then <ByRef> /
 * <Pointer> modifiers.  Returns where the type ends (<= e). */
static const char *parse_type_uncached(dctx *c, const char *s, const char *e, tout *o, int depth)
{
    if (depth > c->max_depth)
        c->max_depth = depth;
    if (depth > MAX_DEPTH || c->types_left <= 0 || s >= e) {
        if (s < e)
            c->limits_hit++;
        lower_conf(o, 0);
        return NULL;
    }
    c->types_left--;
    const char *p;
    if (starts(s, e, "__Array<") || starts(s, e, "__MDArray<")) {
        bool md = s[2] == 'M';
        p = parse_type(c, s + (md ? 10 : 8), e, o, depth + 1);
        if (!p)
            return NULL;
        int rank = 1;
        if (md) {
            if (p >= e || *p != ',')
                return NULL;
            size_t nd = digits_at(p + 1, e);
            rank = 0;
            for (size_t i = 0; i < nd && i < 3; i++)
                rank = rank * 10 + (p[1 + i] - '0');
            p += 1 + nd;
        }
        if (p >= e || *p != '>')
            return NULL;
        p++;
        sb_addc(o->name, '[');
        for (int i = 1; i < rank && i < 32; i++)
            sb_addc(o->name, ',');
        sb_addc(o->name, ']');
        o->value_type = false;
        o->form = o->canon ? AZ_GENERIC_CANONICAL : o->form;
        o->canon = false;
        if (o->def) {
            o->def->len = 0;
            sb_addn(o->def, o->name->p, o->name->len);
        }
    } else if (starts(s, e, "__FnPtr_")) {
        /* __FnPtr_<flags>'<' return '<' params '>' '>' -> delegate*<params, return>.
         * The return type may itself be generic, so the parameter list is
         * found as the last group before the closing '>'. */
        p = s + 8;
        while (p < e && is_hex_upper(*p))
            p++;
        if (p >= e || *p != '<')
            return NULL;
        const char *open = p;
        int d = 0;
        const char *close = NULL;
        for (const char *q = open; q < e; q++) {
            if (*q == '<')
                d++;
            else if (*q == '>' && --d == 0) {
                close = q;
                break;
            }
        }
        if (!close || close[-1] != '>')
            return NULL;
        const char *params_open = NULL;
        d = 0;
        for (const char *q = close - 1; q > open; q--) {
            if (*q == '>')
                d++;
            else if (*q == '<' && --d == 0) {
                params_open = q;
                break;
            }
        }
        if (!params_open || params_open == open + 1)
            return NULL;
        strb ret;
        char ret_mem[512];
        sb_init(&ret, ret_mem, sizeof ret_mem);
        tout r;
        memset(&r, 0, sizeof r);
        r.ns = r.name = &ret;
        r.conf = 100;
        if (parse_type(c, open + 1, params_open, &r, depth + 1) != params_open)
            return NULL;
        arglist params;
        if (parse_args(c, params_open + 1, close, &params, depth) != close)
            return NULL;
        sb_adds(o->name, "delegate*<");
        if (params.text.len) {
            sb_addn(o->name, params.text.p, params.text.len);
            sb_adds(o->name, ", ");
        }
        sb_addn(o->name, ret.p, ret.len);
        sb_addc(o->name, '>');
        if (o->def)
            sb_addn(o->def, o->name->p, o->name->len);
        o->value_type = false;
        p = close + 1;
    } else {
        p = parse_named(c, s, e, o, depth);
        if (!p)
            return NULL;
    }
    for (;;) {
        if (starts(p, e, "<ByRef>")) {
            sb_addc(o->name, '&');
            p += 7;
        } else if (starts(p, e, "<Pointer>")) {
            sb_addc(o->name, '*');
            p += 9;
        } else {
            break;
        }
        o->value_type = false;
        if (o->def) {
            o->def->len = 0;
            sb_addn(o->def, o->name->p, o->name->len);
        }
    }
    return p;
}

/* ---- one symbol's result ------------------------------------------------------ */

/* Everything az_demangle works on for one symbol, on the stack; copied into
 * the caller's arena at the end (finish). */
typedef struct result {
    az_kind kind;
    bool managed;
    const char *label; /* "[MethodTable]"-style prefix of the display, or NULL */
    bool has_type, has_method, boxed;
    bool stub_name; /* the method part was an IL stub's "<Prefix>flags<signature>" */
    int overload;
    az_generic generic;
    uint8_t conf;
    tout t; /* owner type: assembly, namespace, name, definition */
    strb ns, type, def, method, inst, extra, display;
    char ns_mem[512], type_mem[2048], def_mem[1024], method_mem[1024], inst_mem[2048], extra_mem[1024];
    char display_mem[4096];
} result;

static void result_init(result *r)
{
    r->kind = AZ_KIND_UNKNOWN;
    r->managed = false;
    r->label = NULL;
    r->has_type = r->has_method = r->boxed = false;
    r->stub_name = false;
    r->overload = -1;
    r->generic = AZ_GENERIC_NONE;
    r->conf = 100;
    sb_init(&r->ns, r->ns_mem, sizeof r->ns_mem);
    sb_init(&r->type, r->type_mem, sizeof r->type_mem);
    sb_init(&r->def, r->def_mem, sizeof r->def_mem);
    sb_init(&r->method, r->method_mem, sizeof r->method_mem);
    sb_init(&r->inst, r->inst_mem, sizeof r->inst_mem);
    sb_init(&r->extra, r->extra_mem, sizeof r->extra_mem);
    sb_init(&r->display, r->display_mem, sizeof r->display_mem);
    memset(&r->t, 0, sizeof r->t);
    r->t.ns = &r->ns;
    r->t.name = &r->type;
    r->t.def = &r->def;
    r->t.conf = 100;
}

/* Drops whatever a failed attempt left in the owner fields. */
static void result_clear_owner(result *r)
{
    r->ns.len = r->type.len = r->def.len = r->method.len = r->inst.len = 0;
    r->ns.p[0] = r->type.p[0] = r->def.p[0] = r->method.p[0] = r->inst.p[0] = 0;
    memset(&r->t, 0, sizeof r->t);
    r->t.ns = &r->ns;
    r->t.name = &r->type;
    r->t.def = &r->def;
    r->t.conf = 100;
    r->has_type = r->has_method = false;
    r->overload = -1;
    r->generic = AZ_GENERIC_NONE;
}

static void set_managed(result *r, az_kind kind, const char *label)
{
    r->kind = kind;
    r->managed = true;
    r->label = label;
}

/* MEMO_TYPE: a generic type that owns a result (a method's type, a
 * MethodTable's ...) is memoized by its text up to the '>' that closes its
 * arguments: the same instantiation owns many methods
 * ("Dictionary_2<...>__TryInsert", "...__FindValue") and data nodes.
 * Parsing such a type reads nothing past that '>' except the next byte, and
 * that only to see whether a '<' (of "<ByRef>" or "<Pointer>") follows, so
 * types followed by '<' are not memoized.  Only types parsed into a result's
 * own empty builders are: argument lists have their own memo, and a result's
 * builders always have the same sizes, so the saved text truncates as a new
 * parse would. */
#ifdef AZ_DEMANGLE_MEMO_VERIFY
/* Whether two memo values given in parts have the same bytes. */
static bool same_parts(const az_memo_part *a, const az_memo_part *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].n != b[i].n || (a[i].n && memcmp(a[i].p, b[i].p, a[i].n) != 0))
            return false;
    return true;
}
#endif

static bool tout_fresh(const tout *o)
{
    return o->def && o->ns != o->name && o->ns->len == 0 && o->name->len == 0 && o->def->len == 0 &&
           o->ns->cap == sizeof(((result *)0)->ns_mem) && o->name->cap == sizeof(((result *)0)->type_mem) &&
           o->def->cap == sizeof(((result *)0)->def_mem) && !o->assembly && !o->value_type && !o->canon &&
           o->form == AZ_GENERIC_NONE && o->conf == 100;
}

/* A memoized type: this header, then the texts of ns, name, def and (when
 * the assembly was spelled from the symbol) asm_mem. */
typedef struct type_memo {
    const char *assembly; /* as in owner_memo */
    uint16_t len[4];
    uint16_t types; /* parse_type calls it took */
    uint8_t depth;  /* deepest parse_type call, below its own depth */
    uint8_t conf, form;
    bool own_asm, value_type, canon;
} type_memo;

enum { TYPE_PARTS = 5 };

/* The memo value for o: *hd (filled in here), then the texts, as parts. */
static void type_save(const tout *o, int types, int below, type_memo *hd, az_memo_part parts[TYPE_PARTS])
{
    memset(hd, 0, sizeof *hd); /* padding too: saved bytes are compared when verifying */
    hd->own_asm = o->assembly == o->asm_mem;
    hd->assembly = hd->own_asm ? NULL : o->assembly;
    const strb *texts[3] = { o->ns, o->name, o->def };
    for (int i = 0; i < 3; i++) {
        parts[1 + i] = (az_memo_part){ texts[i]->p, texts[i]->len };
        hd->len[i] = (uint16_t)texts[i]->len;
    }
    size_t n = hd->own_asm ? strnlen(o->asm_mem, sizeof o->asm_mem - 1) : 0;
    parts[4] = (az_memo_part){ o->asm_mem, n };
    hd->len[3] = (uint16_t)n;
    hd->types = (uint16_t)types;
    hd->depth = (uint8_t)below;
    hd->conf = o->conf;
    hd->form = (uint8_t)o->form;
    hd->value_type = o->value_type;
    hd->canon = o->canon;
    parts[0] = (az_memo_part){ hd, sizeof *hd };
}

static void type_restore(tout *o, const type_memo *hd, const char *text)
{
    strb *texts[3] = { o->ns, o->name, o->def };
    for (int i = 0; i < 3; i++) {
        sb_addn(texts[i], text, hd->len[i]);
        text += hd->len[i];
    }
    if (hd->own_asm) {
        memcpy(o->asm_mem, text, hd->len[3]);
        o->asm_mem[hd->len[3]] = 0;
        o->assembly = o->asm_mem;
    } else {
        o->assembly = hd->assembly;
    }
    o->conf = hd->conf;
    o->form = (az_generic)hd->form;
    o->value_type = hd->value_type;
    o->canon = hd->canon;
}

/* The end of the key of a memoizable type at s: its closing '>', or NULL. */
static const char *type_memo_end(const char *s, const char *e)
{
    /* an identifier up to the first '<' ... */
    const char *lt = memchr(s, '<', (size_t)(e - s));
    if (!lt)
        return NULL;
    for (const char *q = s; q < lt; q++) {
        while (q < lt && is_alnum(*q))
            q++;
        if (q == lt)
            break;
        if (*q != '_' || (q[1] == '_' && q > s))
            return NULL; /* not an identifier, or most likely "Type__Method<...>": not worth a memo entry */
    }
    /* ... and its arguments */
    const char *m = closing_angle(lt + 1, e);
    return m && !(m + 1 < e && m[1] == '<') ? m : NULL;
}

static const char *parse_type_memo(dctx *c, const char *s, const char *e, tout *o, int depth)
{
    const char *m = c->names && tout_fresh(o) ? type_memo_end(s, e) : NULL;
    if (!m)
        return parse_type_uncached(c, s, e, o, depth);
    size_t key_len = (size_t)(m + 1 - s);
    uint64_t h = memo_hash(MEMO_TYPE, s, key_len);
    size_t vlen = 0;
    const char *v = az_names_memo_get(c->names, MEMO_TYPE, s, key_len, h, &vlen);
    if (v) {
        type_memo hd;
        memcpy(&hd, v, sizeof hd);
        if (memo_reuse(c, hd.types, hd.depth, depth)) {
            type_restore(o, &hd, v + sizeof hd);
            return m + 1;
        }
    }
    memo_mark mk = memo_begin(c, depth);
    const char *ret = parse_type_uncached(c, s, e, o, depth);
    int types, below;
    if (memo_end(c, &mk, &types, &below) && !v && ret == m + 1) {
        type_memo hd;
        az_memo_part parts[TYPE_PARTS];
        type_save(o, types, below, &hd, parts);
        az_names_memo_put(c->names, MEMO_TYPE, s, key_len, h, parts, TYPE_PARTS);
    }
    return ret;
}

static const char *parse_type(dctx *c, const char *s, const char *e, tout *o, int depth)
{
#ifndef AZ_DEMANGLE_MEMO_VERIFY
    return parse_type_memo(c, s, e, o, depth);
#else
    if (c->no_memo)
        return parse_type_uncached(c, s, e, o, depth);
    bool fresh = tout_fresh(o);
    const char *m = fresh ? type_memo_end(s, e) : NULL;
    dctx c0 = *c;
    c0.no_memo = true;
    c0.cg_p = NULL;
    const char *ret = parse_type_memo(c, s, e, o, depth);
    if (!m || ret != m + 1)
        return ret;
    /* Recompute without the memo from a copy that ends after the '>'. */
    size_t len = (size_t)(m + 1 - s);
    char *copy = malloc(len);
    memcpy(copy, s, len);
    result *ref = malloc(sizeof *ref);
    result_init(ref);
    const char *ret0 = parse_type_uncached(&c0, copy, copy + len, &ref->t, depth);
    type_memo hd1, hd0;
    az_memo_part p1[TYPE_PARTS], p0[TYPE_PARTS];
    type_save(o, 0, 0, &hd1, p1);
    type_save(&ref->t, 0, 0, &hd0, p0);
    if (ret0 != copy + len || !same_parts(p1, p0, TYPE_PARTS) || c0.types_left != c->types_left) {
        fprintf(stderr, "demangle type memo mismatch at %.*s\n", (int)(e - s), s);
        abort();
    }
    free(ref);
    free(copy);
    return ret;
#endif
}

/* Parses a whole type payload [s, e).  Text the parser could not place is
 * kept, appended to the type name, at low confidence. */
static bool parse_whole_type_uncached(dctx *c, const char *s, const char *e, result *r, int depth)
{
    const char *p = parse_type(c, s, e, &r->t, depth);
    if (!p) {
        result_clear_owner(r);
        sb_addn(&r->type, s, (size_t)(e - s));
        r->has_type = true;
        r->t.conf = 20;
        return false;
    }
    if (p < e) {
        sb_addn(&r->type, p, (size_t)(e - p));
        lower_conf(&r->t, 40);
    }
    r->has_type = true;
    r->generic = r->t.canon ? AZ_GENERIC_CANONICAL : r->t.form;
    return p == e;
}

/* The trailing "_12" of a method name is ILC's overload index (the 13th
 * method of that name in metadata order).  Names can end in digits too, so
 * only up to three digits count (three only after a letter: "Read_107" is an
 * overload, "Sha3_256" is a name), and never the ordinals of lambdas and
 * local functions ("<Main>b__0_1", "<Foo>g__Bar|2_0"). */
static int overload_index(const char *m, const char *e, const char **name_end)
{
    const char *d = e;
    while (d > m && is_digit(d[-1]))
        d--;
    size_t nd = (size_t)(e - d);
    if (nd == 0 || nd > 3 || d - m < 2 || d[-1] != '_' || d[-2] == '_' || (nd > 1 && d[0] == '0'))
        return -1;
    if (nd == 3 && !is_alpha(d[-2]))
        return -1; /* "Sha3_256": a size, not the 101st overload */
    if (find_lit(m, e, "_b__") || find_lit(m, e, "_g__"))
        return -1;
    if (e - m >= 5 && m[0] == '_' && m[1] == '_' && is_lower(m[2]) && m[3] == '_' && m[4] == '_')
        return -1; /* <>n__0 */
    *name_end = d - 1;
    int v = 0;
    for (size_t i = 0; i < nd; i++)
        v = v * 10 + (d[i] - '0');
    return v;
}

static void combine_generic(result *r, az_generic g)
{
    if (g == AZ_GENERIC_SPECIALIZED || (g == AZ_GENERIC_CANONICAL && r->generic == AZ_GENERIC_NONE))
        r->generic = g;
}

/* Explicit interface implementations are named after the interface:
 * "System.Collections.Generic.IEnumerable<T>.GetEnumerator" arrives as
 * "System_Collections_Generic_IEnumerable_T__GetEnumerator".  When the name
 * starts with a known namespace, rebuild the dots and brackets (a single
 * type-parameter argument exactly; longer argument lists stay sanitized). */
static bool pretty_explicit_impl(const dctx *c, strb *b, const char *p, const char *e)
{
    bool global = starts(p, e, "global__");
    if (global)
        p += 8;
    const az_name_info *ni = NULL;
    const char *ns_end = longest_namespace(c, p, e, &ni);
    if (!ns_end)
        return false;
    const char *iface = ns_end + 1;
    const char *q = iface;
    while (q < e && is_alnum(*q))
        q++;
    if (q == iface || q + 1 >= e || *q != '_')
        return false;
    /* The method is after the last '__' run (generic interface) or after
     * the first '_' (non-generic). */
    const char *last_run = NULL;
    size_t last_len = 0;
    for (const char *t = q; t < e; t++) {
        size_t run = run_of(t, e, '_');
        if (run >= 2) {
            last_run = t;
            last_len = run;
        }
        t += run ? run - 1 : 0;
    }
    if (global)
        sb_adds(b, "global::");
    sb_adds(b, ni->display);
    sb_addc(b, '.');
    sb_addn(b, iface, (size_t)(q - iface));
    if (last_run && last_run > q + 1 && last_run + last_len < e) {
        const char *args = q + 1;
        /* one '>' per closing bracket; nested ones were sanitized away inside */
        bool nested = memchr(args, '_', (size_t)(last_run - args)) != NULL;
        sb_addc(b, '<');
        sb_addn(b, args, (size_t)(last_run - args));
        for (size_t i = 1; i < (nested ? 2 : last_len); i++)
            sb_addc(b, '>');
        sb_addc(b, '.');
        sb_addn(b, last_run + last_len, (size_t)(e - last_run - last_len));
    } else {
        sb_addc(b, '.');
        sb_addn(b, q + 1, (size_t)(e - q - 1));
    }
    return true;
}

/* The method part after "type__": name, overload index, generic arguments;
 * "<DynamicInvoke>None<...>"-style IL stub names too. */
static void parse_method_name(dctx *c, const char *m, const char *e, result *r, int depth)
{
    r->has_method = true;
    if (m < e && *m == '<') {
        /* IL stubs: '<' prefix '>' flags '<' signature '>' */
        const char *gt = memchr(m, '>', (size_t)(e - m));
        if (gt) {
            r->stub_name = true;
            sb_addn(&r->method, m + 1, (size_t)(gt - m - 1));
            const char *lt = memchr(gt, '<', (size_t)(e - gt));
            if (lt) {
                sb_addc(&r->extra, '(');
                arglist al;
                if (parse_args(c, lt + 1, e, &al, depth) == e) {
                    sb_addn(&r->extra, al.text.p, al.text.len);
                } else {
                    sb_addn(&r->extra, lt + 1, (size_t)(e - lt - 1));
                    lower_conf(&r->t, 60);
                }
                sb_addc(&r->extra, ')');
            }
            return;
        }
    }
    const char *lt = memchr(m, '<', (size_t)(e - m));
    const char *name_end = lt ? lt : e;
    if (lt) {
        arglist al;
        if (parse_args(c, lt + 1, e, &al, depth) == e) {
            sb_addc(&r->inst, '<');
            sb_addn(&r->inst, al.text.p, al.text.len);
            sb_addc(&r->inst, '>');
            combine_generic(r, al.any_arg ? (al.any_value ? AZ_GENERIC_SPECIALIZED : AZ_GENERIC_CANONICAL)
                                          : AZ_GENERIC_NONE);
            if (al.conf < 100)
                lower_conf(&r->t, al.conf < 60 ? 80 : 90);
        } else {
            raw_group(lt, e, &r->inst);
            lower_conf(&r->t, 40);
        }
    }
    const char *base_end = name_end;
    int ov = overload_index(m, name_end, &base_end);
    if (ov >= 0) {
        r->overload = ov;
        lower_conf(&r->t, 90); /* a name ending in "_<digits>" is possible, just rare */
    }
    if (!pretty_explicit_impl(c, &r->method, m, base_end))
        pretty_method(&r->method, m, (size_t)(base_end - m));
}

/* type '__' method.  Returns false when [s, e) does not have that shape. */
static bool parse_method_uncached(dctx *c, const char *s, const char *e, result *r, int depth)
{
    const char *p = parse_type(c, s, e, &r->t, depth);
    if (!p || p + 2 >= e || p[0] != '_' || p[1] != '_' || r->type.len == 0)
        return false;
    r->has_type = true;
    r->generic = r->t.canon ? AZ_GENERIC_CANONICAL : r->t.form;
    parse_method_name(c, p + 2, e, r, depth);
    return true;
}

/* Whole payloads are memoized too: many symbols wrap the same method or
 * type (a method body, its _lsda0 / __ehinfo_ / __fatpointer_ labels; a
 * type's MethodTable, statics, writable data, dictionaries ...).  A payload
 * [s, e) parsed as a method or as a whole type gives the same owner fields
 * wherever it appears, provided the result starts out empty (owner_fresh)
 * and, as for argument lists, the depth and MAX_TYPES limits allow the same
 * parse.  The key is the whole payload, so nothing past e is involved.
 * Payloads with generic arguments are left out: their types and argument
 * lists have memos of their own, and whole they would take most of the
 * memo's memory (long keys and texts) for little: the memo lives in memory
 * much larger than the caches, and every entry costs a cache miss or two. */

/* The owner fields: what parse_method and parse_whole_type may change. */
static bool owner_fresh(const result *r)
{
    return r->ns.len == 0 && r->type.len == 0 && r->def.len == 0 && r->method.len == 0 && r->inst.len == 0 &&
           r->extra.len == 0 && r->t.ns == &r->ns && r->t.name == &r->type && r->t.def == &r->def &&
           r->t.assembly == NULL && !r->t.value_type && !r->t.canon && r->t.form == AZ_GENERIC_NONE &&
           r->t.conf == 100 && !r->has_type && !r->has_method && !r->stub_name && r->overload == -1 &&
           r->generic == AZ_GENERIC_NONE;
}

/* A memoized owner: this header, then the texts of ns, type, def, method,
 * inst, extra and (when the assembly was spelled from the symbol) asm_mem. */
enum { OWNER_TEXTS = 7 };
typedef struct owner_memo {
    const char *assembly; /* NULL, or a string that outlives the memo (static or in the az_names) */
    uint16_t len[OWNER_TEXTS];
    uint16_t types;       /* parse_type calls it took */
    int16_t overload;
    uint8_t depth;        /* deepest parse_type call, below the payload's own depth */
    uint8_t conf, form, generic;
    bool ret, own_asm, value_type, canon, has_type, has_method, stub_name;
} owner_memo;

/* The memo value for r's owner fields: *hd (filled in here), then the
 * texts, as parts. */
static void owner_save(const result *r, bool ret, int types, int below, owner_memo *hd,
                       az_memo_part parts[1 + OWNER_TEXTS])
{
    memset(hd, 0, sizeof *hd); /* padding too: saved bytes are compared when verifying */
    hd->own_asm = r->t.assembly == r->t.asm_mem;
    hd->assembly = hd->own_asm ? NULL : r->t.assembly;
    const strb *texts[OWNER_TEXTS - 1] = { &r->ns, &r->type, &r->def, &r->method, &r->inst, &r->extra };
    for (int i = 0; i < OWNER_TEXTS - 1; i++) {
        parts[1 + i] = (az_memo_part){ texts[i]->p, texts[i]->len };
        hd->len[i] = (uint16_t)texts[i]->len;
    }
    size_t n = hd->own_asm ? strnlen(r->t.asm_mem, sizeof r->t.asm_mem - 1) : 0;
    parts[OWNER_TEXTS] = (az_memo_part){ r->t.asm_mem, n };
    hd->len[OWNER_TEXTS - 1] = (uint16_t)n;
    hd->types = (uint16_t)types;
    hd->overload = (int16_t)r->overload;
    hd->depth = (uint8_t)below;
    hd->conf = r->t.conf;
    hd->form = (uint8_t)r->t.form;
    hd->generic = (uint8_t)r->generic;
    hd->ret = ret;
    hd->value_type = r->t.value_type;
    hd->canon = r->t.canon;
    hd->has_type = r->has_type;
    hd->has_method = r->has_method;
    hd->stub_name = r->stub_name;
    parts[0] = (az_memo_part){ hd, sizeof *hd };
}

/* The inverse of owner_save, into a fresh result; returns the saved ret. */
static bool owner_restore(result *r, const owner_memo *hd, const char *text)
{
    strb *texts[OWNER_TEXTS - 1] = { &r->ns, &r->type, &r->def, &r->method, &r->inst, &r->extra };
    for (int i = 0; i < OWNER_TEXTS - 1; i++) {
        sb_addn(texts[i], text, hd->len[i]);
        text += hd->len[i];
    }
    if (hd->own_asm) {
        memcpy(r->t.asm_mem, text, hd->len[OWNER_TEXTS - 1]);
        r->t.asm_mem[hd->len[OWNER_TEXTS - 1]] = 0;
        r->t.assembly = r->t.asm_mem;
    } else {
        r->t.assembly = hd->assembly;
    }
    r->overload = hd->overload;
    r->t.conf = hd->conf;
    r->t.form = (az_generic)hd->form;
    r->generic = (az_generic)hd->generic;
    r->t.value_type = hd->value_type;
    r->t.canon = hd->canon;
    r->has_type = hd->has_type;
    r->has_method = hd->has_method;
    r->stub_name = hd->stub_name;
    return hd->ret;
}

static bool parse_owner_uncached(dctx *c, unsigned tag, const char *s, const char *e, result *r, int depth)
{
    return tag == MEMO_METHOD ? parse_method_uncached(c, s, e, r, depth)
                              : parse_whole_type_uncached(c, s, e, r, depth);
}

static bool parse_owner_memo(dctx *c, unsigned tag, const char *s, const char *e, result *r, int depth)
{
    if (!c->names || memchr(s, '<', (size_t)(e - s)) || !owner_fresh(r))
        return parse_owner_uncached(c, tag, s, e, r, depth);
    uint64_t h = memo_hash(tag, s, (size_t)(e - s));
    size_t vlen = 0;
    const char *v = az_names_memo_get(c->names, tag, s, (size_t)(e - s), h, &vlen);
    if (v) {
        owner_memo hd;
        memcpy(&hd, v, sizeof hd);
        if (memo_reuse(c, hd.types, hd.depth, depth))
            return owner_restore(r, &hd, v + sizeof hd);
    }
    memo_mark mk = memo_begin(c, depth);
    bool ret = parse_owner_uncached(c, tag, s, e, r, depth);
    int types, below;
    if (memo_end(c, &mk, &types, &below) && !v) {
        owner_memo hd;
        az_memo_part parts[1 + OWNER_TEXTS];
        owner_save(r, ret, types, below, &hd, parts);
        az_names_memo_put(c->names, tag, s, (size_t)(e - s), h, parts, 1 + OWNER_TEXTS);
    }
    return ret;
}

static bool parse_owner(dctx *c, unsigned tag, const char *s, const char *e, result *r, int depth)
{
#ifndef AZ_DEMANGLE_MEMO_VERIFY
    return parse_owner_memo(c, tag, s, e, r, depth);
#else
    /* Recompute without the memo, from a copy of exactly [s, e) (so that ASan
     * sees any read past e), and compare the owner fields. */
    bool fresh = owner_fresh(r);
    dctx c0 = *c;
    c0.no_memo = true;
    c0.cg_p = NULL;
    bool ret = c->no_memo ? parse_owner_uncached(c, tag, s, e, r, depth) : parse_owner_memo(c, tag, s, e, r, depth);
    if (c->no_memo || !fresh)
        return ret;
    size_t len = (size_t)(e - s);
    char *copy = malloc(len ? len : 1);
    memcpy(copy, s, len);
    result *ref = malloc(sizeof *ref);
    result_init(ref);
    bool ret0 = parse_owner_uncached(&c0, tag, copy, copy + len, ref, depth);
    owner_memo hd1, hd0;
    az_memo_part p1[1 + OWNER_TEXTS], p0[1 + OWNER_TEXTS];
    owner_save(r, ret, 0, 0, &hd1, p1);
    owner_save(ref, ret0, 0, 0, &hd0, p0);
    if (!same_parts(p1, p0, 1 + OWNER_TEXTS) || c0.types_left != c->types_left) {
        fprintf(stderr, "demangle owner memo mismatch at %.*s\n", (int)len, s);
        abort();
    }
    free(ref);
    free(copy);
    return ret;
#endif
}

static bool parse_method(dctx *c, const char *s, const char *e, result *r, int depth)
{
    return parse_owner(c, MEMO_METHOD, s, e, r, depth);
}

static bool parse_whole_type(dctx *c, const char *s, const char *e, result *r, int depth)
{
    return parse_owner(c, MEMO_WHOLE_TYPE, s, e, r, depth);
}

/* A method as it appears inside other nodes' names: plain, an unboxing
 * stub "unbox_M", or an unboxing thunk "<Boxed>T__<unbox>M". */
static bool parse_method_symbol(dctx *c, const char *s, const char *e, result *r, int depth)
{
    if (starts(s, e, "<Boxed>")) {
        const char *unbox = find_lit(s, e, "__<unbox>");
        if (!unbox)
            return false;
        /* The boxed type carries the instantiation; the method after <unbox>
         * is spelled on the generic definition. */
        result mr;
        result *m = &mr;
        result_init(m);
        bool ok = parse_method(c, unbox + 9, e, m, depth + 1);
        const char *p = parse_type(c, s + 7, unbox, &r->t, depth);
        if (ok && p == unbox) {
            r->has_type = true;
            r->generic = r->t.canon ? AZ_GENERIC_CANONICAL : r->t.form;
            r->has_method = true;
            sb_addn(&r->method, m->method.p, m->method.len);
            sb_addn(&r->inst, m->inst.p, m->inst.len);
            r->overload = m->overload;
            combine_generic(r, m->generic == AZ_GENERIC_SPECIALIZED ? AZ_GENERIC_SPECIALIZED : AZ_GENERIC_NONE);
            lower_conf(&r->t, m->t.conf);
        } else {
            ok = false;
        }
        return ok;
    }
    if (starts(s, e, "unbox_"))
        s += 6;
    return parse_method(c, s, e, r, depth);
}

/* ---- node kinds ------------------------------------------------------------------ */

static void add_qualified_type(strb *d, const struct result *r);

/* Named module-level ILC data (map.xml nodes that are neither types nor
 * methods); prefix rules below catch the numbered and per-module ones. */
static const char *const compiler_data_names[] = {
    "__embedded_metadata", "__embedded_resourcedata", "__embedded_resourceindex", "__type_to_metadata_map",
    "__type_to_cctorContext_map", "__method_to_entrypoint_map", "__delegate_marshalling_stub_map",
    "__struct_marshalling_stub_map", "__array_type_map", "__ptr_type_map", "__byref_type_map", "__fnptr_type_map",
    "__field_to_offset_map", "__nativelayoutinfo", "__exact_method_instantiations", "__generic_types_hashtable",
    "__generic_methods_hashtable", "__gvm_table", "__interface_gvm_table", "__GenericMethodsTemplateMap",
    "__GenericTypesTemplateMap", "_StaticsInfoHashtableNode", "__VirtualInvokeMap", "__EagerCctor",
    "__EagerCctorStart", "__EagerCctorEnd", "__GCStaticRegion", "__GCStaticRegionStart", "__GCStaticRegionEnd",
    "__ThreadStaticRegion", "__ThreadStaticRegionStart", "__ThreadStaticRegionEnd", "__typemanager_indirection",
    "tls_InlinedThreadStatics", "_stacktrace_methodRVA_to_token_mapping", "__ReadyToRunHeader", "__Module",
    "__module_initializers", "__InterfaceDispatchCellSection_Start", "__InterfaceDispatchCellSection_End",
    "__dehydrated_data", "__dehydrated_data_End", "__FrozenSegmentStart", "__FrozenSegmentEnd",
    "__ImportAddressTable", "__RuntimeImportAddressTable",
};

typedef enum payload {
    PAY_TYPE,          /* a mangled type */
    PAY_METHOD,        /* a mangled method (incl. unbox_ / <Boxed> forms) */
    PAY_NUMBERED,      /* decimal index, then a method (_lsda0, _fram1) */
    PAY_TYPE_OR_METHOD,/* generic dictionaries */
    PAY_MT_SYMBOL,     /* another MethodTable symbol (_ZTV.., ??_7..) */
    PAY_DISPATCH_MAP,  /* a fully sanitized type (its '<' '>' are '_' too) */
    PAY_STATICS,       /* a type, maybe followed by __PreInitData */
    PAY_STRING,        /* frozen string literal */
    PAY_FROZEN_OBJECT, /* type then allocation-site number */
    PAY_DELEGATE_CTOR,
    PAY_GENERIC_LOOKUP,
    PAY_DISPATCH_CELL, /* <interface method>_<caller>: shown, not owned */
    PAY_METHOD_SHOWN,  /* a method, shown but not owned (compiler data) */
    PAY_RAW,           /* the part after the prefix, shown as is */
    PAY_NAME,          /* the whole name, shown as is */
} payload;

/* The node prefixes, grouped by how they start: "__", '_' and another
 * character, or anything else.  classify() tries only the group that the
 * name's first two characters select (no other group's prefix can match),
 * instead of all of them for every symbol.  Within a group the first match
 * wins; no prefix is the start of another, so at most one matches anyway. */
struct prefix_rule {
    const char *prefix;
    size_t len; /* strlen(prefix) */
    az_kind kind;
    payload what;
    const char *label;
};
#define RULE(prefix, kind, what, label) { prefix, sizeof prefix - 1, kind, what, label }
static const struct prefix_rule rules_dunder[] = { /* "__..." */
    RULE("__GCSTATICS", AZ_KIND_GC_STATICS, PAY_STATICS, "[GC statics]"),
    RULE("__NONGCSTATICS", AZ_KIND_NONGC_STATICS, PAY_TYPE, "[non-GC statics]"),
    RULE("__THREADSTATICS", AZ_KIND_THREAD_STATICS, PAY_TYPE, "[thread statics]"),
    RULE("__TypeThreadStaticIndex", AZ_KIND_THREAD_STATIC_INDEX, PAY_TYPE, "[thread static index]"),
    RULE("__GenericDict_", AZ_KIND_GENERIC_DICT, PAY_TYPE_OR_METHOD, "[generic dictionary]"),
    RULE("__InterfaceDispatchMap_", AZ_KIND_DISPATCH_MAP, PAY_DISPATCH_MAP, "[dispatch map]"),
    RULE("__SealedVTable_", AZ_KIND_SEALED_VTABLE, PAY_MT_SYMBOL, "[sealed vtable]"),
    /* .NET 8: MethodTable optional fields, a per-type side table like the sealed vtable */
    RULE("__optionalfields_", AZ_KIND_SEALED_VTABLE, PAY_MT_SYMBOL, "[optional fields]"),
    RULE("__writableData", AZ_KIND_WRITABLE_DATA, PAY_TYPE, "[writable data]"),
    RULE("__GenericInstance_", AZ_KIND_GENERIC_COMPOSITION, PAY_RAW, "[generic composition]"),
    RULE("__GenericVariance_", AZ_KIND_GENERIC_COMPOSITION, PAY_RAW, "[generic variance]"),
    RULE("__GCStaticEEType_", AZ_KIND_GC_STATIC_EETYPE, PAY_RAW, "[GC static layout]"),
    RULE("__fatpointer_", AZ_KIND_FAT_POINTER, PAY_METHOD, "[fat pointer]"),
    RULE("__fatunboxpointer_", AZ_KIND_FAT_POINTER, PAY_METHOD, "[fat unboxing pointer]"),
    RULE("__fataddresstakenpointer_", AZ_KIND_FAT_POINTER, PAY_METHOD, "[fat address-taken pointer]"),
    RULE("__ehinfo_", AZ_KIND_EH_INFO, PAY_METHOD, "[EH info]"),
    RULE("__readonlydata_", AZ_KIND_READONLY_DATA, PAY_METHOD, "[read-only data]"),
    RULE("__Str_", AZ_KIND_FROZEN_STRING, PAY_STRING, "[string]"),
    RULE("__FrozenObj_", AZ_KIND_FROZEN_OBJECT, PAY_FROZEN_OBJECT, "[frozen object]"),
    /* frozen System.RuntimeType object for a type (typeof(T)) */
    RULE("__RuntimeType_", AZ_KIND_FROZEN_OBJECT, PAY_TYPE, "[RuntimeType]"),
    RULE("__GetNonGCStaticBase_", AZ_KIND_HELPER_STUB, PAY_TYPE, "[GetNonGCStaticBase]"),
    RULE("__GetGCStaticBase_", AZ_KIND_HELPER_STUB, PAY_TYPE, "[GetGCStaticBase]"),
    RULE("__GetThreadStaticBase_", AZ_KIND_HELPER_STUB, PAY_TYPE, "[GetThreadStaticBase]"),
    RULE("__ResolveVirtualFunction_", AZ_KIND_HELPER_STUB, PAY_METHOD, "[ResolveVirtualFunction]"),
    RULE("__DelegateCtor_", AZ_KIND_HELPER_STUB, PAY_DELEGATE_CTOR, "[delegate ctor]"),
    RULE("__GenericLookupFromDict_", AZ_KIND_HELPER_STUB, PAY_GENERIC_LOOKUP, "[generic lookup]"),
    RULE("__GenericLookupFromType_", AZ_KIND_HELPER_STUB, PAY_GENERIC_LOOKUP, "[generic lookup]"),
    /* Per-call-site and per-handle cells: compiler data, as the rest of ILC's tables. */
    RULE("__InterfaceDispatchCell_", AZ_KIND_COMPILER_DATA, PAY_DISPATCH_CELL, "[dispatch cell]"),
    RULE("__RuntimeMethodHandle_", AZ_KIND_COMPILER_DATA, PAY_METHOD_SHOWN, "[method handle]"),
    RULE("__RMHSignature_", AZ_KIND_COMPILER_DATA, PAY_METHOD_SHOWN, "[method handle signature]"),
    RULE("__utf8str_", AZ_KIND_COMPILER_DATA, PAY_RAW, "[UTF-8 string]"),
    RULE("__utf16str_", AZ_KIND_COMPILER_DATA, PAY_RAW, "[UTF-16 string]"),
    RULE("__pinvoke_", AZ_KIND_COMPILER_DATA, PAY_RAW, "[P/Invoke fixup]"),
    RULE("__nativemodule_", AZ_KIND_COMPILER_DATA, PAY_RAW, "[P/Invoke module]"),
    RULE("__external_", AZ_KIND_COMPILER_DATA, PAY_NAME, "[ILC data]"),
    RULE("__embedded_", AZ_KIND_COMPILER_DATA, PAY_NAME, "[ILC data]"),
};
static const struct prefix_rule rules_under[] = { /* "_x..." with x not '_' */
    RULE("_associatedData_", AZ_KIND_ASSOCIATED_DATA, PAY_METHOD, "[associated data]"),
    RULE("_lsda", AZ_KIND_LSDA_LABEL, PAY_NUMBERED, "[LSDA]"),
    RULE("_fram", AZ_KIND_FRAME_LABEL, PAY_NUMBERED, "[funclet]"),
    RULE("_unwind", AZ_KIND_FRAME_LABEL, PAY_NUMBERED, "[unwind]"),
};
static const struct prefix_rule rules_other[] = { /* not starting with '_' */
    RULE("unbox_", AZ_KIND_UNBOXING_STUB, PAY_METHOD, "[unboxing stub]"),
    RULE("g_compilerEmbedded", AZ_KIND_COMPILER_DATA, PAY_NAME, "[ILC data]"),
};
#undef RULE

typedef struct rule_group {
    const struct prefix_rule *rules;
    size_t n;
} rule_group;

static const rule_group rule_groups[3] = {
    { rules_dunder, sizeof rules_dunder / sizeof rules_dunder[0] },
    { rules_under, sizeof rules_under / sizeof rules_under[0] },
    { rules_other, sizeof rules_other / sizeof rules_other[0] },
};

/* The group whose prefixes may start the name s (n >= 1, NUL-terminated). */
static const rule_group *rules_for(const char *s)
{
    return s[0] != '_' ? &rule_groups[2] : s[1] == '_' ? &rule_groups[0] : &rule_groups[1];
}

#ifdef AZ_DEMANGLE_MEMO_VERIFY
/* Every rule must sit in the group its prefix selects. */
static void check_rule_groups(void)
{
    for (size_t g = 0; g < sizeof rule_groups / sizeof rule_groups[0]; g++)
        for (size_t i = 0; i < rule_groups[g].n; i++)
            if (rules_for(rule_groups[g].rules[i].prefix) != &rule_groups[g]) {
                fprintf(stderr, "demangle: rule %s in the wrong group\n", rule_groups[g].rules[i].prefix);
                abort();
            }
}
#endif

/* Characters an ILC-mangled name can contain (after the node prefix). */
static bool ilc_charset(const char *s, const char *e)
{
    /* Every byte is looked at when the answer is yes (the usual one), so
     * without a branch per byte. */
    unsigned all = CC_NAME;
    for (; s + 4 <= e; s += 4)
        all &= (unsigned)char_class[(uint8_t)s[0]] & char_class[(uint8_t)s[1]] & char_class[(uint8_t)s[2]] &
               char_class[(uint8_t)s[3]];
    for (; s < e; s++)
        all &= char_class[(uint8_t)*s];
    return all != 0;
}

/* _ZTV<len><T> (Unix) or ??_7<T>@@6B@ (Windows).  Returns false when the
 * name is not an ILC MethodTable (a C++ vtable of the runtime, say). */
static bool parse_mt_symbol(dctx *c, const char *s, const char *e, result *r, int depth)
{
    const char *t, *te;
    if (starts(s, e, "_ZTV")) {
        size_t nd = digits_at(s + 4, e);
        if (nd == 0 || nd > 5)
            return false;
        size_t len = 0;
        for (size_t i = 0; i < nd; i++)
            len = len * 10 + (size_t)(s[4 + i] - '0');
        t = s + 4 + nd;
        te = e;
        if ((size_t)(te - t) != len)
            return false; /* a nested or templated C++ name: the length covers only part of it */
    } else if (starts(s, e, "??_7") && ends(s, e, "@@6B@")) {
        t = s + 4;
        te = e - 5;
    } else {
        return false;
    }
    if (te <= t || !ilc_charset(t, te))
        return false;
    bool boxed = starts(t, te, "Boxed_");
    if (boxed)
        t += 6;
    bool whole = parse_whole_type(c, t, te, r, depth);
    /* C++ classes have no '_'-separated assembly prefix; ILC types always
     * do, unless they are well-known, synthetic, arrays or generic. */
    bool ilc = boxed || r->t.conf >= 70 || memchr(t, '<', (size_t)(te - t)) != NULL ||
               (whole && memchr(t, '_', (size_t)(te - t)) != NULL && r->t.conf >= 60);
    if (!ilc) {
        result_clear_owner(r);
        return false;
    }
    r->boxed = boxed;
    return true;
}

/* Strips the payload of "[[cu]__]PREFIX@<T>@@[suffix]" Windows statics names. */
static bool windows_statics(dctx *c, const char *s, const char *e, result *r, int depth)
{
    static const struct {
        const char *name;
        az_kind kind;
        const char *label;
    } forms[] = {
        { "__GCSTATICS", AZ_KIND_GC_STATICS, "[GC statics]" },
        { "__NONGCSTATICS", AZ_KIND_NONGC_STATICS, "[non-GC statics]" },
        { "__THREADSTATICS", AZ_KIND_THREAD_STATICS, "[thread statics]" },
        { "__THREADSTATICINDEX", AZ_KIND_THREAD_STATIC_INDEX, "[thread static index]" },
    };
    const char *at = memchr(s, '@', (size_t)(e - s));
    if (!at)
        return false;
    const char *end = find_lit(at + 1, e, "@@");
    if (!end)
        return false;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (!ends(s + 1, at, forms[i].name))
            continue;
        set_managed(r, forms[i].kind, forms[i].label);
        if (forms[i].kind == AZ_KIND_GC_STATICS && ends(end, e, "__PreInitData"))
            set_managed(r, AZ_KIND_GC_STATICS_PREINIT, "[GC statics pre-init data]");
        parse_whole_type(c, at + 1, end, r, depth);
        return true;
    }
    return false;
}

/* Whether a mangled type (by its first characters) starts at p: a known
 * assembly prefix, a well-known or synthetic name, or an array. */
static bool type_starts_at(const dctx *c, const char *p, const char *e)
{
    if (starts(p, e, "System___Canon") || starts(p, e, "__Array_") || starts(p, e, "__Array<"))
        return true;
    for (size_t i = 0; i < sizeof well_known / sizeof well_known[0]; i++) {
        size_t n = well_known[i].len;
        if (p < e && *p == well_known[i].mangled[0] && (size_t)(e - p) >= n &&
            memcmp(p, well_known[i].mangled, n) == 0 && (p + n >= e || p[n] == '_'))
            return true;
    }
    uint64_t h = fnv_init();
    for (const char *t = p; t < e && is_ident(*t) && t - p < 96; t++) {
        if (*t == '_' && t > p) {
            bool more;
            if (probe(c->names, AZ_NAMES_ASSEMBLY, p, (size_t)(t - p), h, &more))
                return true;
            if (!more)
                return false; /* no longer assembly name starts like this */
        }
        h = fnv_step(h, *t);
    }
    return false;
}

/* "__InterfaceDispatchMap_" names sanitize the whole type, '<' and '>'
 * included: "..._Bag_1_Enumerator_GenericsApp_Generics_App_Color_".  The
 * generic arguments start at the first '_' after an arity marker that is
 * followed by something that starts a type; they are kept sanitized.  Best
 * effort, at lower confidence. */
static void parse_dispatch_map_element(dctx *c, const char *s, const char *e, result *r, int depth)
{
    const char *cut = NULL;
    if (ends(s, e, "_")) {
        bool seen_arity = false;
        for (const char *q = s + 1; q + 1 < e && !cut; q++) {
            if (q[0] == '_' && is_digit(q[1]) && is_alnum(q[-1]))
                seen_arity = true; /* "List_1", "<Foo>d__16_1" */
            else if (seen_arity && q[0] == '_' && !is_digit(q[1]) && type_starts_at(c, q + 1, e - 1))
                cut = q;
        }
    }
    if (!cut) {
        parse_whole_type(c, s, e, r, depth);
        if (ends(s, e, "_"))
            lower_conf(&r->t, 60);
        return;
    }
    parse_whole_type(c, s, cut, r, depth);
    /* the definition, then the arguments as they are (sanitized) */
    r->type.len = 0;
    sb_addn(&r->type, r->def.p, r->def.len);
    sb_addc(&r->type, '<');
    sb_addn(&r->type, cut + 1, (size_t)(e - 1 - cut - 1));
    sb_addc(&r->type, '>');
    r->generic = AZ_GENERIC_NONE; /* cannot tell from sanitized arguments */
    lower_conf(&r->t, 60);
}

static void parse_dispatch_map(dctx *c, const char *s, const char *e, result *r, int depth)
{
    /* arrays: "__Array_<element>_" */
    int ranks = 0;
    while (starts(s, e, "__Array_") && ends(s, e, "_") && e - s > 9) {
        s += 8;
        e -= 1;
        ranks++;
    }
    parse_dispatch_map_element(c, s, e, r, depth);
    for (int i = 0; i < ranks; i++)
        sb_adds(&r->type, "[]");
    if (ranks) {
        r->def.len = 0;
        sb_addn(&r->def, r->type.p, r->type.len);
    }
}

/* Where the calling method begins in the method part of a dispatch cell:
 * "<interface method>_<caller>" or "..._<interface method>___GenericDict_<...>". */
static const char *caller_start(const dctx *c, const char *m, const char *e)
{
    for (const char *q = m + 1; q + 1 < e; q++) {
        if (*q != '_')
            continue;
        if (starts(q, e, "___GenericDict_"))
            return q;
        if (q[-1] != '_' && type_starts_at(c, q + 1, e))
            return q;
    }
    return NULL;
}

/* __DelegateCtor_[FromVtbl_]<ctor M>__<target M>[__<delegate T>__Invoke...Thunk] */
static bool parse_delegate_ctor(dctx *c, const char *s, const char *e, result *r, int depth)
{
    if (starts(s, e, "FromVtbl_"))
        s += 9;
    /* The constructor helper on System.Delegate comes first. */
    const char *p = parse_type(c, s, e, &r->t, depth);
    if (!p || !starts(p, e, "__"))
        return false;
    const char *target = find_lit(p + 2, e, "__");
    if (!target)
        return false;
    target += 2;
    result_clear_owner(r);
    const char *end = e;
    if (ends(target, e, "Thunk")) {
        /* Strip the trailing "__<delegate type>__Invoke...Thunk". */
        const char *inv = NULL;
        for (const char *q = e - 5; q > target + 1; q--) {
            if (q[-1] == '_' && q[-2] == '_' && starts(q, e, "Invoke")) {
                inv = q - 2;
                break;
            }
        }
        if (inv) {
            for (const char *q = inv - 1; q > target + 1; q--) {
                if (!(q[-1] == '_' && q[-2] == '_' && is_upper(*q)))
                    continue;
                tout probe;
                strb pb;
                char pb_mem[1024];
                sb_init(&pb, pb_mem, sizeof pb_mem);
                memset(&probe, 0, sizeof probe);
                probe.ns = probe.name = &pb;
                probe.conf = 100;
                if (parse_type(c, q, inv, &probe, depth + 1) == inv) {
                    end = q - 2;
                    break;
                }
            }
        }
    }
    return parse_method_symbol(c, target, end, r, depth);
}

/* __GenericLookupFrom{Type,Dict}_<owner>_<LookupKind>_<target>: the owner is
 * a canonical generic type or method, so it ends with '>'. */
static bool parse_generic_lookup(dctx *c, const char *s, const char *e, result *r, int depth, bool dict)
{
    int d = 0;
    const char *owner_end = NULL;
    for (const char *q = s; q < e; q++) {
        if (*q == '<')
            d++;
        else if (*q == '>' && --d == 0 && q + 3 < e && q[1] == '_' &&
                 (is_upper(q[2]) || (q[2] == '_' && q[3] == '_'))) {
            /* "..._GCStaticBase_...", "..._TypeHandle_...", "...___DelegateCtor_..." */
            owner_end = q + 1;
            break;
        }
    }
    if (!owner_end)
        owner_end = e;
    sb_addn(&r->extra, owner_end + (owner_end < e), (size_t)(e - owner_end - (owner_end < e)));
    if (dict)
        return parse_method_symbol(c, s, owner_end, r, depth);
    return parse_whole_type(c, s, owner_end, r, depth);
}

/* __Str_<literal, sanitized, at most 30 chars>[_<SHA-256 of the UTF-16 literal>] */
static void parse_frozen_string(const char *s, const char *e, result *r)
{
    const char *text_end = e;
    if (e - s >= 65 && e[-65] == '_') {
        bool hex = true;
        for (const char *q = e - 64; q < e && hex; q++)
            hex = is_hex_upper(*q);
        if (hex) {
            text_end = e - 65;
            sb_adds(&r->extra, "sha256 ");
            sb_addn(&r->extra, e - 64, 64);
        }
    }
    sb_addc(&r->method, '"');
    sb_addn(&r->method, s, (size_t)(text_end - s));
    sb_addc(&r->method, '"');
}

/* __FrozenObj_<T><allocation site>: the site number is glued to the type. */
static void parse_frozen_object(dctx *c, const char *s, const char *e, result *r, int depth)
{
    const char *d = e;
    while (d > s && is_digit(d[-1]))
        d--;
    if (d == e || d == s) {
        parse_whole_type(c, s, e, r, depth);
        lower_conf(&r->t, 60);
        return;
    }
    parse_whole_type(c, s, d, r, depth);
    /* After '>' the split is certain; after a name ending in digits it is not. */
    if (d[-1] != '>' && d[-1] != 'c')
        lower_conf(&r->t, 80);
}

static bool is_rva_field_name(const char *m, const char *e)
{
    if (m < e && *m == '_')
        m++;
    size_t n = (size_t)(e - m);
    if (n != 64 && n != 65)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!is_hex_upper(m[i]))
            return false;
    return n == 64 || is_digit(m[64]);
}

/* Decides the kind of one name and fills r.  depth guards the recursion
 * through node prefixes that wrap other symbols. */
static void classify(dctx *c, const char *s, const char *e, result *r, int depth)
{
    size_t n = (size_t)(e - s);

    for (size_t i = 0; n < 48 && i < sizeof compiler_data_names / sizeof compiler_data_names[0]; i++) {
        const char *name = compiler_data_names[i];
        if (name[0] == s[0] && name[1] == s[1] && strncmp(name, s, n) == 0 && name[n] == 0) {
            set_managed(r, AZ_KIND_COMPILER_DATA, "[ILC data]");
            sb_addn(&r->extra, s, n);
            return;
        }
    }

    const rule_group *group = rules_for(s);
    for (size_t i = 0; i < group->n; i++) {
        const struct prefix_rule *rule = &group->rules[i];
        size_t pn = rule->len;
        if (n < pn || rule->prefix[1] != s[1] || (pn > 2 && rule->prefix[2] != s[2]))
            continue;
        if (memcmp(s, rule->prefix, pn) != 0 ||
            (n == pn && rule->what != PAY_RAW && rule->what != PAY_STRING && rule->what != PAY_NAME))
            continue;
        const char *p = s + pn;
        if (rule->what == PAY_NUMBERED) {
            size_t nd = digits_at(p, e);
            if (nd == 0 || p + nd >= e)
                continue; /* "_lsda" alone, "_framework...": not ours */
            p += nd;
        }
        set_managed(r, rule->kind, rule->label);
        switch (rule->what) {
        case PAY_TYPE:
            parse_whole_type(c, p, e, r, depth);
            break;
        case PAY_STATICS:
            if (ends(p, e, "__PreInitData") && e - 13 > p) {
                set_managed(r, AZ_KIND_GC_STATICS_PREINIT, "[GC statics pre-init data]");
                e -= 13;
            }
            parse_whole_type(c, p, e, r, depth);
            break;
        case PAY_METHOD:
        case PAY_NUMBERED:
            if (rule->kind == AZ_KIND_UNBOXING_STUB ? parse_method(c, p, e, r, depth)
                                                     : parse_method_symbol(c, p, e, r, depth))
                break;
            result_clear_owner(r);
            if (rule->kind == AZ_KIND_READONLY_DATA) {
                /* "__readonlydata_g_requiredCpuFeatures": module-level blobs share the prefix */
                set_managed(r, AZ_KIND_COMPILER_DATA, "[ILC data]");
                sb_addn(&r->extra, s, n);
                break;
            }
            sb_addn(&r->extra, p, (size_t)(e - p));
            r->conf = 20;
            break;
        case PAY_TYPE_OR_METHOD: {
            const char *q = parse_type(c, p, e, &r->t, depth);
            if (q && q < e && starts(q, e, "__")) {
                result_clear_owner(r);
                if (!parse_method(c, p, e, r, depth))
                    parse_whole_type(c, p, e, r, depth);
            } else {
                result_clear_owner(r);
                parse_whole_type(c, p, e, r, depth);
            }
            break;
        }
        case PAY_MT_SYMBOL:
            if (depth >= MAX_DEPTH || !parse_mt_symbol(c, p, e, r, depth + 1)) {
                sb_addn(&r->extra, p, (size_t)(e - p));
                r->conf = 20;
            }
            break;
        case PAY_DISPATCH_MAP:
            parse_dispatch_map(c, p, e, r, depth);
            break;
        case PAY_STRING:
            parse_frozen_string(p, e, r);
            break;
        case PAY_FROZEN_OBJECT:
            parse_frozen_object(c, p, e, r, depth);
            break;
        case PAY_DELEGATE_CTOR:
            if (!parse_delegate_ctor(c, p, e, r, depth)) {
                result_clear_owner(r);
                sb_addn(&r->extra, p, (size_t)(e - p));
                r->conf = 20;
            }
            break;
        case PAY_GENERIC_LOOKUP:
            if (!parse_generic_lookup(c, p, e, r, depth, strcmp(rule->prefix, "__GenericLookupFromDict_") == 0))
                r->conf = 40;
            break;
        case PAY_DISPATCH_CELL:
        case PAY_METHOD_SHOWN: {
            result m;
            result_init(&m);
            const char *end = e;
            if (rule->what == PAY_DISPATCH_CELL) {
                /* <interface method>_<calling method>: keep the interface method */
                const char *q = parse_type(c, p, e, &m.t, depth + 1);
                const char *cut = q && starts(q, e, "__") ? caller_start(c, q + 2, e) : NULL;
                result_clear_owner(&m);
                if (cut)
                    end = cut;
            }
            if (parse_method(c, p, end, &m, depth + 1)) {
                add_qualified_type(&r->extra, &m);
                sb_addc(&r->extra, '.');
                sb_addn(&r->extra, m.method.p, m.method.len);
                sb_addn(&r->extra, m.inst.p, m.inst.len);
            } else {
                sb_addn(&r->extra, p, (size_t)(e - p));
            }
            break;
        }
        case PAY_RAW:
            sb_addn(&r->extra, p, (size_t)(e - p));
            break;
        case PAY_NAME:
            sb_addn(&r->extra, s, n);
            break;
        }
        return;
    }

    /* MethodTables: ILC's _ZTV names look like C++ vtables on purpose. */
    if (starts(s, e, "_ZTV") || starts(s, e, "??_7")) {
        if (parse_mt_symbol(c, s, e, r, depth)) {
            set_managed(r, AZ_KIND_METHODTABLE, "[MethodTable]");
            return;
        }
        result_clear_owner(r);
    }
    if (s[0] == '?' && s + 1 < e && s[1] != '?' && windows_statics(c, s, e, r, depth))
        return;

    if (starts(s, e, "<Boxed>")) {
        set_managed(r, AZ_KIND_UNBOXING_THUNK, "[unboxing thunk]");
        if (!parse_method_symbol(c, s, e, r, depth)) {
            result_clear_owner(r);
            sb_addn(&r->extra, s, n);
            r->conf = 20;
        }
        return;
    }
    if (s[0] == '<') {
        /* <rawpinvoke>, <GetCurrentMethod>, ...: IL stubs around a method */
        const char *gt = memchr(s, '>', n);
        set_managed(r, AZ_KIND_IL_STUB, "[IL stub]");
        if (!gt || !parse_method_symbol(c, gt + 1, e, r, depth)) {
            result_clear_owner(r);
            sb_addn(&r->extra, s, n);
            r->conf = 20;
        } else {
            sb_addn(&r->extra, s + 1, (size_t)(gt - s - 1));
        }
        return;
    }

    /* A managed method (or RVA data): starts like a type, has a '__'. */
    if ((is_alpha(s[0]) || starts(s, e, "__Array<") || starts(s, e, "__MDArray<") || starts(s, e, "__FnPtr_")) &&
        ilc_charset(s, e) && find_lit(s, e, "__")) {
        if (parse_method(c, s, e, r, depth)) {
            set_managed(r, AZ_KIND_METHOD, NULL);
            if (r->stub_name)
                set_managed(r, AZ_KIND_IL_STUB, "[IL stub]");
            /* <PrivateImplementationDetails>.<hash>: a static data blob (RVA field).
             * The hash is the last 64 or 65 characters, so the separator can
             * only end 64 to 66 characters before the end; the first one in
             * the name counts, so it is searched for only when one is there. */
            static const char pid[] = "_PrivateImplementationDetails___";
            bool rva = false;
            for (size_t back = 96; back <= 98 && !rva; back++)
                rva = n >= back && memcmp(e - back, pid, 32) == 0;
            const char *sep = rva ? find_lit(s, e, pid) : NULL;
            if (sep && is_rva_field_name(sep + 32, e)) {
                set_managed(r, AZ_KIND_FIELD_RVA_DATA, "[RVA data]");
                r->has_method = false;
                r->overload = -1;
                r->method.len = 0;
                r->method.p[0] = 0;
                const char *field = sep + 32;
                if (*field == '_')
                    field++; /* the '_' that sanitizing puts before a leading digit */
                sb_addn(&r->extra, field, (size_t)(e - field));
            }
            return;
        }
        result_clear_owner(r);
    }

    /* The native runtime (and anything else).  A C name does not say whether
     * it is code or data: it is reported as NATIVE_CODE and the caller, which
     * knows the symbol's section, refines it.  C++ names do say: vtables,
     * typeinfo and variables become NATIVE_DATA in build_display. */
    r->kind = AZ_KIND_NATIVE_CODE;
    r->managed = false;
    r->conf = 100;
}

/* ---- C++ ------------------------------------------------------------------------ */

const char *az_demangle_cxx(const char *raw, az_arena *arena)
{
    if (!raw || strncmp(raw, "_Z", 2) != 0)
        return NULL;
    if (strnlen(raw, MAX_CXX_LEN + 1) > MAX_CXX_LEN)
        return NULL;
    int status = 0;
    char *d = __cxa_demangle(raw, NULL, NULL, &status);
    if (!d)
        return NULL;
    const char *copy = status == 0 ? az_arena_strdup(arena, d) : NULL;
    free(d);
    return copy;
}

static bool cxx_is_data(const char *d)
{
    static const char *const data_prefixes[] = { "vtable for ", "VTT for ", "typeinfo for ", "typeinfo name for ",
                                                 "construction vtable for ", "guard variable for " };
    for (size_t i = 0; i < sizeof data_prefixes / sizeof data_prefixes[0]; i++)
        if (strncmp(d, data_prefixes[i], strlen(data_prefixes[i])) == 0)
            return true;
    return strchr(d, '(') == NULL; /* functions have a parameter list, variables do not */
}

/* ---- results ---------------------------------------------------------------------- */

/* Copies n bytes and a NUL to *w (a block sized for all of a result's
 * strings, allocated once) and returns the copy. */
static const char *put_str(char **w, const char *s, size_t n)
{
    char *out = *w;
    memcpy(out, s, n);
    out[n] = 0;
    *w = out + n + 1;
    return out;
}

/* "Ns.Type" (or "Type" in the global namespace) */
static void add_qualified_type(strb *d, const struct result *r)
{
    if (r->ns.len) {
        sb_addn(d, r->ns.p, r->ns.len);
        sb_addc(d, '.');
    }
    sb_addn(d, r->type.p, r->type.len);
}

static void build_display(result *r, const char *raw, size_t raw_len, az_arena *arena)
{
    strb *d = &r->display;
    if (!r->managed) {
        const char *cxx = raw_len <= MAX_CXX_LEN ? az_demangle_cxx(raw, arena) : NULL;
        if (cxx) {
            if (cxx_is_data(cxx))
                r->kind = AZ_KIND_NATIVE_DATA;
            sb_adds(d, cxx);
        } else {
            sb_addn(d, raw, raw_len);
        }
        return;
    }
    bool il_prefix = r->kind == AZ_KIND_IL_STUB && r->extra.len && r->extra.p[0] != '(';
    if (il_prefix) {
        sb_addc(d, '[');
        sb_addn(d, r->extra.p, r->extra.len);
        sb_adds(d, "] ");
    } else if (r->label) {
        sb_adds(d, r->label);
        sb_addc(d, ' ');
    }
    if (r->has_type) {
        add_qualified_type(d, r);
        if (r->boxed)
            sb_adds(d, " (boxed)");
    }
    if (r->kind == AZ_KIND_FIELD_RVA_DATA) {
        sb_addc(d, '.');
        sb_addn(d, r->extra.p, r->extra.len);
        return;
    }
    if (r->has_method) {
        if (r->has_type)
            sb_addc(d, '.');
        sb_addn(d, r->method.p, r->method.len);
        sb_addn(d, r->inst.p, r->inst.len);
        if (r->kind == AZ_KIND_IL_STUB && !il_prefix)
            sb_addn(d, r->extra.p, r->extra.len);
        if (r->overload >= 0) {
            sb_adds(d, " (overload ");
            sb_addi(d, r->overload);
            sb_addc(d, ')');
        }
    }
    if (r->kind == AZ_KIND_FROZEN_STRING) {
        sb_addn(d, r->method.p, r->method.len);
        return;
    }
    if (r->kind == AZ_KIND_HELPER_STUB && r->extra.len) {
        /* generic lookups: name the lookup kind ("GCStaticBase", "TypeHandle",
         * "DelegateCtor" ...) */
        const char *k = r->extra.p, *end = r->extra.p + r->extra.len;
        while (k < end && *k == '_')
            k++;
        const char *u = memchr(k, '_', (size_t)(end - k));
        sb_addc(d, ' ');
        sb_addn(d, k, (size_t)((u ? u : end) - k));
        return;
    }
    if (!r->has_type && !r->has_method)
        sb_addn(d, r->extra.p, r->extra.len);
}

static void finish(result *r, const char *raw, size_t raw_len, az_arena *arena, az_demangled *out)
{
    build_display(r, raw, raw_len, arena);
    out->kind = r->kind;
    out->managed = r->managed;
    out->overload = r->overload;
    out->generic = r->generic;
    uint8_t conf = r->conf;
    if ((r->has_type || r->has_method) && r->t.conf < conf)
        conf = r->t.conf;
    out->confidence = conf;
    /* All strings go into one arena block (one allocation per symbol). */
    bool with_method = r->has_method && r->kind != AZ_KIND_FROZEN_STRING;
    size_t asm_len = r->has_type && r->t.assembly ? strlen(r->t.assembly) : 0;
    bool def_is_type = r->def.len == r->type.len && memcmp(r->def.p, r->type.p, r->def.len) == 0;
    size_t total = r->display.len + 1;
    if (r->has_type)
        total += (r->t.assembly ? asm_len + 1 : 0) + r->ns.len + 1 + r->type.len + 1 + (def_is_type ? 0 : r->def.len + 1);
    if (with_method)
        total += r->method.len + 1 + (r->inst.len ? r->inst.len + 1 : 0);
    char *w = az_arena_alloc(arena, total);
    if (r->has_type) {
        out->assembly = r->t.assembly ? put_str(&w, r->t.assembly, asm_len) : NULL;
        out->ns = put_str(&w, r->ns.p, r->ns.len);
        out->type = put_str(&w, r->type.p, r->type.len);
        out->type_def = def_is_type ? out->type : put_str(&w, r->def.p, r->def.len);
    }
    if (with_method) {
        out->method = put_str(&w, r->method.p, r->method.len);
        out->method_inst = r->inst.len ? put_str(&w, r->inst.p, r->inst.len) : NULL;
    }
    out->display = put_str(&w, r->display.p, r->display.len);
}

/* Names longer than any real ILC name: the prefix says what they claim to
 * be, the rest is not examined. */
static void classify_long(const char *raw, result *r)
{
    const rule_group *group = rules_for(raw);
    for (size_t i = 0; i < group->n; i++) {
        const struct prefix_rule *rule = &group->rules[i];
        if (strncmp(raw, rule->prefix, rule->len) == 0) {
            set_managed(r, rule->kind, rule->label);
            sb_addn(&r->extra, raw, 256);
            sb_adds(&r->extra, "...");
            break;
        }
    }
    r->conf = 0;
}

void az_demangle(const char *raw, const az_names *names, az_arena *arena, az_demangled *out)
{
    memset(out, 0, sizeof *out);
    out->overload = -1;
    if (!raw)
        raw = "";
    size_t n = strlen(raw);
#ifdef AZ_DEMANGLE_MEMO_VERIFY
    check_rule_groups();
#endif
    result r;
    result_init(&r);
    if (n > MAX_PARSE_LEN) {
        classify_long(raw, &r);
    } else if (n > 0) {
        dctx c = { .names = names, .types_left = MAX_TYPES };
        classify(&c, raw, raw + n, &r, 0);
    } else {
        r.conf = 0;
    }
    finish(&r, raw, n, arena, out);
}

const char *az_kind_name(az_kind k)
{
    switch (k) {
    case AZ_KIND_UNKNOWN: return "unknown";
    case AZ_KIND_METHOD: return "method";
    case AZ_KIND_UNBOXING_STUB: return "unboxing_stub";
    case AZ_KIND_UNBOXING_THUNK: return "unboxing_thunk";
    case AZ_KIND_HELPER_STUB: return "helper_stub";
    case AZ_KIND_IL_STUB: return "il_stub";
    case AZ_KIND_METHODTABLE: return "methodtable";
    case AZ_KIND_GC_STATICS: return "gc_statics";
    case AZ_KIND_GC_STATICS_PREINIT: return "gc_statics_preinit";
    case AZ_KIND_NONGC_STATICS: return "nongc_statics";
    case AZ_KIND_THREAD_STATICS: return "thread_statics";
    case AZ_KIND_THREAD_STATIC_INDEX: return "thread_static_index";
    case AZ_KIND_GENERIC_DICT: return "generic_dictionary";
    case AZ_KIND_DISPATCH_MAP: return "dispatch_map";
    case AZ_KIND_SEALED_VTABLE: return "sealed_vtable";
    case AZ_KIND_WRITABLE_DATA: return "writable_data";
    case AZ_KIND_GENERIC_COMPOSITION: return "generic_composition";
    case AZ_KIND_GC_STATIC_EETYPE: return "gc_static_eetype";
    case AZ_KIND_FAT_POINTER: return "fat_pointer";
    case AZ_KIND_EH_INFO: return "eh_info";
    case AZ_KIND_ASSOCIATED_DATA: return "associated_data";
    case AZ_KIND_READONLY_DATA: return "readonly_data";
    case AZ_KIND_LSDA_LABEL: return "lsda_label";
    case AZ_KIND_FRAME_LABEL: return "frame_label";
    case AZ_KIND_FROZEN_STRING: return "frozen_string";
    case AZ_KIND_FROZEN_OBJECT: return "frozen_object";
    case AZ_KIND_FIELD_RVA_DATA: return "field_rva_data";
    case AZ_KIND_COMPILER_DATA: return "compiler_data";
    case AZ_KIND_NATIVE_CODE: return "native_code";
    case AZ_KIND_NATIVE_DATA: return "native_data";
    case AZ_KIND__COUNT: break;
    }
    return "unknown";
}

const char *az_generic_name(az_generic g)
{
    switch (g) {
    case AZ_GENERIC_NONE: return "none";
    case AZ_GENERIC_CANONICAL: return "canonical";
    case AZ_GENERIC_SPECIALIZED: return "specialized";
    }
    return "none";
}

/* ---- generic structure (for the generics view) ----------------------------------- */

/* The payload span of a MethodTable symbol: _ZTV<len>[Boxed_]<T> or
 * ??_7[Boxed_]<T>@@6B@. */
static bool mt_payload(const char *s, const char *e, const char **ps, const char **pe)
{
    const char *t, *te;
    if (starts(s, e, "_ZTV")) {
        size_t nd = digits_at(s + 4, e);
        if (nd == 0 || nd > 5)
            return false;
        size_t len = 0;
        for (size_t i = 0; i < nd; i++)
            len = len * 10 + (size_t)(s[4 + i] - '0');
        t = s + 4 + nd;
        te = e;
        if ((size_t)(te - t) != len)
            return false;
    } else if (starts(s, e, "??_7") && ends(s, e, "@@6B@")) {
        t = s + 4;
        te = e - 5;
    } else {
        return false;
    }
    if (starts(t, te, "Boxed_"))
        t += 6;
    if (te <= t || !ilc_charset(t, te))
        return false;
    *ps = t;
    *pe = te;
    return true;
}

/* The payload of [s, e), choosing the node prefix as classify() does. */
static bool payload_span(const char *s, const char *e, const char **ps, const char **pe)
{
    size_t n = (size_t)(e - s);
    const rule_group *group = rules_for(s);
    for (size_t i = 0; i < group->n; i++) {
        const struct prefix_rule *rule = &group->rules[i];
        size_t pn = rule->len;
        if (n <= pn || memcmp(s, rule->prefix, pn) != 0)
            continue;
        const char *p = s + pn;
        switch (rule->what) {
        case PAY_NUMBERED: {
            size_t nd = digits_at(p, e);
            if (nd == 0 || p + nd >= e)
                continue; /* not ours, as in classify() */
            p += nd;
            break;
        }
        case PAY_STATICS:
            if (ends(p, e, "__PreInitData") && e - 13 > p)
                e -= 13;
            break;
        case PAY_TYPE:
        case PAY_METHOD:
        case PAY_TYPE_OR_METHOD:
            break;
        case PAY_MT_SYMBOL:
            return mt_payload(p, e, ps, pe);
        default:
            return false;
        }
        *ps = p;
        *pe = e;
        return p < e;
    }
    if (starts(s, e, "_ZTV") || starts(s, e, "??_7"))
        return mt_payload(s, e, ps, pe);
    if (s[0] == '?' && n > 1 && s[1] != '?') {
        /* Windows statics: [cu]__GCSTATICS@<T>@@[suffix] and friends */
        const char *at = memchr(s, '@', n);
        const char *end = at ? find_lit(at + 1, e, "@@") : NULL;
        if (!end || end == at + 1)
            return false;
        *ps = at + 1;
        *pe = end;
        return true;
    }
    if (starts(s, e, "<Boxed>")) {
        /* <Boxed><T>__<unbox><M>: the boxed type T */
        const char *t = s + 7;
        int d = 0;
        for (const char *q = t; q + 8 < e; q++) {
            if (*q == '<')
                d++;
            else if (*q == '>')
                d--;
            else if (d == 0 && q[0] == '_' && q[1] == '_' && memcmp(q + 2, "<unbox>", 7) == 0) {
                if (q == t)
                    return false;
                *ps = t;
                *pe = q;
                return true;
            }
        }
        return false;
    }
    if (s[0] == '<') {
        /* IL stubs: <prefix><M> */
        const char *gt = memchr(s, '>', n);
        if (!gt || gt + 1 >= e)
            return false;
        *ps = gt + 1;
        *pe = e;
        return true;
    }
    if (ilc_charset(s, e) && find_lit(s, e, "__")) {
        *ps = s;
        *pe = e;
        return true;
    }
    return false;
}

bool az_demangle_payload(const char *raw, const char **start, size_t *len)
{
    size_t n = raw ? strlen(raw) : 0;
    if (n == 0 || n > MAX_PARSE_LEN)
        return false;
    const char *ps, *pe;
    if (!payload_span(raw, raw + n, &ps, &pe) || pe <= ps)
        return false;
    *start = ps;
    *len = (size_t)(pe - ps);
    return true;
}

size_t az_demangle_args(const char *args, size_t len, const az_names *names, az_arena *arena, az_type_arg *out,
                        size_t max)
{
    if (!args || len == 0 || len > MAX_PARSE_LEN)
        return 0;
    dctx c = { .names = names, .types_left = MAX_TYPES };
    const char *p = args, *e = args + len;
    size_t n = 0;
    for (;;) {
        strb text;
        char mem[1536];
        sb_init(&text, mem, sizeof mem);
        tout a;
        memset(&a, 0, sizeof a);
        a.ns = a.name = &text; /* an argument renders as "Namespace.Name" */
        a.conf = 100;
        /* depth 1: the same depth parse_args gives the arguments of a symbol's type */
        const char *q = parse_type(&c, p, e, &a, 1);
        if (!q || q == p)
            return 0;
        if (n < max) {
            az_type_arg *t = &out[n];
            t->mangled = az_arena_strndup(arena, p, (size_t)(q - p));
            t->display = az_arena_strndup(arena, text.p, text.len);
            t->assembly = a.assembly ? az_arena_strdup(arena, a.assembly) : NULL;
            t->is_value_type = a.value_type;
            t->is_canon = a.canon;
            t->has_canon = a.canon || find_lit(p, q, "System___Canon") != NULL;
        }
        n++;
        p = q;
        if (p >= e)
            return n;
        if (!(p + 1 < e && p[0] == '_' && p[1] == '_'))
            return 0;
        p += 2;
    }
}
