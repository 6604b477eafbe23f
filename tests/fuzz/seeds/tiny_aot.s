# A tiny ELF with the shape of a Native AOT image, as a fuzzing seed:
# managed code with FDEs and LSDAs in .dotnet_eh_table, a module header
# reached from __modules through a relative relocation, a dehydrated stream
# that rebuilds a MethodTable into the zero-fill .hydrated section, a frozen
# string, and ILC-style symbol names.
        .section __managedcode,"ax",@progbits
        .globl S_P_CoreLib_System_String__Concat
S_P_CoreLib_System_String__Concat:
        .cfi_startproc
        .cfi_lsda 0x1b, lsda0
        push %rbp
        .cfi_def_cfa_offset 16
        mov %rsp, %rbp
        pop %rbp
        ret
        .cfi_endproc
        .size S_P_CoreLib_System_String__Concat, .-S_P_CoreLib_System_String__Concat
        .p2align 4, 0xcc
        .globl TinyApp_Program__Main
TinyApp_Program__Main:
        .cfi_startproc
        .cfi_lsda 0x1b, lsda1
        sub $8, %rsp
        .cfi_def_cfa_offset 16
        call S_P_CoreLib_System_String__Concat
        add $8, %rsp
        ret
        .cfi_endproc
        .size TinyApp_Program__Main, .-TinyApp_Program__Main
        .globl _start
_start:
        .cfi_startproc
        call TinyApp_Program__Main
        hlt
        .cfi_endproc

        .section .dotnet_eh_table,"a",@progbits
lsda0:  .byte 0
        .byte 1, 2, 3
lsda1:  .byte 0
        .byte 4, 5

        .section .rodata,"a",@progbits
        .p2align 3
__embedded_metadata:
        .long 0xDEADDFFD, 0, 0, 0
__dehydrated_data:
        .long __hydrated_start - .          # destination
        .byte 0x20, 1, 2, 0, 1              # Copy 4 bytes (payload 4 << 3)
        .byte 0x08, 0, 0, 0, 0              # Copy 1 byte... (payload 1)
        .byte 0x81                          # ZeroFill 16
        .byte 0x0d                          # InlinePtrReloc x1
        .long TinyApp_Program__Main - .
__dehydrated_data_end:
        .long TinyApp_Program__Main - .     # fixup table

        .section .data,"aw",@progbits
        .p2align 3
__ReadyToRunHeader:
        .long 0x00525452
        .short 16, 0
        .long 0
        .short 2
        .byte 24, 1
        .long 207, 1
        .quad __dehydrated_data, __dehydrated_data_end
        .long 313, 1
        .quad __embedded_metadata, __dehydrated_data
__Str_Hello:
        .quad 0

        .section __modules,"aw",@progbits
        .quad __ReadyToRunHeader

        .section .hydrated,"aw",@nobits
        .p2align 4
__hydrated_start:
        .zero 8
_ZTV26TinyApp_TinyApp_MyStruct:
        .zero 24
        .zero 32
