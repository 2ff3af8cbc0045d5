// Package cdef understands the C prologue of a bpftrace script without
// clang: a small preprocessor and a parser for struct, union and enum
// definitions that computes their layouts with the C rules of GCC on
// x86-64 (LP64, System V bit-field packing).
//
// The parser hands the prologue over as [ast.PreprocDecl] items (one per
// '#' line) and [ast.CDecl] items (one per verbatim definition). [Process]
// walks them in order:
//
//   - Conditionals (#if, #ifdef, #ifndef, #elif, #elifdef, #elifndef,
//     #else, #endif) nest and decide which definitions are active; the
//     skipped regions are listed in [Result.Inactive].
//   - Object-like #define and #undef maintain the macro table; macros are
//     expanded in #if conditions and in C text, and the final table is
//     [Result.Defines] (bodies kept as text: sema re-parses them as
//     bpftrace expressions).
//   - #include is recorded in [Result.Includes] and not read: bt takes
//     kernel types from BTF through [Options] instead of from headers.
//     The object-like macros scripts take from standard headers (AF_INET
//     from <sys/socket.h>, ENOENT from <errno.h>, O_CREAT, SIGKILL,
//     TASK_RUNNING from the kernel's <linux/sched.h>, ...) come from a
//     table of well-known constants, defined by an active #include of
//     their header; see [KnownHeaders] and headers.go. An
//     include of a well-known header defines the constants bt knows for
//     it (AF_INET for <sys/socket.h>, ...; see [HeaderMacros]).
//   - #error reports an error, #warning a warning, #pragma and #line are
//     ignored, and other directives draw a warning.
//   - Active C definitions become [types.Struct] and [types.Enum] values.
//     Typedef names, "struct X" references and enumerator names the script
//     does not define are looked up through the resolvers in [Options].
//
// # Positions
//
// Every token keeps the [token.Pos] of its first byte in the script, so an
// error in a definition points at the offending byte inside the CDecl or
// '#' line. Tokens produced by a macro expansion carry the position of the
// macro name that was expanded.
//
// # Predefined macros
//
// bpftrace preprocesses with clang for the host target, so bt predefines
// what that target would: __linux__, __linux, __unix__, __LP64__, _LP64,
// __CHAR_BIT__, __SIZEOF_INT__, __SIZEOF_LONG__, __SIZEOF_POINTER__, the
// __BYTE_ORDER__ family and the architecture's macro (__x86_64__,
// __aarch64__, ...; see [Options.Arch]); __KERNEL__ and __BPF_TRACING__,
// which bpftrace passes for kernel headers; and, when [Options.HaveBTF] is
// set, BPFTRACE_HAVE_BTF and _LINUX_TYPES_H as bpftrace does. __BPF__ is
// not defined: the definitions describe host memory, not BPF target types.
//
// # Leniency
//
// Beyond what clang accepts without headers, the kernel spellings __packed,
// __aligned(N) and the address-space annotations (__user, __rcu, __iomem,
// __percpu, __force, ...) are understood, so that definitions copied from
// kernel sources work; __user makes pointers to the annotated type user
// pointers.
package cdef
