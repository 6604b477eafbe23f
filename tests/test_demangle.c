/* Tests for the ILC symbol demangler (inspector/demangle.c) and its name
 * sets (inspector/names.c).
 *
 * real_cases are symbol names copied from the samples in samples/bin (the
 * .dbg symbol tables and .map.xml files of the hello, generics and webapi
 * builds; net10 linux-x64 unless noted).  Their expected parts are facts
 * about those builds, checked against ILC's own records:
 *   - kind: the element name of the node in the .map.xml (MethodCode,
 *     ConstructedEEType, GCStatics, ...); names not in the map (frozen
 *     strings and objects, LSDA labels, dispatch cells, native code) by
 *     their documented prefix (reference/nativeaot-format.md §1.5);
 *   - assembly, namespace, type, method, generic arguments: the .mstat of
 *     the same build, which stores next to each mangled MethodTable and
 *     method-body name the metadata it came from.
 * Two presentation choices differ from the mstat on purpose: arrays and
 * pointers carry their element's assembly and namespace ("System" +
 * "Int32[]"), and unboxing thunks are reported on the boxed value type and
 * its method (the mstat invents a Boxed_<T> type for them).  Where the split
 * is a documented guess (unknown namespace or assembly), the case asserts
 * the guess and its lowered confidence.  The registered names
 * mirror what the analysis does: app assemblies given by the user, value
 * types learned from the boxed MethodTables (_ZTV<n>Boxed_<T>) that exist in
 * the same binaries.
 *
 * Build (the meson test links the same sources):
 *   gcc -std=c17 -D_GNU_SOURCE -Wall -Wextra -g -fsanitize=address,undefined -I. \
 *       tests/test_demangle.c inspector/demangle.c inspector/names.c formats/arena.c -lstdc++ */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../inspector/demangle.h"
#include "test.h"

typedef struct dcase {
    const char *raw;
    az_kind kind;
    const char *assembly, *ns, *type, *type_def, *method, *method_inst;
    bool managed;
    int overload;
    az_generic generic;
    int confidence;
    const char *display; /* NULL: not checked */
} dcase;

