/* Seed source for the PE and Mach-O fuzz corpora: ILC-like section and
 * symbol names in a tiny image. */
__attribute__((section(SECT), noinline)) int S_P_CoreLib_System_String__Concat(int a, int b) { return a * 31 + b; }
__attribute__((noinline)) int TinyApp_Program__Main(int n) { int s = 0; for (int i = 0; i < n; i++) s += S_P_CoreLib_System_String__Concat(s, i); return s; }
const char __Str_Hello[] = "Hello, World!";
int __GCSTATICS_TinyApp_Program[16] = { 1 };
int counter;
int main(void) { counter = TinyApp_Program__Main(3); return counter; }
