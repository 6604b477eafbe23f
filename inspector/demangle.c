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
 * arena at the end; nothing is shared between calls. */
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

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
static bool is_ident(char c) { return is_alnum(c) || c == '_'; }
static bool is_hex_upper(char c) { return is_digit(c) || (c >= 'A' && c <= 'F'); }

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
        if (memcmp(q, lit, n) == 0)
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

static const az_name_info *lookup(const az_names *n, az_names_table t, const char *s, size_t len, uint64_t h)
{
    return n ? az_names_find(n, t, s, len, h) : NULL;
}

/* ---- well-known and synthetic types ----------------------------------------- */

/* CoreLib's primitive types get short mangled names (NativeAotNameMangler);
 * shown with their real .NET names. */
static const struct well_known {
    const char *mangled;
    const char *name;
    bool value_type;
} well_known[] = {
    { "Bool", "Boolean", true },  { "Char", "Char", true },       { "Int8", "SByte", true },
    { "UInt8", "Byte", true },    { "Int16", "Int16", true },     { "UInt16", "UInt16", true },
    { "Int32", "Int32", true },   { "UInt32", "UInt32", true },   { "Int64", "Int64", true },
    { "UInt64", "UInt64", true }, { "IntPtr", "IntPtr", true },   { "UIntPtr", "UIntPtr", true },
    { "Single", "Single", true }, { "Double", "Double", true },   { "Object", "Object", false },
    { "String", "String", false },
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
    /* <Foo>d__3 -> _Foo_d__3 (async/iterator state machine) */
    const char *d = find_in_name(p + 1, e, "_d__");
    if (d && d > p + 1 && d + 4 < e && is_digit(d[4])) {
        const char *q = d + 4 + digits_at(d + 4, e);
        if (q >= e || !is_alnum(*q)) {
            *shape = SHAPE_STATEMACHINE;
            return (size_t)(q - p);
        }
    }
    /* <Foo>O__1_0 -> _Foo_O__1_0 */
    const char *o = find_in_name(p + 1, e, "_O__");
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
    const char *f = find_in_name(p + 1, e, "_F");
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
    const char *fb = find_in_name(p + 1, e, "_e__FixedBuffer");
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
} dctx;

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
    const char *best = NULL;
    uint64_t h = fnv_init();
    int probes = 0;
    /* (no namespace name is anywhere near 160 characters) */
    for (const char *q = p; q + 1 < e && is_ident(*q) && probes < 64 && q - p < 160; q++) {
        if (*q == '_' && q > p) {
            probes++;
            const az_name_info *ni = lookup(c->names, AZ_NAMES_NAMESPACE, p, (size_t)(q - p), h);
            if (ni) {
                best = q;
                *info = ni;
            }
        }
        h = fnv_step(h, *q);
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

static const char *parse_args(dctx *c, const char *p, const char *e, arglist *al, int depth)
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
                char num[16];
                snprintf(num, sizeof num, "`%d", s->arity);
                sb_adds(b, num);
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
static const char *parse_chain(const char *p, const char *e, chain *ch, tout *o, uint8_t nested_guess_conf)
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
            size_t n = match_cg_type(p + 1, e, &shape);
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
static const char *first_segment(const char *p, const char *e, chain *ch)
{
    enum shape shape;
    size_t n = match_cg_type(p, e, &shape);
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
static const char *guess_namespace(const char *p, const char *e, chain *ch, tout *o, uint8_t guess_conf)
{
    /* Right after the assembly, a compiler-generated type (<Module>,
     * <PrivateImplementationDetails>) or a lone identifier is in the global
     * namespace: nothing to guess. */
    if (p < e && *p == '_')
        return first_segment(p, e, ch);
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
        if (end + 1 < e && end[0] == '_' && end[1] == '_' && (n = match_cg_type(end + 1, e, &shape)) > 0 &&
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
    if (e - s >= 4) { /* the shortest is "Bool" */
        for (size_t i = 0; i < sizeof well_known / sizeof well_known[0] && !name; i++) {
            const char *w = well_known[i].mangled;
            size_t n = strlen(w);
            if (w[0] == s[0] && starts(s, e, w) && type_boundary(s + n, e)) {
                name = well_known[i].name;
                end = s + n;
                o->value_type = well_known[i].value_type;
            }
        }
    }
    /* Synthetic types take the namespace-only path (no assembly prefix). */
    static const char *const canons[] = { "System___Canon", "System___UniversalCanon" };
    for (size_t i = 0; i < 2 && !name; i++) {
        size_t n = strlen(canons[i]);
        if (starts(s, e, canons[i]) && type_boundary(s + n, e)) {
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
        return first_segment(s + 27, e, ch);
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
    for (int probes = 0; q < e && is_ident(*q) && probes < 96; q++) {
        if (*q == '_' && q > s) {
            probes++;
            const az_name_info *ti = lookup(c->names, AZ_NAMES_TYPE, s, (size_t)(q - s), h);
            if (ti) {
                type_hit = ti;
                type_end = q;
            }
            const az_name_info *ai = lookup(c->names, AZ_NAMES_ASSEMBLY, s, (size_t)(q - s), h);
            if (ai && nasm < 8) {
                asms[nasm].end = q;
                asms[nasm].info = ai;
                nasm++;
            }
        }
        h = fnv_step(h, *q);
    }
    if (q > s && (q >= e || !is_ident(*q))) {
        const az_name_info *ti = lookup(c->names, AZ_NAMES_TYPE, s, (size_t)(q - s), h);
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
        return guess_namespace(rest, e, ch, o, asm_known ? 70 : 60);
    sb_adds(o->ns, ns_info->display);
    const char *p = ns_end + 1;
    /* A file-local type may sit in a sub-namespace we do not know
     * ("..._Http_Generated__<file>F<hash>__Name"). */
    const char *t = p;
    while (t < e && is_alnum(*t))
        t++;
    enum shape shape;
    size_t n;
    if (t > p && t + 1 < e && t[0] == '_' && t[1] == '_' && (n = match_cg_type(t + 1, e, &shape)) > 0 &&
        shape == SHAPE_FILELOCAL) {
        sb_addc(o->ns, '.');
        add_dotted(o->ns, p, t);
        chain_push(ch, t + 1, n, shape);
        lower_conf(o, 90);
        return t + 1 + n;
    }
    return first_segment(p, e, ch);
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
    p = parse_chain(p, e, &ch, o, nested_guess);
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
static const char *parse_type(dctx *c, const char *s, const char *e, tout *o, int depth)
{
    if (depth > MAX_DEPTH || c->types_left <= 0 || s >= e) {
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

/* Parses a whole type payload [s, e).  Text the parser could not place is
 * kept, appended to the type name, at low confidence. */
static bool parse_whole_type(dctx *c, const char *s, const char *e, result *r, int depth)
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
static bool parse_method(dctx *c, const char *s, const char *e, result *r, int depth)
{
    const char *p = parse_type(c, s, e, &r->t, depth);
    if (!p || p + 2 >= e || p[0] != '_' || p[1] != '_' || r->type.len == 0)
        return false;
    r->has_type = true;
    r->generic = r->t.canon ? AZ_GENERIC_CANONICAL : r->t.form;
    parse_method_name(c, p + 2, e, r, depth);
    return true;
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

static const struct prefix_rule {
    const char *prefix;
    az_kind kind;
    payload what;
    const char *label;
} prefix_rules[] = {
    { "__GCSTATICS", AZ_KIND_GC_STATICS, PAY_STATICS, "[GC statics]" },
    { "__NONGCSTATICS", AZ_KIND_NONGC_STATICS, PAY_TYPE, "[non-GC statics]" },
    { "__THREADSTATICS", AZ_KIND_THREAD_STATICS, PAY_TYPE, "[thread statics]" },
    { "__TypeThreadStaticIndex", AZ_KIND_THREAD_STATIC_INDEX, PAY_TYPE, "[thread static index]" },
    { "__GenericDict_", AZ_KIND_GENERIC_DICT, PAY_TYPE_OR_METHOD, "[generic dictionary]" },
    { "__InterfaceDispatchMap_", AZ_KIND_DISPATCH_MAP, PAY_DISPATCH_MAP, "[dispatch map]" },
    { "__SealedVTable_", AZ_KIND_SEALED_VTABLE, PAY_MT_SYMBOL, "[sealed vtable]" },
    /* .NET 8: MethodTable optional fields, a per-type side table like the sealed vtable */
    { "__optionalfields_", AZ_KIND_SEALED_VTABLE, PAY_MT_SYMBOL, "[optional fields]" },
    { "__writableData", AZ_KIND_WRITABLE_DATA, PAY_TYPE, "[writable data]" },
    { "__GenericInstance_", AZ_KIND_GENERIC_COMPOSITION, PAY_RAW, "[generic composition]" },
    { "__GenericVariance_", AZ_KIND_GENERIC_COMPOSITION, PAY_RAW, "[generic variance]" },
    { "__GCStaticEEType_", AZ_KIND_GC_STATIC_EETYPE, PAY_RAW, "[GC static layout]" },
    { "__fatpointer_", AZ_KIND_FAT_POINTER, PAY_METHOD, "[fat pointer]" },
    { "__fatunboxpointer_", AZ_KIND_FAT_POINTER, PAY_METHOD, "[fat unboxing pointer]" },
    { "__fataddresstakenpointer_", AZ_KIND_FAT_POINTER, PAY_METHOD, "[fat address-taken pointer]" },
    { "__ehinfo_", AZ_KIND_EH_INFO, PAY_METHOD, "[EH info]" },
    { "_associatedData_", AZ_KIND_ASSOCIATED_DATA, PAY_METHOD, "[associated data]" },
    { "__readonlydata_", AZ_KIND_READONLY_DATA, PAY_METHOD, "[read-only data]" },
    { "_lsda", AZ_KIND_LSDA_LABEL, PAY_NUMBERED, "[LSDA]" },
    { "_fram", AZ_KIND_FRAME_LABEL, PAY_NUMBERED, "[funclet]" },
    { "_unwind", AZ_KIND_FRAME_LABEL, PAY_NUMBERED, "[unwind]" },
    { "__Str_", AZ_KIND_FROZEN_STRING, PAY_STRING, "[string]" },
    { "__FrozenObj_", AZ_KIND_FROZEN_OBJECT, PAY_FROZEN_OBJECT, "[frozen object]" },
    /* frozen System.RuntimeType object for a type (typeof(T)) */
    { "__RuntimeType_", AZ_KIND_FROZEN_OBJECT, PAY_TYPE, "[RuntimeType]" },
    { "unbox_", AZ_KIND_UNBOXING_STUB, PAY_METHOD, "[unboxing stub]" },
    { "__GetNonGCStaticBase_", AZ_KIND_HELPER_STUB, PAY_TYPE, "[GetNonGCStaticBase]" },
    { "__GetGCStaticBase_", AZ_KIND_HELPER_STUB, PAY_TYPE, "[GetGCStaticBase]" },
    { "__GetThreadStaticBase_", AZ_KIND_HELPER_STUB, PAY_TYPE, "[GetThreadStaticBase]" },
    { "__ResolveVirtualFunction_", AZ_KIND_HELPER_STUB, PAY_METHOD, "[ResolveVirtualFunction]" },
    { "__DelegateCtor_", AZ_KIND_HELPER_STUB, PAY_DELEGATE_CTOR, "[delegate ctor]" },
    { "__GenericLookupFromDict_", AZ_KIND_HELPER_STUB, PAY_GENERIC_LOOKUP, "[generic lookup]" },
    { "__GenericLookupFromType_", AZ_KIND_HELPER_STUB, PAY_GENERIC_LOOKUP, "[generic lookup]" },
    /* Per-call-site and per-handle cells: compiler data, as the rest of ILC's tables. */
    { "__InterfaceDispatchCell_", AZ_KIND_COMPILER_DATA, PAY_DISPATCH_CELL, "[dispatch cell]" },
    { "__RuntimeMethodHandle_", AZ_KIND_COMPILER_DATA, PAY_METHOD_SHOWN, "[method handle]" },
    { "__RMHSignature_", AZ_KIND_COMPILER_DATA, PAY_METHOD_SHOWN, "[method handle signature]" },
    { "__utf8str_", AZ_KIND_COMPILER_DATA, PAY_RAW, "[UTF-8 string]" },
    { "__utf16str_", AZ_KIND_COMPILER_DATA, PAY_RAW, "[UTF-16 string]" },
    { "__pinvoke_", AZ_KIND_COMPILER_DATA, PAY_RAW, "[P/Invoke fixup]" },
    { "__nativemodule_", AZ_KIND_COMPILER_DATA, PAY_RAW, "[P/Invoke module]" },
    { "__external_", AZ_KIND_COMPILER_DATA, PAY_NAME, "[ILC data]" },
    { "__embedded_", AZ_KIND_COMPILER_DATA, PAY_NAME, "[ILC data]" },
    { "g_compilerEmbedded", AZ_KIND_COMPILER_DATA, PAY_NAME, "[ILC data]" },
};

/* Characters an ILC-mangled name can contain (after the node prefix). */
static bool ilc_charset(const char *s, const char *e)
{
    for (; s < e; s++)
        if (!is_ident(*s) && *s != '<' && *s != '>' && *s != ',')
            return false;
    return true;
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
        size_t n = strlen(well_known[i].mangled);
        if (starts(p, e, well_known[i].mangled) && (p + n >= e || p[n] == '_'))
            return true;
    }
    uint64_t h = fnv_init();
    for (const char *t = p; t < e && is_ident(*t) && t - p < 96; t++) {
        if (*t == '_' && t > p && lookup(c->names, AZ_NAMES_ASSEMBLY, p, (size_t)(t - p), h))
            return true;
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
        if (name[0] == s[0] && strncmp(name, s, n) == 0 && name[n] == 0) {
            set_managed(r, AZ_KIND_COMPILER_DATA, "[ILC data]");
            sb_addn(&r->extra, s, n);
            return;
        }
    }

    for (size_t i = 0; i < sizeof prefix_rules / sizeof prefix_rules[0]; i++) {
        const struct prefix_rule *rule = &prefix_rules[i];
        if (rule->prefix[0] != s[0] || (n > 1 && rule->prefix[1] != s[1]))
            continue;
        size_t pn = strlen(rule->prefix);
        if (!starts(s, e, rule->prefix) ||
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
            /* <PrivateImplementationDetails>.<hash>: a static data blob (RVA field) */
            const char *sep = find_lit(s, e, "_PrivateImplementationDetails___");
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

static const char *dup_sb(az_arena *a, const strb *b)
{
    return az_arena_strndup(a, b->p, b->len);
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
            char num[32];
            snprintf(num, sizeof num, " (overload %d)", r->overload);
            sb_adds(d, num);
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
    if (r->has_type) {
        out->assembly = r->t.assembly ? az_arena_strdup(arena, r->t.assembly) : NULL;
        out->ns = dup_sb(arena, &r->ns);
        out->type = dup_sb(arena, &r->type);
        out->type_def = (r->def.len == r->type.len && memcmp(r->def.p, r->type.p, r->def.len) == 0)
                            ? out->type
                            : dup_sb(arena, &r->def);
    }
    if (r->has_method && r->kind != AZ_KIND_FROZEN_STRING) {
        out->method = dup_sb(arena, &r->method);
        out->method_inst = r->inst.len ? dup_sb(arena, &r->inst) : NULL;
    }
    out->display = dup_sb(arena, &r->display);
}

/* Names longer than any real ILC name: the prefix says what they claim to
 * be, the rest is not examined. */
static void classify_long(const char *raw, result *r)
{
    for (size_t i = 0; i < sizeof prefix_rules / sizeof prefix_rules[0]; i++) {
        if (strncmp(raw, prefix_rules[i].prefix, strlen(prefix_rules[i].prefix)) == 0) {
            set_managed(r, prefix_rules[i].kind, prefix_rules[i].label);
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
    result r;
    result_init(&r);
    if (n > MAX_PARSE_LEN) {
        classify_long(raw, &r);
    } else if (n > 0) {
        dctx c = { names, MAX_TYPES };
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