static const dcase real_cases[] = {
    /* Methods: framework, overloads, constructors (net10 linux-x64 hello/generics/webapi) */
    {"S_P_CoreLib_System_ThrowHelper__ThrowArgumentOutOfRangeException", AZ_KIND_METHOD, "System.Private.CoreLib",
     "System", "ThrowHelper", "ThrowHelper", "ThrowArgumentOutOfRangeException", NULL, true, -1, AZ_GENERIC_NONE,
     100, "System.ThrowHelper.ThrowArgumentOutOfRangeException"},
    {"System_Console_System_Console__WriteLine_12", AZ_KIND_METHOD, "System.Console", "System", "Console",
     "Console", "WriteLine", NULL, true, 12, AZ_GENERIC_NONE, 90, "System.Console.WriteLine (overload 12)"},
    {"S_P_CoreLib_System_InvalidOperationException___ctor_0", AZ_KIND_METHOD, "System.Private.CoreLib", "System",
     "InvalidOperationException", "InvalidOperationException", ".ctor", NULL, true, 0, AZ_GENERIC_NONE, 90,
     "System.InvalidOperationException..ctor (overload 0)"},
    {"S_P_CoreLib_Internal_Runtime_CompilerHelpers_StartupCodeHelpers__InitializeModules", AZ_KIND_METHOD,
     "System.Private.CoreLib", "Internal.Runtime.CompilerHelpers", "StartupCodeHelpers", "StartupCodeHelpers",
     "InitializeModules", NULL, true, -1, AZ_GENERIC_NONE, 100,
     "Internal.Runtime.CompilerHelpers.StartupCodeHelpers.InitializeModules"},
    {"S_P_CoreLib_Internal_Metadata_NativeFormat_MdBinaryReader__Read_107", AZ_KIND_METHOD,
     "System.Private.CoreLib", "Internal.Metadata.NativeFormat", "MdBinaryReader", "MdBinaryReader", "Read", NULL,
     true, 107, AZ_GENERIC_NONE, 90, "Internal.Metadata.NativeFormat.MdBinaryReader.Read (overload 107)"},
    {"System_Security_Cryptography_Interop_Crypto__EvpSha3_256", AZ_KIND_METHOD, "System.Security.Cryptography",
     "", "Interop+Crypto", "Interop+Crypto", "EvpSha3_256", NULL, true, -1, AZ_GENERIC_NONE, 100,
     "Interop+Crypto.EvpSha3_256"},
    /* The entry point and top-level statements: <Module>, <Main>$ (hello) */
    {"hello__Module___StartupCodeMain", AZ_KIND_METHOD, "hello", "", "<Module>", "<Module>", "StartupCodeMain",
     NULL, true, -1, AZ_GENERIC_NONE, 100, "<Module>.StartupCodeMain"},
    {"hello_Program___Main__", AZ_KIND_METHOD, "hello", "", "Program", "Program", "<Main>$", NULL, true, -1,
     AZ_GENERIC_NONE, 100, "Program.<Main>$"},
    /* Generic types: struct specialization vs shared __Canon code */
    {"S_P_CoreLib_System_Collections_Generic_List_1<Int32>__Add", AZ_KIND_METHOD, "System.Private.CoreLib",
     "System.Collections.Generic", "List<Int32>", "List`1", "Add", NULL, true, -1, AZ_GENERIC_SPECIALIZED, 100,
     "System.Collections.Generic.List<Int32>.Add"},
    {"S_P_CoreLib_System_Collections_Generic_List_1<System___Canon>__Add", AZ_KIND_METHOD,
     "System.Private.CoreLib", "System.Collections.Generic", "List<__Canon>", "List`1", "Add", NULL, true, -1,
     AZ_GENERIC_CANONICAL, 100, "System.Collections.Generic.List<__Canon>.Add"},
    {"S_P_CoreLib_System_ReadOnlySpan_1<Char>__ToString", AZ_KIND_METHOD, "System.Private.CoreLib", "System",
     "ReadOnlySpan<Char>", "ReadOnlySpan`1", "ToString", NULL, true, -1, AZ_GENERIC_SPECIALIZED, 100,
     "System.ReadOnlySpan<Char>.ToString"},
    {"S_P_CoreLib_System_Collections_Generic_Dictionary_2<System___Canon__System___Canon>__TryInsert",
     AZ_KIND_METHOD, "System.Private.CoreLib", "System.Collections.Generic", "Dictionary<__Canon, __Canon>",
     "Dictionary`2", "TryInsert", NULL, true, -1, AZ_GENERIC_CANONICAL, 100,
     "System.Collections.Generic.Dictionary<__Canon, __Canon>.TryInsert"},
    /* Compiler-generated names: closures, lambdas, local functions, state machines */
    {"GenericsApp_Generics_App_Program___c__DisplayClass26_0___LambdasAndLocalFunctions_b__0", AZ_KIND_METHOD,
     "GenericsApp", "Generics.App", "Program+<>c__DisplayClass26_0", "Program+<>c__DisplayClass26_0",
     "<LambdasAndLocalFunctions>b__0", NULL, true, -1, AZ_GENERIC_NONE, 70,
     "Generics.App.Program+<>c__DisplayClass26_0.<LambdasAndLocalFunctions>b__0"},
    {"GenericsApp_Generics_App_Program___LambdasAndLocalFunctions_g__Fib_26_8", AZ_KIND_METHOD, "GenericsApp",
     "Generics.App", "Program", "Program", "<LambdasAndLocalFunctions>g__Fib|26_8", NULL, true, -1,
     AZ_GENERIC_NONE, 70, "Generics.App.Program.<LambdasAndLocalFunctions>g__Fib|26_8"},
    {"GenericsApp_Generics_App_Program___c___Algorithms_b__13_0", AZ_KIND_METHOD, "GenericsApp", "Generics.App",
     "Program+<>c", "Program+<>c", "<Algorithms>b__13_0", NULL, true, -1, AZ_GENERIC_NONE, 70,
     "Generics.App.Program+<>c.<Algorithms>b__13_0"},
    {"Bool___TryParse_g__TryParseUncommon_20_0", AZ_KIND_METHOD, "System.Private.CoreLib", "System", "Boolean",
     "Boolean", "<TryParse>g__TryParseUncommon|20_0", NULL, true, -1, AZ_GENERIC_NONE, 100,
     "System.Boolean.<TryParse>g__TryParseUncommon|20_0"},
    {"GenericsApp_Generics_App_Program__AsyncOverStructs_d__19__MoveNext", AZ_KIND_METHOD, "GenericsApp",
     "Generics.App", "Program+<AsyncOverStructs>d__19", "Program+<AsyncOverStructs>d__19", "MoveNext", NULL, true,
     -1, AZ_GENERIC_NONE, 70, "Generics.App.Program+<AsyncOverStructs>d__19.MoveNext"},
    {"GenericsApp_Generics_App_Program__EchoAsync_d__16_1<GenericsApp_Generics_App_LargeRefStruct>__MoveNext",
     AZ_KIND_METHOD, "GenericsApp", "Generics.App", "Program+<EchoAsync>d__16<Generics.App.LargeRefStruct>",
     "Program+<EchoAsync>d__16`1", "MoveNext", NULL, true, -1, AZ_GENERIC_SPECIALIZED, 70,
     "Generics.App.Program+<EchoAsync>d__16<Generics.App.LargeRefStruct>.MoveNext"},
    {"Microsoft_Extensions_Hosting_Microsoft_Extensions_Hosting_Internal_Host___StartAsync_b__14_1_d__MoveNext",
     AZ_KIND_METHOD, "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Hosting.Internal",
     "Host+<<StartAsync>b__14_1>d", "Host+<<StartAsync>b__14_1>d", "MoveNext", NULL, true, -1, AZ_GENERIC_NONE,
     100, "Microsoft.Extensions.Hosting.Internal.Host+<<StartAsync>b__14_1>d.MoveNext"},
    {"System_Linq_System_Linq_Enumerable___ToArray_g__EnumerableToArray_314_0<GenericsApp_Generics_App_LargeStruct"
     ">",
     AZ_KIND_METHOD, "System.Linq", "System.Linq", "Enumerable", "Enumerable",
     "<ToArray>g__EnumerableToArray|314_0", "<Generics.App.LargeStruct>", true, -1, AZ_GENERIC_SPECIALIZED, 90,
     "System.Linq.Enumerable.<ToArray>g__EnumerableToArray|314_0<Generics.App.LargeStruct>"},
    {"S_P_CoreLib_System_Collections_Generic_List_1<Microsoft_AspNetCore_Server_Kestrel_Core_Microsoft_AspNetCore_"
     "Server_Kestrel_Core_Internal_Http2_Http2PeerSetting>__System_Collections_Generic_IEnumerable_T__GetEnumerato"
     "r",
     AZ_KIND_METHOD, "System.Private.CoreLib", "System.Collections.Generic",
     "List<Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http2.Http2PeerSetting>", "List`1",
     "System.Collections.Generic.IEnumerable<T>.GetEnumerator", NULL, true, -1, AZ_GENERIC_SPECIALIZED, 100,
     "System.Collections.Generic.List<Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http2.Http2PeerSetting>.Sy"
     "stem.Collections.Generic.IEnumerable<T>.GetEnumerator"},
    {"GenericsApp_Generics_App_Algo__Max<Int32>", AZ_KIND_METHOD, "GenericsApp", "Generics.App", "Algo", "Algo",
     "Max", "<Int32>", true, -1, AZ_GENERIC_SPECIALIZED, 70, "Generics.App.Algo.Max<Int32>"},
    {"GenericsApp_Generics_App_Algo__Swap<Int32>", AZ_KIND_METHOD, "GenericsApp", "Generics.App", "Algo", "Algo",
     "Swap", "<Int32>", true, -1, AZ_GENERIC_SPECIALIZED, 70, "Generics.App.Algo.Swap<Int32>"},
    {"S_P_TypeLoader_Internal_Runtime_TypeLoader_GenericDictionaryCell_MethodLdTokenCell__Create", AZ_KIND_METHOD,
     "System.Private.TypeLoader", "Internal.Runtime.TypeLoader", "GenericDictionaryCell+MethodLdTokenCell",
     "GenericDictionaryCell+MethodLdTokenCell", "Create", NULL, true, -1, AZ_GENERIC_NONE, 100,
     "Internal.Runtime.TypeLoader.GenericDictionaryCell+MethodLdTokenCell.Create"},
    {"S_P_CoreLib_System_Collections_Generic_Dictionary_2_Enumerator<System___Canon__System___Canon>__MoveNext",
     AZ_KIND_METHOD, "System.Private.CoreLib", "System.Collections.Generic",
     "Dictionary<__Canon, __Canon>+Enumerator", "Dictionary`2+Enumerator", "MoveNext", NULL, true, -1,
     AZ_GENERIC_CANONICAL, 100, "System.Collections.Generic.Dictionary<__Canon, __Canon>+Enumerator.MoveNext"},
    /* IL stubs, methods on arrays, RVA data, <PrivateImplementationDetails>, file-local types */
    {"Internal_CompilerGenerated__Module___<DynamicInvoke>None<Bool__Int32>", AZ_KIND_IL_STUB,
     "System.Private.CompilerGenerated", "Internal.CompilerGenerated", "<Module>", "<Module>", "DynamicInvoke",
     NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[IL stub] Internal.CompilerGenerated.<Module>.DynamicInvoke(Boolean, Int32)"},
    {"__MDArray<GenericsApp_Generics_App_MyKey,2>__Set", AZ_KIND_METHOD, "GenericsApp", "Generics.App", "MyKey[,]",
     "MyKey[,]", "Set", NULL, true, -1, AZ_GENERIC_NONE, 70, "Generics.App.MyKey[,].Set"},
    {"GenericsApp__PrivateImplementationDetails____1FF7A222646F0261A6C13122E2D55F63074832445D115D3D7818A8B18AB1F7D"
     "D",
     AZ_KIND_FIELD_RVA_DATA, "GenericsApp", "", "<PrivateImplementationDetails>", "<PrivateImplementationDetails>",
     NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[RVA data] <PrivateImplementationDetails>.1FF7A222646F0261A6C13122E2D55F63074832445D115D3D7818A8B18AB1F7DD"},
    {"S_P_CoreLib__PrivateImplementationDetails___A252A93D042C5E2453990C2829A425C6DD749CCDCDF13DB58C11BBC78E8D3CE9",
     AZ_KIND_FIELD_RVA_DATA, "System.Private.CoreLib", "", "<PrivateImplementationDetails>",
     "<PrivateImplementationDetails>", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[RVA data] <PrivateImplementationDetails>.A252A93D042C5E2453990C2829A425C6DD749CCDCDF13DB58C11BBC78E8D3CE9"},
    {"GenericsApp__PrivateImplementationDetails___InlineArrayAsReadOnlySpan<GenericsApp___y__InlineArray10_1<Syste"
     "m___Canon>__System___Canon>",
     AZ_KIND_METHOD, "GenericsApp", "", "<PrivateImplementationDetails>", "<PrivateImplementationDetails>",
     "InlineArrayAsReadOnlySpan", "<<>y__InlineArray10<__Canon>, __Canon>", true, -1, AZ_GENERIC_CANONICAL, 100,
     "<PrivateImplementationDetails>.InlineArrayAsReadOnlySpan<<>y__InlineArray10<__Canon>, __Canon>"},
    {"Microsoft_AspNetCore_Routing_System_Text_RegularExpressions_Generated__RegexGenerator_g_F6CD046E24A4547AE360"
     "7A65B380201CD40584E92678706E0259A55ABB8E0047D__AlphaRouteRegex_0_RunnerFactory_Runner__Scan",
     AZ_KIND_METHOD, "Microsoft.AspNetCore.Routing", "System.Text.RegularExpressions.Generated",
     "<RegexGenerator_g>F6CD046E24A4547AE3607A65B380201CD40584E92678706E0259A55ABB8E0047D__AlphaRouteRegex_0+Runne"
     "rFactory+Runner",
     "<RegexGenerator_g>F6CD046E24A4547AE3607A65B380201CD40584E92678706E0259A55ABB8E0047D__AlphaRouteRegex_0+Runne"
     "rFactory+Runner",
     "Scan", NULL, true, -1, AZ_GENERIC_NONE, 80,
     "System.Text.RegularExpressions.Generated.<RegexGenerator_g>F6CD046E24A4547AE3607A65B380201CD40584E92678706E0"
     "259A55ABB8E0047D__AlphaRouteRegex_0+RunnerFactory+Runner.Scan"},
    /* MethodTables (map.xml: ConstructedEEType, EEType, CanonicalDefinitionEEType) and C++ vtables */
    {"_ZTV6String", AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System", "String", "String", NULL, NULL, true,
     -1, AZ_GENERIC_NONE, 100, "[MethodTable] System.String"},
    {"_ZTV11Boxed_Int32", AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System", "Int32", "Int32", NULL, NULL,
     true, -1, AZ_GENERIC_NONE, 100, "[MethodTable] System.Int32 (boxed)"},
    {"_ZTV14System___Canon", AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System", "__Canon", "__Canon", NULL,
     NULL, true, -1, AZ_GENERIC_CANONICAL, 100, "[MethodTable] System.__Canon"},
    {"_ZTV31GenericsApp_Generics_App_Circle", AZ_KIND_METHODTABLE, "GenericsApp", "Generics.App", "Circle",
     "Circle", NULL, NULL, true, -1, AZ_GENERIC_NONE, 70, "[MethodTable] Generics.App.Circle"},
    {"_ZTV39Boxed_GenericsApp_Generics_App_MyStruct", AZ_KIND_METHODTABLE, "GenericsApp", "Generics.App",
     "MyStruct", "MyStruct", NULL, NULL, true, -1, AZ_GENERIC_NONE, 70,
     "[MethodTable] Generics.App.MyStruct (boxed)"},
    {"_ZTV14__Array<Int32>", AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System", "Int32[]", "Int32[]", NULL,
     NULL, true, -1, AZ_GENERIC_NONE, 100, "[MethodTable] System.Int32[]"},
    {"_ZTV19__MDArray<String,2>", AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System", "String[,]",
     "String[,]", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100, "[MethodTable] System.String[,]"},
    {"_ZTV14Int32<Pointer>", AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System", "Int32*", "Int32*", NULL,
     NULL, true, -1, AZ_GENERIC_NONE, 100, "[MethodTable] System.Int32*"},
    {"_ZTV24__FnPtr_10<Int32<Int32>>", AZ_KIND_METHODTABLE, NULL, "", "delegate*<Int32, Int32>",
     "delegate*<Int32, Int32>", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100, "[MethodTable] delegate*<Int32, Int32>"},
    {"_ZTV16GCToCLREventSink", AZ_KIND_NATIVE_DATA, NULL, NULL, NULL, NULL, NULL, NULL, false, -1, AZ_GENERIC_NONE,
     100, "vtable for GCToCLREventSink"},
    {"_ZTVN3WKS6GCHeapE", AZ_KIND_NATIVE_DATA, NULL, NULL, NULL, NULL, NULL, NULL, false, -1, AZ_GENERIC_NONE, 100,
     "vtable for WKS::GCHeap"},
    /* Statics and thread statics */
    {"__GCSTATICSGenericsApp_Generics_App_GenericCctor_1<String>", AZ_KIND_GC_STATICS, "GenericsApp",
     "Generics.App", "GenericCctor<String>", "GenericCctor`1", NULL, NULL, true, -1, AZ_GENERIC_CANONICAL, 70,
     "[GC statics] Generics.App.GenericCctor<String>"},
    {"__GCSTATICSWebApi_Sample_WebApi_Sample_AppJsonSerializerContext___c__PreInitData",
     AZ_KIND_GC_STATICS_PREINIT, "WebApi.Sample", "WebApi.Sample", "AppJsonSerializerContext+<>c",
     "AppJsonSerializerContext+<>c", NULL, NULL, true, -1, AZ_GENERIC_NONE, 70,
     "[GC statics pre-init data] WebApi.Sample.AppJsonSerializerContext+<>c"},
    {"__NONGCSTATICSS_P_CoreLib_System_Text_UTF8Encoding", AZ_KIND_NONGC_STATICS, "System.Private.CoreLib",
     "System.Text", "UTF8Encoding", "UTF8Encoding", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[non-GC statics] System.Text.UTF8Encoding"},
    {"__THREADSTATICSGenericsApp_Generics_App_TypeStats_1<GenericsApp_Generics_App_Animal>",
     AZ_KIND_THREAD_STATICS, "GenericsApp", "Generics.App", "TypeStats<Generics.App.Animal>", "TypeStats`1", NULL,
     NULL, true, -1, AZ_GENERIC_CANONICAL, 70, "[thread statics] Generics.App.TypeStats<Generics.App.Animal>"},
    {"__TypeThreadStaticIndexGenericsApp_Generics_App_TypeStats_1<GenericsApp_Generics_App_MyStruct>",
     AZ_KIND_THREAD_STATIC_INDEX, "GenericsApp", "Generics.App", "TypeStats<Generics.App.MyStruct>", "TypeStats`1",
     NULL, NULL, true, -1, AZ_GENERIC_SPECIALIZED, 70,
     "[thread static index] Generics.App.TypeStats<Generics.App.MyStruct>"},
    {"__GenericDict_GenericsApp_Generics_App_Box_1<GenericsApp_Generics_App_Outer_1_Inner_1<Int32__String>>",
     AZ_KIND_GENERIC_DICT, "GenericsApp", "Generics.App", "Box<Generics.App.Outer<Int32>+Inner<String>>", "Box`1",
     NULL, NULL, true, -1, AZ_GENERIC_SPECIALIZED, 70,
     "[generic dictionary] Generics.App.Box<Generics.App.Outer<Int32>+Inner<String>>"},
    {"__GenericDict_GenericsApp_Generics_App_Algo__Combine<Int32__GenericsApp_Generics_App_MyStruct__String__Gener"
     "icsApp_Generics_App_Pair16>",
     AZ_KIND_GENERIC_DICT, "GenericsApp", "Generics.App", "Algo", "Algo", "Combine",
     "<Int32, Generics.App.MyStruct, String, Generics.App.Pair16>", true, -1, AZ_GENERIC_SPECIALIZED, 70,
     "[generic dictionary] Generics.App.Algo.Combine<Int32, Generics.App.MyStruct, String, Generics.App.Pair16>"},
    {"__InterfaceDispatchMap___Array_UIntPtr_", AZ_KIND_DISPATCH_MAP, "System.Private.CoreLib", "System",
     "UIntPtr[]", "UIntPtr[]", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100, "[dispatch map] System.UIntPtr[]"},
    {"__InterfaceDispatchMap_GenericsApp_Generics_App_Bag_1_Enumerator_GenericsApp_Generics_App_Color_",
     AZ_KIND_DISPATCH_MAP, "GenericsApp", "Generics.App", "Bag`1+Enumerator<GenericsApp_Generics_App_Color>",
     "Bag`1+Enumerator", NULL, NULL, true, -1, AZ_GENERIC_NONE, 60,
     "[dispatch map] Generics.App.Bag`1+Enumerator<GenericsApp_Generics_App_Color>"},
    {"__SealedVTable__ZTV100S_P_CoreLib_System_Collections_Generic_EqualityComparer_1<S_P_CoreLib_System_ReadOnlyM"
     "emory_1<Char>>",
     AZ_KIND_SEALED_VTABLE, "System.Private.CoreLib", "System.Collections.Generic",
     "EqualityComparer<System.ReadOnlyMemory<Char>>", "EqualityComparer`1", NULL, NULL, true, -1,
     AZ_GENERIC_SPECIALIZED, 100,
     "[sealed vtable] System.Collections.Generic.EqualityComparer<System.ReadOnlyMemory<Char>>"},
    {"__writableData__Array<S_P_CoreLib_System_Diagnostics_Tracing_IncrementingPollingCounter>",
     AZ_KIND_WRITABLE_DATA, "System.Private.CoreLib", "System.Diagnostics.Tracing", "IncrementingPollingCounter[]",
     "IncrementingPollingCounter[]", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[writable data] System.Diagnostics.Tracing.IncrementingPollingCounter[]"},
    {"__GenericInstance_Bool_Object", AZ_KIND_GENERIC_COMPOSITION, NULL, NULL, NULL, NULL, NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[generic composition] Bool_Object"},
    {"__GCStaticEEType_000111001101011111", AZ_KIND_GC_STATIC_EETYPE, NULL, NULL, NULL, NULL, NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[GC static layout] 000111001101011111"},
    {"__fatpointer_System_Diagnostics_DiagnosticSource_System_Diagnostics_DiagEnumerator_1<System_Diagnostics_Diag"
     "nosticSource_System_Diagnostics_Metrics_Instrument>___cctor",
     AZ_KIND_FAT_POINTER, "System.Diagnostics.DiagnosticSource", "System.Diagnostics",
     "DiagEnumerator<System.Diagnostics.Metrics.Instrument>", "DiagEnumerator`1", ".cctor", NULL, true, -1,
     AZ_GENERIC_CANONICAL, 100,
     "[fat pointer] System.Diagnostics.DiagEnumerator<System.Diagnostics.Metrics.Instrument>..cctor"},
    {"__fataddresstakenpointer_GenericsApp_Generics_App_Program__EchoAsync_d__16_1<GenericsApp_Generics_App_Animal"
     ">__MoveNext",
     AZ_KIND_FAT_POINTER, "GenericsApp", "Generics.App", "Program+<EchoAsync>d__16<Generics.App.Animal>",
     "Program+<EchoAsync>d__16`1", "MoveNext", NULL, true, -1, AZ_GENERIC_CANONICAL, 70,
     "[fat address-taken pointer] Generics.App.Program+<EchoAsync>d__16<Generics.App.Animal>.MoveNext"},
    {"__ehinfo_WebApi_Sample_WebApi_Sample_TodoStore__Remove", AZ_KIND_EH_INFO, "WebApi.Sample", "WebApi.Sample",
     "TodoStore", "TodoStore", "Remove", NULL, true, -1, AZ_GENERIC_NONE, 70,
     "[EH info] WebApi.Sample.TodoStore.Remove"},
    {"_associatedData_<Boxed>GenericsApp_Generics_App_Bag_1_Enumerator<System___Canon>__<unbox>GenericsApp_Generic"
     "s_App_Bag_1_Enumerator__MoveNext",
     AZ_KIND_ASSOCIATED_DATA, "GenericsApp", "Generics.App", "Bag<__Canon>+Enumerator", "Bag`1+Enumerator",
     "MoveNext", NULL, true, -1, AZ_GENERIC_CANONICAL, 70,
     "[associated data] Generics.App.Bag<__Canon>+Enumerator.MoveNext"},
    {"__readonlydata_GenericsApp_Generics_App_LargeRefStruct___ctor", AZ_KIND_READONLY_DATA, "GenericsApp",
     "Generics.App", "LargeRefStruct", "LargeRefStruct", ".ctor", NULL, true, -1, AZ_GENERIC_NONE, 70,
     "[read-only data] Generics.App.LargeRefStruct..ctor"},
    {"__readonlydata_g_requiredCpuFeatures", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[ILC data] __readonlydata_g_requiredCpuFeatures"},
    {"_lsda0<Boxed>GenericsApp_Generics_App_Bag_1_Enumerator<System___Canon>__<unbox>GenericsApp_Generics_App_Bag_"
     "1_Enumerator__MoveNext",
     AZ_KIND_LSDA_LABEL, "GenericsApp", "Generics.App", "Bag<__Canon>+Enumerator", "Bag`1+Enumerator", "MoveNext",
     NULL, true, -1, AZ_GENERIC_CANONICAL, 70, "[LSDA] Generics.App.Bag<__Canon>+Enumerator.MoveNext"},
    {"_lsda9Microsoft_AspNetCore_Server_Kestrel_Core_Microsoft_AspNetCore_Server_Kestrel_Core_Internal_Http_HttpPr"
     "otocol__ProcessRequestsAsync_d__236_1<System___Canon>__MoveNext",
     AZ_KIND_LSDA_LABEL, "Microsoft.AspNetCore.Server.Kestrel.Core",
     "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http",
     "HttpProtocol+<ProcessRequestsAsync>d__236<__Canon>", "HttpProtocol+<ProcessRequestsAsync>d__236`1",
     "MoveNext", NULL, true, -1, AZ_GENERIC_CANONICAL, 100,
     "[LSDA] Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpProtocol+<ProcessRequestsAsync>d__236<__Ca"
     "non>.MoveNext"},
    /* Frozen strings (sanitized text, then the SHA-256 of the UTF-16 literal when sanitizing changed it)
     * and frozen objects */
    {"__Str_", AZ_KIND_FROZEN_STRING, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[string] \"\""},
    {"__Str_AD", AZ_KIND_FROZEN_STRING, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[string] \"AD\""},
    {"__Str_ABCDEFGHIJKLMNOPQRSTUVWXYZabcd_2399D164CF2E3A02746CA4EF93C546F83F354F616CD88230698A69040ED128C3",
     AZ_KIND_FROZEN_STRING, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[string] \"ABCDEFGHIJKLMNOPQRSTUVWXYZabcd\""},
    {"__FrozenObj_GenericsApp_Generics_App_Program___c1", AZ_KIND_FROZEN_OBJECT, "GenericsApp", "Generics.App",
     "Program+<>c", "Program+<>c", NULL, NULL, true, -1, AZ_GENERIC_NONE, 70,
     "[frozen object] Generics.App.Program+<>c"},
    {"__FrozenObj_Microsoft_AspNetCore_Http_Abstractions_Microsoft_AspNetCore_Http_HttpResponse14",
     AZ_KIND_FROZEN_OBJECT, "Microsoft.AspNetCore.Http.Abstractions", "Microsoft.AspNetCore.Http", "HttpResponse",
     "HttpResponse", NULL, NULL, true, -1, AZ_GENERIC_NONE, 80,
     "[frozen object] Microsoft.AspNetCore.Http.HttpResponse"},
    {"__RuntimeType___Array<WebApi_Sample_WebApi_Sample_Todo>", AZ_KIND_FROZEN_OBJECT, "WebApi.Sample",
     "WebApi.Sample", "Todo[]", "Todo[]", NULL, NULL, true, -1, AZ_GENERIC_NONE, 70,
     "[RuntimeType] WebApi.Sample.Todo[]"},
    /* Unboxing stubs and unboxing+instantiating thunks */
    {"unbox_Bool__Equals_0", AZ_KIND_UNBOXING_STUB, "System.Private.CoreLib", "System", "Boolean", "Boolean",
     "Equals", NULL, true, 0, AZ_GENERIC_NONE, 90, "[unboxing stub] System.Boolean.Equals (overload 0)"},
    {"unbox_S_P_CoreLib_System_Collections_Generic_List_1_Enumerator<GenericsApp_Generics_App_Color>__Dispose",
     AZ_KIND_UNBOXING_STUB, "System.Private.CoreLib", "System.Collections.Generic",
     "List<Generics.App.Color>+Enumerator", "List`1+Enumerator", "Dispose", NULL, true, -1, AZ_GENERIC_SPECIALIZED,
     90, "[unboxing stub] System.Collections.Generic.List<Generics.App.Color>+Enumerator.Dispose"},
    {"<Boxed>GenericsApp_Generics_App_Outer_1_Inner_1<Int32__System___Canon>__<unbox>GenericsApp_Generics_App_Oute"
     "r_1_Inner_1__ToString",
     AZ_KIND_UNBOXING_THUNK, "GenericsApp", "Generics.App", "Outer<Int32>+Inner<__Canon>", "Outer`1+Inner`1",
     "ToString", NULL, true, -1, AZ_GENERIC_SPECIALIZED, 70,
     "[unboxing thunk] Generics.App.Outer<Int32>+Inner<__Canon>.ToString"},
    {"<Boxed>S_P_CoreLib_System_Collections_Generic_Dictionary_2_Enumerator<System___Canon__System___Canon>__<unbo"
     "x>S_P_CoreLib_System_Collections_Generic_Dictionary_2_Enumerator__MoveNext",
     AZ_KIND_UNBOXING_THUNK, "System.Private.CoreLib", "System.Collections.Generic",
     "Dictionary<__Canon, __Canon>+Enumerator", "Dictionary`2+Enumerator", "MoveNext", NULL, true, -1,
     AZ_GENERIC_CANONICAL, 100,
     "[unboxing thunk] System.Collections.Generic.Dictionary<__Canon, __Canon>+Enumerator.MoveNext"},
    {"__GetNonGCStaticBase_GenericsApp_Generics_App_GenericCctor_1<GenericsApp_Generics_App_LargeRefStruct>",
     AZ_KIND_HELPER_STUB, "GenericsApp", "Generics.App", "GenericCctor<Generics.App.LargeRefStruct>",
     "GenericCctor`1", NULL, NULL, true, -1, AZ_GENERIC_SPECIALIZED, 70,
     "[GetNonGCStaticBase] Generics.App.GenericCctor<Generics.App.LargeRefStruct>"},
    {"__GetGCStaticBase_GenericsApp_Generics_App_GenericCctor_1<GenericsApp_Generics_App_LargeRefStruct>",
     AZ_KIND_HELPER_STUB, "GenericsApp", "Generics.App", "GenericCctor<Generics.App.LargeRefStruct>",
     "GenericCctor`1", NULL, NULL, true, -1, AZ_GENERIC_SPECIALIZED, 70,
     "[GetGCStaticBase] Generics.App.GenericCctor<Generics.App.LargeRefStruct>"},
    {"__GetThreadStaticBase_S_P_CoreLib_Internal_Runtime_ThreadStatics", AZ_KIND_HELPER_STUB,
     "System.Private.CoreLib", "Internal.Runtime", "ThreadStatics", "ThreadStatics", NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[GetThreadStaticBase] Internal.Runtime.ThreadStatics"},
    {"__ResolveVirtualFunction_S_P_CoreLib_System_IO_Stream__EndWrite", AZ_KIND_HELPER_STUB,
     "System.Private.CoreLib", "System.IO", "Stream", "Stream", "EndWrite", NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[ResolveVirtualFunction] System.IO.Stream.EndWrite"},
    {"__DelegateCtor_S_P_CoreLib_System_Delegate__InitializeOpenStaticThunk__WebApi_Sample_WebApi_Sample_AppJsonSe"
     "rializerContext__TodoCtorParamInit__S_P_CoreLib_System_Func_1<System___Canon>__InvokeOpenStaticThunk",
     AZ_KIND_HELPER_STUB, "WebApi.Sample", "WebApi.Sample", "AppJsonSerializerContext", "AppJsonSerializerContext",
     "TodoCtorParamInit", NULL, true, -1, AZ_GENERIC_NONE, 70,
     "[delegate ctor] WebApi.Sample.AppJsonSerializerContext.TodoCtorParamInit"},
    {"__GenericLookupFromType_GenericsApp_Generics_App_GenericCctor_1<System___Canon>_GCStaticBase_GenericsApp_Gen"
     "erics_App_GenericCctor_1<T_System___Canon>",
     AZ_KIND_HELPER_STUB, "GenericsApp", "Generics.App", "GenericCctor<__Canon>", "GenericCctor`1", NULL, NULL,
     true, -1, AZ_GENERIC_CANONICAL, 70, "[generic lookup] Generics.App.GenericCctor<__Canon> GCStaticBase"},
    {"__InterfaceDispatchCell_S_P_CoreLib_System_Buffers_IPinnable__Unpin_S_P_CoreLib_System_Buffers_MemoryHandle_"
     "_Dispose",
     AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[dispatch cell] System.Buffers.IPinnable.Unpin"},
    {"__RuntimeMethodHandle_GenericsApp_Generics_App_IConverter__Convert<GenericsApp_Generics_App_Pair16__Generics"
     "App_Generics_App_MyStruct>",
     AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[method handle] Generics.App.IConverter.Convert<Generics.App.Pair16, Generics.App.MyStruct>"},
    {"__optionalfields__ZTV103S_P_CoreLib_System_Reflection_Runtime_TypeInfos_RuntimeFunctionPointerTypeInfo_Funct"
     "ionPointerTypeTable",
     AZ_KIND_SEALED_VTABLE, "System.Private.CoreLib", "System.Reflection.Runtime.TypeInfos",
     "RuntimeFunctionPointerTypeInfo+FunctionPointerTypeTable",
     "RuntimeFunctionPointerTypeInfo+FunctionPointerTypeTable", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[optional fields] System.Reflection.Runtime.TypeInfos.RuntimeFunctionPointerTypeInfo+FunctionPointerTypeTabl"
     "e"},
    {"__embedded_metadata", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE,
     100, "[ILC data] __embedded_metadata"},
    {"__ReadyToRunHeader", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE,
     100, "[ILC data] __ReadyToRunHeader"},
    {"__dehydrated_data", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE,
     100, "[ILC data] __dehydrated_data"},
    {"__FrozenSegmentStart", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1, AZ_GENERIC_NONE,
     100, "[ILC data] __FrozenSegmentStart"},
    {"__type_to_metadata_map", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[ILC data] __type_to_metadata_map"},
    {"__generic_types_hashtable", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[ILC data] __generic_types_hashtable"},
    {"_stacktrace_methodRVA_to_token_mapping", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[ILC data] _stacktrace_methodRVA_to_token_mapping"},
    {"g_compilerEmbeddedSettingsBlob", AZ_KIND_COMPILER_DATA, NULL, NULL, NULL, NULL, NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[ILC data] g_compilerEmbeddedSettingsBlob"},
    /* Native runtime: C and C++ (not in map.xml) */
    {"RhpNewFast", AZ_KIND_NATIVE_CODE, NULL, NULL, NULL, NULL, NULL, NULL, false, -1, AZ_GENERIC_NONE, 100,
     "RhpNewFast"},
    {"SystemNative_Read", AZ_KIND_NATIVE_CODE, NULL, NULL, NULL, NULL, NULL, NULL, false, -1, AZ_GENERIC_NONE, 100,
     "SystemNative_Read"},
    {"memcpy@GLIBC_2.14", AZ_KIND_NATIVE_CODE, NULL, NULL, NULL, NULL, NULL, NULL, false, -1, AZ_GENERIC_NONE, 100,
     "memcpy@GLIBC_2.14"},
    {"_Z10RhFailFastv", AZ_KIND_NATIVE_CODE, NULL, NULL, NULL, NULL, NULL, NULL, false, -1, AZ_GENERIC_NONE, 100,
     "RhFailFast()"},
    {"_ZN3WKS6GCHeap5AllocEP16gc_alloc_contextmj", AZ_KIND_NATIVE_CODE, NULL, NULL, NULL, NULL, NULL, NULL, false,
     -1, AZ_GENERIC_NONE, 100, "WKS::GCHeap::Alloc(gc_alloc_context*, unsigned long, unsigned int)"},
    /* Value types registered from their boxed MethodTables: specialized */
    {"GenericsApp_Generics_App_Bag_1<GenericsApp_Generics_App_MyStruct>__Add", AZ_KIND_METHOD, "GenericsApp",
     "Generics.App", "Bag<Generics.App.MyStruct>", "Bag`1", "Add", NULL, true, -1, AZ_GENERIC_SPECIALIZED, 70,
     "Generics.App.Bag<Generics.App.MyStruct>.Add"},
    {"GenericsApp_Generics_App_Box_1<Bool>__Get", AZ_KIND_METHOD, "GenericsApp", "Generics.App", "Box<Boolean>",
     "Box`1", "Get", NULL, true, -1, AZ_GENERIC_SPECIALIZED, 70, "Generics.App.Box<Boolean>.Get"},
    {"GenericsLib_GenericsLib_LibPoint__Equals_0", AZ_KIND_METHOD, "GenericsLib", "GenericsLib", "LibPoint",
     "LibPoint", "Equals", NULL, true, 0, AZ_GENERIC_NONE, 70, "GenericsLib.LibPoint.Equals (overload 0)"},
    {"__GCSTATICSGenericsApp_Generics_App_GenericCctor_1<GenericsApp_Generics_App_MyStruct>", AZ_KIND_GC_STATICS,
     "GenericsApp", "Generics.App", "GenericCctor<Generics.App.MyStruct>", "GenericCctor`1", NULL, NULL, true, -1,
     AZ_GENERIC_SPECIALIZED, 70, "[GC statics] Generics.App.GenericCctor<Generics.App.MyStruct>"},
    {"_ZTV113S_P_CoreLib_System_GenericEmptyEnumerator_1<S_P_CoreLib_System_Collections_Generic_KeyValuePair_2<Int"
     "32__String>>",
     AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System",
     "GenericEmptyEnumerator<System.Collections.Generic.KeyValuePair<Int32, String>>", "GenericEmptyEnumerator`1",
     NULL, NULL, true, -1, AZ_GENERIC_SPECIALIZED, 100,
     "[MethodTable] System.GenericEmptyEnumerator<System.Collections.Generic.KeyValuePair<Int32, String>>"},
    {"S_P_CoreLib_System_Collections_Generic_Dictionary_2<GenericsApp_Generics_App_MyKey__GenericsApp_Generics_App"
     "_MyValue>__TryInsert",
     AZ_KIND_METHOD, "System.Private.CoreLib", "System.Collections.Generic",
     "Dictionary<Generics.App.MyKey, Generics.App.MyValue>", "Dictionary`2", "TryInsert", NULL, true, -1,
     AZ_GENERIC_SPECIALIZED, 90,
     "System.Collections.Generic.Dictionary<Generics.App.MyKey, Generics.App.MyValue>.TryInsert"},
    {"_ZTV61Boxed_GenericsApp_Generics_App_Outer_1_Inner_1<Int32__String>", AZ_KIND_METHODTABLE, "GenericsApp",
     "Generics.App", "Outer<Int32>+Inner<String>", "Outer`1+Inner`1", NULL, NULL, true, -1, AZ_GENERIC_SPECIALIZED,
     70, "[MethodTable] Generics.App.Outer<Int32>+Inner<String> (boxed)"},
    {"Internal_CompilerGenerated__Module___<DynamicInvoke>None<Bool__Microsoft_AspNetCore_Http_Abstractions_Micros"
     "oft_AspNetCore_Http_PathString__UInt8<ByRef>>",
     AZ_KIND_IL_STUB, "System.Private.CompilerGenerated", "Internal.CompilerGenerated", "<Module>", "<Module>",
     "DynamicInvoke", NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[IL stub] Internal.CompilerGenerated.<Module>.DynamicInvoke(Boolean, Microsoft.AspNetCore.Http.PathString, B"
     "yte&)"},
    {"__GCSTATICSS_P_CoreLib_Internal_Reflection_Augments_ReflectionAugments", AZ_KIND_GC_STATICS,
     "System.Private.CoreLib", "Internal.Reflection.Augments", "ReflectionAugments", "ReflectionAugments", NULL,
     NULL, true, -1, AZ_GENERIC_NONE, 100, "[GC statics] Internal.Reflection.Augments.ReflectionAugments"},
    {"S_P_CoreLib_System_Number__FormatCurrency<Char>", AZ_KIND_METHOD, "System.Private.CoreLib", "System",
     "Number", "Number", "FormatCurrency", "<Char>", true, -1, AZ_GENERIC_SPECIALIZED, 100,
     "System.Number.FormatCurrency<Char>"},
};

/* Boxed MethodTables present in the generics build: these are value types. */
static const char *const generics_value_types[] = {
    "GenericsApp_Generics_App_MyStruct",      "GenericsApp_Generics_App_Color",
    "GenericsApp_Generics_App_MyKey",         "GenericsApp_Generics_App_MyValue",
    "GenericsApp_Generics_App_Pair16",        "GenericsApp_Generics_App_LargeStruct",
    "GenericsApp_Generics_App_LargeRefStruct", "GenericsApp_Generics_App_RefStruct",
    "GenericsApp_Generics_App_Outer_1_Inner_1", "GenericsApp_Generics_App_Bag_1_Enumerator",
    "GenericsLib_GenericsLib_LibPoint",
};

static az_names *names_like_the_analysis(void)
{
    az_names *n = az_names_new();
    az_names_add_assembly(n, "hello", false);
    az_names_add_assembly(n, "GenericsApp", false);
    az_names_add_assembly(n, "GenericsLib", false);
    az_names_add_assembly(n, "WebApi.Sample", false);
    for (size_t i = 0; i < sizeof generics_value_types / sizeof generics_value_types[0]; i++)
        az_names_add_value_type(n, generics_value_types[i]);
    return n;
}

static void check_case(const az_names *names, az_arena *arena, const dcase *c)
{
    int before = test_failures_;
    az_demangled d;
    az_demangle(c->raw, names, arena, &d);
    CHECK_STR(az_kind_name(d.kind), az_kind_name(c->kind));
    CHECK(d.managed == c->managed);
    CHECK_STR(d.assembly, c->assembly);
    CHECK_STR(d.ns, c->ns);
    CHECK_STR(d.type, c->type);
    CHECK_STR(d.type_def, c->type_def);
    CHECK_STR(d.method, c->method);
    CHECK_STR(d.method_inst, c->method_inst);
    CHECK_U64((int64_t)d.overload, (int64_t)c->overload);
    CHECK_STR(az_generic_name(d.generic), az_generic_name(c->generic));
    CHECK_U64(d.confidence, c->confidence);
    CHECK(d.display != NULL);
    if (c->display)
        CHECK_STR(d.display, c->display);
    if (test_failures_ != before)
        fprintf(stderr, "  ... in case %s\n", c->raw);
}

static void test_real_cases(void)
{
    az_names *names = names_like_the_analysis();
    az_arena arena;
    az_arena_init(&arena);
    for (size_t i = 0; i < sizeof real_cases / sizeof real_cases[0]; i++)
        check_case(names, &arena, &real_cases[i]);
    az_arena_free(&arena);
    az_names_free(names);
}

/* Without the app's assembly and namespace names the split of app types is
 * guessed (guess_assembly / guess_namespace in demangle.c): asserted here,
 * guesses and confidence both.  Real names again. */
static const dcase heuristic_cases[] = {
    /* unknown assembly: the first identifier; unknown namespace: all but the last identifier */
    {"GenericsApp_Generics_App_Program__AsyncOverStructs_d__19__MoveNext",
     AZ_KIND_METHOD, "GenericsApp", "Generics.App", "Program+<AsyncOverStructs>d__19",
     "Program+<AsyncOverStructs>d__19", "MoveNext", NULL, true, -1, AZ_GENERIC_NONE, 60, NULL},
    /* a repeated prefix is the assembly (root namespace named after it): right */
    {"WebApi_Sample_WebApi_Sample_TodoStore__Remove",
     AZ_KIND_METHOD, "WebApi.Sample", "WebApi.Sample", "TodoStore", "TodoStore", "Remove", NULL, true, -1,
     AZ_GENERIC_NONE, 60, NULL},
    /* before <Module> the boundary is certain, only '.' vs '_' is guessed */
    {"WebApi_Sample__Module___StartupCodeMain",
     AZ_KIND_METHOD, "WebApi.Sample", "", "<Module>", "<Module>", "StartupCodeMain", NULL, true, -1,
     AZ_GENERIC_NONE, 80, NULL},
    /* nothing to go by: the first identifier is taken, which is wrong here
     * (the assembly is WebApi.Sample, Program is in the global namespace) */
    {"WebApi_Sample_Program___Main__",
     AZ_KIND_METHOD, "WebApi", "Sample", "Program", "Program", "<Main>$", NULL, true, -1, AZ_GENERIC_NONE, 60,
     NULL},
    /* an app assembly in front of a known namespace (ASP.NET's request delegate generator) */
    {"WebApi_Sample_Microsoft_AspNetCore_Http_Generated__GeneratedRouteBuilderExtensions_g_"
     "FF078AEBE02E2AEE85874789EEC026C6092D8191C5844F328903DAE7C8BA60AF5__GeneratedRouteBuilderExtensionsCore__"
     "MapGet0",
     AZ_KIND_METHOD, "WebApi.Sample", "Microsoft.AspNetCore.Http.Generated",
     "<GeneratedRouteBuilderExtensions_g>FF078AEBE02E2AEE85874789EEC026C6092D8191C5844F328903DAE7C8BA60AF5__"
     "GeneratedRouteBuilderExtensionsCore",
     "<GeneratedRouteBuilderExtensions_g>FF078AEBE02E2AEE85874789EEC026C6092D8191C5844F328903DAE7C8BA60AF5__"
     "GeneratedRouteBuilderExtensionsCore",
     "MapGet0", NULL, true, -1, AZ_GENERIC_NONE, 70, NULL},
    /* an ILC MethodTable of an unregistered app type is still recognised by its shape */
    {"_ZTV31GenericsApp_Generics_App_Circle",
     AZ_KIND_METHODTABLE, "GenericsApp", "Generics.App", "Circle", "Circle", NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 60, "[MethodTable] Generics.App.Circle"},
    /* an unregistered struct argument cannot be told from a class: canonical */
    {"GenericsApp_Generics_App_Bag_1<GenericsApp_Generics_App_MyStruct>__Add",
     AZ_KIND_METHOD, "GenericsApp", "Generics.App", "Bag<Generics.App.MyStruct>", "Bag`1", "Add", NULL, true,
     -1, AZ_GENERIC_CANONICAL, 60, NULL},
    /* framework names need no registration */
    {"S_P_CoreLib_System_Collections_Generic_List_1<Int32>__Add",
     AZ_KIND_METHOD, "System.Private.CoreLib", "System.Collections.Generic", "List<Int32>", "List`1", "Add",
     NULL, true, -1, AZ_GENERIC_SPECIALIZED, 100, NULL},
};

static void test_heuristics(void)
{
    az_names *bare = az_names_new();
    az_arena arena;
    az_arena_init(&arena);
    for (size_t i = 0; i < sizeof heuristic_cases / sizeof heuristic_cases[0]; i++)
        check_case(bare, &arena, &heuristic_cases[i]);

    /* Registering the app's namespace removes the guess. */
    az_names_add_assembly(bare, "GenericsApp", false);
    az_names_add_namespace(bare, "Generics.App");
    az_demangled d;
    az_demangle("GenericsApp_Generics_App_Program__AsyncOverStructs_d__19__MoveNext", bare, &arena, &d);
    CHECK_STR(d.ns, "Generics.App");
    CHECK_STR(d.type, "Program+<AsyncOverStructs>d__19");
    CHECK_U64(d.confidence, 100);

    /* So does registering the struct. */
    az_names_add_value_type(bare, "GenericsApp_Generics_App_MyStruct");
    az_demangle("GenericsApp_Generics_App_Bag_1<GenericsApp_Generics_App_MyStruct>__Add", bare, &arena, &d);
    CHECK_STR(az_generic_name(d.generic), "specialized");

    /* A generic definition registered through one instantiation (the boxed
     * MethodTable _ZTV61Boxed_..._Outer_1_Inner_1<Int32__String> exists) covers
     * the others: Box<Outer<Int32>+Inner<__Canon>> holds a struct. */
    az_demangle("GenericsApp_Generics_App_Box_1<GenericsApp_Generics_App_Outer_1_Inner_1<Int32__System___Canon>>__Get",
                bare, &arena, &d);
    CHECK_STR(az_generic_name(d.generic), "canonical");
    az_names_add_value_type(bare, "GenericsApp_Generics_App_Outer_1_Inner_1<Int32__String>");
    az_demangle("GenericsApp_Generics_App_Box_1<GenericsApp_Generics_App_Outer_1_Inner_1<Int32__System___Canon>>__Get",
                bare, &arena, &d);
    CHECK_STR(az_generic_name(d.generic), "specialized");
    CHECK_STR(d.type, "Box<Generics.App.Outer<Int32>+Inner<__Canon>>");
    az_arena_free(&arena);
    az_names_free(bare);
}

/* Forms not present in the linux-x64 samples.  The Windows names are the
 * examples of reference/nativeaot-format.md §1.8 (#18, #19); the others are
 * derived from the mangler's documented spelling (§1.5) and marked so. */
static const dcase documented_cases[] = {
    {"??_7S_P_CoreLib_System_Collections_Generic_StringEqualityComparer@@6B@",
     AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System.Collections.Generic", "StringEqualityComparer",
     "StringEqualityComparer", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[MethodTable] System.Collections.Generic.StringEqualityComparer"},
    {"?__GCSTATICS@S_P_CoreLib_System_Text_EncoderReplacementFallback@@",
     AZ_KIND_GC_STATICS, "System.Private.CoreLib", "System.Text", "EncoderReplacementFallback",
     "EncoderReplacementFallback", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100,
     "[GC statics] System.Text.EncoderReplacementFallback"},
    /* derived: pre-init data, non-GC statics, thread static index, boxed MethodTable (Windows) */
    {"?__GCSTATICS@S_P_CoreLib_System_Text_EncoderReplacementFallback@@__PreInitData",
     AZ_KIND_GC_STATICS_PREINIT, "System.Private.CoreLib", "System.Text", "EncoderReplacementFallback",
     "EncoderReplacementFallback", NULL, NULL, true, -1, AZ_GENERIC_NONE, 100, NULL},
    {"?__NONGCSTATICS@S_P_CoreLib_System_Text_UTF8Encoding@@",
     AZ_KIND_NONGC_STATICS, "System.Private.CoreLib", "System.Text", "UTF8Encoding", "UTF8Encoding", NULL,
     NULL, true, -1, AZ_GENERIC_NONE, 100, NULL},
    {"?__THREADSTATICINDEX@S_P_CoreLib_System_Text_UTF8Encoding@@",
     AZ_KIND_THREAD_STATIC_INDEX, "System.Private.CoreLib", "System.Text", "UTF8Encoding", "UTF8Encoding",
     NULL, NULL, true, -1, AZ_GENERIC_NONE, 100, NULL},
    {"??_7Boxed_Int32@@6B@",
     AZ_KIND_METHODTABLE, "System.Private.CoreLib", "System", "Int32", "Int32", NULL, NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[MethodTable] System.Int32 (boxed)"},
    /* derived: a funclet label, an unboxing fat pointer, an IL stub around a method */
    {"_fram1S_P_CoreLib_System_IO_Stream__EndWrite",
     AZ_KIND_FRAME_LABEL, "System.Private.CoreLib", "System.IO", "Stream", "Stream", "EndWrite", NULL, true,
     -1, AZ_GENERIC_NONE, 100, NULL},
    {"__fatunboxpointer_S_P_CoreLib_System_ReadOnlySpan_1<System___Canon>__ToString",
     AZ_KIND_FAT_POINTER, "System.Private.CoreLib", "System", "ReadOnlySpan<__Canon>", "ReadOnlySpan`1",
     "ToString", NULL, true, -1, AZ_GENERIC_CANONICAL, 100, NULL},
    {"<rawpinvoke>S_P_CoreLib_Interop_Sys__Read",
     AZ_KIND_IL_STUB, "System.Private.CoreLib", "", "Interop+Sys", "Interop+Sys", "Read", NULL, true, -1,
     AZ_GENERIC_NONE, 100, "[rawpinvoke] Interop+Sys.Read"},
};

static void test_documented(void)
{
    az_names *names = az_names_new();
    az_arena arena;
    az_arena_init(&arena);
    for (size_t i = 0; i < sizeof documented_cases / sizeof documented_cases[0]; i++)
        check_case(names, &arena, &documented_cases[i]);
    az_arena_free(&arena);
    az_names_free(names);
}

static void test_cxx(void)
{
    az_arena arena;
    az_arena_init(&arena);
    /* real names from the runtime part of the hello binary */
    CHECK_STR(az_demangle_cxx("_ZTV16GCToCLREventSink", &arena), "vtable for GCToCLREventSink");
    CHECK_STR(az_demangle_cxx("_ZN3WKS6GCHeap5AllocEP16gc_alloc_contextmj", &arena),
              "WKS::GCHeap::Alloc(gc_alloc_context*, unsigned long, unsigned int)");
    CHECK_STR(az_demangle_cxx("_ZTVN3WKS6GCHeapE", &arena), "vtable for WKS::GCHeap");
    CHECK_STR(az_demangle_cxx("_ZN3SVR11g_addressesE", &arena), "SVR::g_addresses");
    CHECK_STR(az_demangle_cxx("RhpNewFast", &arena), NULL);
    CHECK_STR(az_demangle_cxx("_ZTV6String", &arena), "vtable for String"); /* what c++filt says too */
    CHECK_STR(az_demangle_cxx("_Z", &arena), NULL);
    CHECK_STR(az_demangle_cxx("_Zxyz", &arena), NULL);
    CHECK_STR(az_demangle_cxx(NULL, &arena), NULL);
    char *longname = malloc(6001);
    memset(longname, 'a', 6000);
    memcpy(longname, "_Z", 2);
    longname[6000] = 0;
    CHECK_STR(az_demangle_cxx(longname, &arena), NULL); /* over the length guard */
    free(longname);

    /* Through az_demangle: variables and vtables are data, functions code. */
    az_names *names = az_names_new();
    az_demangled d;
    az_demangle("_ZN3SVR11g_addressesE", names, &arena, &d);
    CHECK_STR(az_kind_name(d.kind), "native_data");
    CHECK(!d.managed);
    CHECK_STR(d.display, "SVR::g_addresses");
    az_demangle("_Z10RhFailFastv", names, &arena, &d);
    CHECK_STR(az_kind_name(d.kind), "native_code");
    CHECK_STR(d.display, "RhFailFast()");
    az_names_free(names);
    az_arena_free(&arena);
}

static void test_names(void)
{
    az_names *n = az_names_new();
    CHECK(az_names_is_framework(n, "System.Private.CoreLib"));
    CHECK(az_names_is_framework(n, "System.Console"));
    CHECK(az_names_is_framework(n, "System.Private.TypeLoader"));
    CHECK(az_names_is_framework(n, "Microsoft.AspNetCore.Http.Abstractions"));
    CHECK(az_names_is_framework(n, "Microsoft.Extensions.Logging"));
    CHECK(az_names_is_framework(n, "System.Private.CompilerGenerated"));
    CHECK(az_names_is_framework(n, "Internal.CompilerGenerated"));
    CHECK(!az_names_is_framework(n, "GenericsApp"));
    CHECK(!az_names_is_framework(n, NULL));
    CHECK(az_names_is_framework(n, "System.Runtime")); /* a facade: framework, but never a symbol prefix */
    CHECK(az_names_is_framework(n, "System"));
    az_names_add_assembly(n, "GenericsApp", false);
    CHECK(!az_names_is_framework(n, "GenericsApp"));
    az_names_add_assembly(n, "My.Framework.Extra", true);
    CHECK(az_names_is_framework(n, "My.Framework.Extra"));
    /* adding twice, odd input: no effect, no crash */
    az_names_add_assembly(n, "GenericsApp", false);
    az_names_add_assembly(n, "", false);
    az_names_add_assembly(n, NULL, false);
    az_names_add_namespace(n, NULL);
    az_names_add_value_type(n, NULL);
    az_names_add_value_type(n, "<");

    /* The lookups behind the demangler, by sanitized key. */
    const char *k = "S_P_CoreLib";
    const az_name_info *ai = az_names_find(n, AZ_NAMES_ASSEMBLY, k, strlen(k), az_hash_bytes(k, strlen(k)));
    CHECK(ai != NULL && strcmp(ai->display, "System.Private.CoreLib") == 0 && ai->framework);
    k = "Internal_Runtime_CompilerHelpers";
    const az_name_info *ni = az_names_find(n, AZ_NAMES_NAMESPACE, k, strlen(k), az_hash_bytes(k, strlen(k)));
    CHECK(ni != NULL && strcmp(ni->display, "Internal.Runtime.CompilerHelpers") == 0);
    k = "S_P_CoreLib_System_Collections_Generic_Dictionary_2_Enumerator";
    const az_name_info *ti = az_names_find(n, AZ_NAMES_TYPE, k, strlen(k), az_hash_bytes(k, strlen(k)));
    CHECK(ti != NULL && strcmp(ti->display, "Dictionary`2+Enumerator") == 0 && ti->value_type);
    k = "S_P_CoreLib_System_Int32";
    ti = az_names_find(n, AZ_NAMES_TYPE, k, strlen(k), az_hash_bytes(k, strlen(k)));
    CHECK(ti != NULL && ti->value_type);
    k = "System_Runtime";
    CHECK(az_names_find(n, AZ_NAMES_ASSEMBLY, k, strlen(k), az_hash_bytes(k, strlen(k))) == NULL);
    k = "No_Such_Name";
    CHECK(az_names_find(n, AZ_NAMES_NAMESPACE, k, strlen(k), az_hash_bytes(k, strlen(k))) == NULL);
    CHECK(az_names_find(NULL, AZ_NAMES_NAMESPACE, k, strlen(k), 0) == NULL);
    az_names_free(n);
    az_names_free(NULL);

    /* Without the built-in assembly list (--framework-list replaces it) no
     * assembly is framework until the caller says so; namespaces and the
     * built-in types still resolve names. */
    az_names *empty = az_names_new_empty();
    CHECK(!az_names_is_framework(empty, "System.Private.CoreLib"));
    az_arena arena;
    az_arena_init(&arena);
    az_demangled d;
    az_demangle("S_P_CoreLib_System_ThrowHelper__ThrowArgumentOutOfRangeException", empty, &arena, &d);
    CHECK_STR(d.assembly, "System.Private.CoreLib"); /* S_P_ is still System.Private. */
    CHECK_STR(d.ns, "System");
    CHECK_STR(d.method, "ThrowArgumentOutOfRangeException");
    CHECK_U64(d.confidence, 70); /* the assembly was guessed (before a known namespace) */
    az_demangle("S_P_CoreLib_System_Collections_Generic_Dictionary_2_Enumerator<System___Canon__System___Canon>"
                "__MoveNext", empty, &arena, &d);
    CHECK_STR(d.type, "Dictionary<__Canon, __Canon>+Enumerator");
    CHECK_U64(d.confidence, 100); /* a built-in type: exact */
    az_names_add_assembly(empty, "System.Private.CoreLib", true);
    CHECK(az_names_is_framework(empty, "System.Private.CoreLib"));
    az_demangle("S_P_CoreLib_System_ThrowHelper__ThrowArgumentOutOfRangeException", NULL, &arena, &d);
    CHECK_STR(d.method, "ThrowArgumentOutOfRangeException");
    az_arena_free(&arena);
    az_names_free(empty);
}

static void test_kind_names(void)
{
    for (int k = 0; k < AZ_KIND__COUNT; k++) {
        const char *name = az_kind_name((az_kind)k);
        CHECK(name && name[0]);
        for (int j = 0; j < k; j++)
            CHECK(strcmp(name, az_kind_name((az_kind)j)) != 0);
    }
    CHECK_STR(az_kind_name(AZ_KIND_METHODTABLE), "methodtable");
    CHECK_STR(az_kind_name(AZ_KIND_METHOD), "method");
    CHECK_STR(az_kind_name((az_kind)999), "unknown");
    CHECK_STR(az_generic_name(AZ_GENERIC_NONE), "none");
    CHECK_STR(az_generic_name(AZ_GENERIC_CANONICAL), "canonical");
    CHECK_STR(az_generic_name(AZ_GENERIC_SPECIALIZED), "specialized");
}

/* Any input gives a result with a display, the same result twice, and no
 * read outside the input (ASan in the test build). */
static void demangle_twice(const az_names *names, az_arena *arena, const char *raw)
{
    az_demangled a, b;
    az_demangle(raw, names, arena, &a);
    az_demangle(raw, names, arena, &b);
    CHECK(a.display != NULL);
    CHECK(a.display && b.display && strcmp(a.display, b.display) == 0);
    CHECK(a.kind == b.kind && a.confidence == b.confidence && a.generic == b.generic);
    CHECK((int)a.kind >= 0 && a.kind < AZ_KIND__COUNT);
    CHECK(a.confidence <= 100);
}

static char *repeat(const char *unit, size_t total)
{
    size_t n = strlen(unit);
    char *s = malloc(total + 1);
    for (size_t i = 0; i < total; i++)
        s[i] = unit[i % n];
    s[total] = 0;
    return s;
}

static void test_robustness(void)
{
    az_names *names = names_like_the_analysis();
    az_arena arena;
    az_arena_init(&arena);

    az_demangled d;
    az_demangle("", names, &arena, &d);
    CHECK(d.display != NULL && d.display[0] == 0);
    CHECK(d.kind == AZ_KIND_UNKNOWN && d.confidence == 0);
    az_demangle(NULL, names, &arena, &d);
    CHECK(d.display != NULL);

    static const char *const odd[] = {
        "<", "<<<", ">>>", "<>", "__", "___", "_", "?", "??_7", "??_7@@6B@", "?__GCSTATICS@", "_ZTV", "_ZTV0",
        "_ZTV99999999999", "_ZTV3abc", "_ZTV5<<<<<", "__GCSTATICS", "__GCSTATICS<", "_lsda", "_lsda0", "_lsda0<",
        "unbox_", "unbox___", "<Boxed>", "<Boxed>__<unbox>", "<Boxed>X__<unbox>Y", "__Array<", "__Array<>",
        "__MDArray<Int32,", "__FnPtr_", "__FnPtr_10<", "__FnPtr_10<<>>", "__FnPtr_10<Int32<>", "A__B<", "A__B<>",
        "A__B<C__>", "S_P_CoreLib__", "S_P_CoreLib_System___c__", "__Str_", "__FrozenObj_", "__FrozenObj_1",
        "__InterfaceDispatchMap___Array__", "__DelegateCtor_", "__DelegateCtor_FromVtbl_",
        "__GenericLookupFromType_<>_",
        "__InterfaceDispatchCell_", "__SealedVTable__ZTV3abc", "System___Canon", "Int32<ByRef><Pointer>__X",
        "_ZTV14Int32<Pointer>", "Bool__", "Bool___", "a\xff\xfe__b", "\x01\x02\x03",
        "__GenericDict_A_1<B__C<D>>__E<F>", "X___c__DisplayClass", "X__Y_d__", "X___Y_g__",
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        demangle_twice(names, &arena, odd[i]);

    /* Long and pathological inputs: bounded depth and work. */
    static const char *const units[] = {
        "<", ">", "_", "__", "a_", "S_P_CoreLib_", "X<", "X<Int32__", "__Array<", "Int32<ByRef>", "___c",
        "_d__1", "System___Canon__", "_F0123456789ABCDEF__", "A_1_", "<Boxed>", "__<unbox>", ",",
    };
    static const size_t sizes[] = { 100, 4000, 4096, 4097, 100000 };
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            char *s = repeat(units[u], sizes[k]);
            demangle_twice(names, &arena, s);
            /* the same behind prefixes that wrap types and methods */
            static const char *const prefixes[] = { "_ZTV4096", "__GenericDict_", "S_P_CoreLib_System_X__",
                                                    "__InterfaceDispatchCell_", "__DelegateCtor_" };
            for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
                size_t pl = strlen(prefixes[p]);
                char *t = malloc(pl + sizes[k] + 1);
                memcpy(t, prefixes[p], pl);
                memcpy(t + pl, s, sizes[k] + 1);
                demangle_twice(names, &arena, t);
                free(t);
            }
            free(s);
        }
    }
    char *lt = repeat("<", 100000);
    az_demangle(lt, names, &arena, &d);
    CHECK(d.display != NULL && d.confidence == 0);
    free(lt);

    /* Random bytes (a fixed LCG: the same inputs every run). */
    uint32_t seed = 12345;
    char buf[600];
    for (int i = 0; i < 3000; i++) {
        size_t n = 0;
        size_t len = (seed >> 8) % (sizeof buf - 1);
        for (; n < len; n++) {
            seed = seed * 1103515245u + 12345u;
            uint8_t c = (uint8_t)(seed >> 16);
            /* mostly the characters mangled names are made of */
            static const char alphabet[] = "___<>,SP_CoreLibSystemInt32__Array<Boxed>unbox_ZTV0123456789";
            buf[n] = (seed >> 30) ? alphabet[c % (sizeof alphabet - 1)] : (char)(c ? c : 1);
        }
        buf[n] = 0;
        seed = seed * 1103515245u + 12345u;
        demangle_twice(names, &arena, buf);
    }
    az_arena_free(&arena);
    az_names_free(names);
}

int main(void)
{
    test_real_cases();
    test_heuristics();
    test_documented();
    test_cxx();
    test_names();
    test_kind_names();
    test_robustness();
    fprintf(stderr, "%zu real symbol names checked\n", sizeof real_cases / sizeof real_cases[0] +
                                                          sizeof heuristic_cases / sizeof heuristic_cases[0]);
    return test_report("test_demangle");
}
