// Stand-in for the pieces of Microsoft's static C runtime (libcmt / libvcruntime /
// libcpmt) that a Native AOT win-x64 image links.  The MSVC libraries are not
// redistributable and not installable on Linux, so samples/build-windows.sh
// compiles this file with `clang++ --target=x86_64-pc-windows-msvc` and links it
// instead.  Each definition follows what the MSVC CRT provides under the same
// name (start-up, /GS cookie, TLS directory, C++ nothrow new/delete, the CFG
// dispatch pointer and the load config directory), kept short.  Everything else
// in the sample images (ILC's object, bootstrapper, runtime libraries) is the
// real output of the .NET SDK and runtime pack.
//
// No headers: the Windows SDK is not available either, so the few types and
// imports used are declared here.

typedef unsigned long long size_t;
typedef unsigned long long uintptr_t;
typedef unsigned short wchar_t_;
typedef void (*pvfv)(void);
typedef int (*pifv)(void);

extern "C" {

// ---- imports from the universal CRT (ucrt.lib = mingw-w64 libucrt.a) ----
void *malloc(size_t);
void free(void *);
void exit(int);
int _crt_atexit(pvfv);
int _configure_wide_argv(int mode);
int *__p___argc(void);
wchar_t ***__p___wargv(void);
void _set_app_type(int);
void _initterm(pvfv *, pvfv *);
int _initterm_e(pifv *, pifv *);

// The application entry point, defined by the runtime pack's bootstrapper.obj.
int wmain(int argc, wchar_t **argv);

// ---- /GS security cookie ----
// Same default value as the MSVC CRT (gs_cookie.c); __security_init_cookie
// perturbs it at start-up.
uintptr_t __security_cookie = 0x00002B992DDFA232ull;
uintptr_t __security_cookie_complement = ~0x00002B992DDFA232ull;

void __security_init_cookie(void)
{
    uintptr_t c = __security_cookie ^ (uintptr_t)&c;
    if (c == 0x00002B992DDFA232ull || c == 0)
        c = 0x00002B992DDFA233ull;
    __security_cookie = c & 0x0000FFFFFFFFFFFFull;
    __security_cookie_complement = ~__security_cookie;
}

[[noreturn]] static void fast_fail(unsigned code)
{
    __asm__ volatile("int $0x29" ::"c"(code));  // __fastfail
    __builtin_unreachable();
}

void __security_check_cookie(uintptr_t cookie)
{
    if (cookie != __security_cookie)
        fast_fail(2);  // FAST_FAIL_STACK_COOKIE_CHECK_FAILURE
}

void __report_rangecheckfailure(void) { fast_fail(8); }  // FAST_FAIL_RANGE_CHECK_FAILURE

// Language-specific handler named in the unwind info of /GS functions; the
// MSVC version checks the cookie and then continues the search.
int __GSHandlerCheck(void *record, void *frame, void *context, void *dispatcher)
{
    (void)record; (void)frame; (void)context; (void)dispatcher;
    return 1;  // ExceptionContinueSearch
}

// Tells the linker that floating point is used (MSVC's fltused.cpp).
int _fltused = 0x9875;

// ---- static TLS (MSVC's tlssup.cpp / tlsdyn.cpp) ----
// The linker points the TLS data directory at _tls_used.
unsigned _tls_index = 0;
__attribute__((section(".tls"))) char _tls_start = 0;
__attribute__((section(".tls$ZZZ"))) char _tls_end = 0;
__attribute__((section(".CRT$XLA"))) pvfv __xl_a = 0;
__attribute__((section(".CRT$XLZ"))) pvfv __xl_z = 0;

struct tls_directory {
    uintptr_t start, end, index, callbacks;
    unsigned zero_fill, characteristics;
};
extern const tls_directory _tls_used;
__attribute__((section(".rdata$T"))) const tls_directory _tls_used = {
    (uintptr_t)&_tls_start, (uintptr_t)&_tls_end, (uintptr_t)&_tls_index,
    (uintptr_t)(&__xl_a + 1), 0, 0,
};

// Dynamic initialisation of thread_local variables: the runtime asks for it on
// first use of a thread_local that needs a constructor.
__declspec(thread) bool __tls_guard = false;
__attribute__((section(".CRT$XDA"))) pvfv __xd_a = 0;
__attribute__((section(".CRT$XDZ"))) pvfv __xd_z = 0;

void __stdcall __dyn_tls_init(void *module, unsigned long reason, void *reserved)
{
    (void)module; (void)reserved;
    if (reason != 2 /* DLL_THREAD_ATTACH */ || __tls_guard)
        return;
    __tls_guard = true;
    for (pvfv *p = &__xd_a + 1; p != &__xd_z; ++p)
        if (*p)
            (*p)();
}
__attribute__((section(".CRT$XLC"), used)) void(__stdcall *const __xl_c)(void *, unsigned long, void *) =
    __dyn_tls_init;

void __dyn_tls_on_demand_init(void) { __dyn_tls_init(nullptr, 2, nullptr); }

// ---- Control Flow Guard dispatch (MSVC's guard_support.c) ----
// Without /guard:cf the dispatch pointer targets a plain `jmp rax`.
__attribute__((naked)) void _guard_dispatch_icall_nop(void) { __asm__("jmp *%rax"); }
__attribute__((naked)) void _guard_check_icall_nop(void) { __asm__("ret"); }
__attribute__((section(".00cfg"))) void (*__guard_dispatch_icall_fptr)(void) = _guard_dispatch_icall_nop;
__attribute__((section(".00cfg"))) void (*__guard_check_icall_fptr)(void) = _guard_check_icall_nop;

// ---- load config directory (MSVC's loadcfg.c); the linker points the data
// directory at _load_config_used.  Layout: IMAGE_LOAD_CONFIG_DIRECTORY64 up to
// GuardFlags (148 bytes), the fields the loader reads for /GS and CFG. ----
struct load_config {
    unsigned size, time_date_stamp;
    unsigned short major, minor;
    unsigned global_flags_clear, global_flags_set, critical_section_timeout;
    uintptr_t decommit_free_block_threshold, decommit_total_free_threshold, lock_prefix_table,
        maximum_allocation_size, virtual_memory_threshold, process_affinity_mask;
    unsigned process_heap_flags;
    unsigned short csd_version, dependent_load_flags;
    uintptr_t edit_list, security_cookie, se_handler_table, se_handler_count,
        guard_cf_check_function_pointer, guard_cf_dispatch_function_pointer,
        guard_cf_function_table, guard_cf_function_count;
    unsigned guard_flags;
};
extern const load_config _load_config_used;
const load_config _load_config_used = {
    sizeof(load_config), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    (uintptr_t)&__security_cookie, 0, 0,
    (uintptr_t)&__guard_check_icall_fptr, (uintptr_t)&__guard_dispatch_icall_fptr, 0, 0, 0,
};

// ---- atexit (MSVC's utility.cpp, EXE flavour) ----
int atexit(pvfv f) { return _crt_atexit(f) == 0 ? 0 : -1; }

// ---- stack probe (MSVC's chkstk.asm): touch every page below rsp down to
// rsp - rax, without moving rsp. ----
__asm__(".globl __chkstk\n"
        "__chkstk:\n"
        "  push %rcx\n"
        "  push %rax\n"
        "  lea 24(%rsp), %rcx\n"
        "1:\n"
        "  cmp $0x1000, %rax\n"
        "  jb 2f\n"
        "  sub $0x1000, %rcx\n"
        "  test %rcx, (%rcx)\n"
        "  sub $0x1000, %rax\n"
        "  jmp 1b\n"
        "2:\n"
        "  sub %rax, %rcx\n"
        "  test %rcx, (%rcx)\n"
        "  pop %rax\n"
        "  pop %rcx\n"
        "  ret\n");

// ---- C and C++ initialiser tables (.CRT$XI* / .CRT$XC*, sorted by the linker) ----
__attribute__((section(".CRT$XIA"))) pifv __xi_a[] = {0};
__attribute__((section(".CRT$XIZ"))) pifv __xi_z[] = {0};
__attribute__((section(".CRT$XCA"))) pvfv __xc_a[] = {0};
__attribute__((section(".CRT$XCZ"))) pvfv __xc_z[] = {0};

// ---- entry point (MSVC's exe_wmain.cpp / exe_common.inl, console app) ----
void wmainCRTStartup(void)
{
    __security_init_cookie();
    _set_app_type(1);           // _crt_console_app
    _configure_wide_argv(1);    // _crt_argv_unexpanded_arguments
    if (_initterm_e(__xi_a, __xi_z) != 0)
        exit(255);
    _initterm(__xc_a, __xc_z);
    exit(wmain(*__p___argc(), *__p___wargv()));
}

}  // extern "C"

// ---- C++ nothrow allocation (MSVC's new_array_nothrow.cpp and friends) ----
namespace std {
struct nothrow_t { explicit nothrow_t() = default; };
extern const nothrow_t nothrow;
const nothrow_t nothrow{};
}

void *operator new(size_t n, const std::nothrow_t &) noexcept { return malloc(n ? n : 1); }
void *operator new[](size_t n, const std::nothrow_t &) noexcept { return malloc(n ? n : 1); }
void operator delete(void *p, size_t) noexcept { free(p); }
void operator delete[](void *p) noexcept { free(p); }
