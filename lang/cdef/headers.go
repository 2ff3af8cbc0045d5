package cdef

import (
	"sort"
	"strings"
)

// ----------------------------------------------------------------------------
// Well-known header constants
//
// bt does not read headers: kernel types come from BTF. But scripts use a
// few object-like macros of standard headers as values: AF_INET after
// #include <sys/socket.h>, ENOENT after <errno.h>, O_CREAT after
// <fcntl.h>, SIGKILL after <signal.h>, TASK_RUNNING after the kernel's
// <linux/sched.h>. bpftrace gets them from clang with the headers it
// bundles (errno, fcntl, ioctl, ...) and the system's. bt keeps a table of
// them, for Linux on x86-64 and arm64 (the values agree on both), and an
// active #include of one of the headers below defines its macros, unless
// the script defined them first.
//
// Headers and what they define:
//
//	sys/socket.h, linux/socket.h, bits/socket.h, net/sock.h
//	                           AF_* and PF_* address families, SOCK_* types,
//	                           SOL_SOCKET, MSG_* flags, SHUT_*
//	netinet/in.h, linux/in.h   IPPROTO_*, INADDR_ANY/LOOPBACK/BROADCAST/NONE
//	linux/in6.h                IPPROTO_* as linux/in.h
//	errno.h, linux/errno.h, asm/errno.h, asm-generic/errno.h,
//	asm-generic/errno-base.h   E* error numbers (errno-base.h: 1-34 only)
//	fcntl.h, linux/fcntl.h, asm/fcntl.h, asm-generic/fcntl.h, sys/fcntl.h
//	                           O_* open flags, AT_*, F_* commands, FD_CLOEXEC
//	signal.h, linux/signal.h, asm/signal.h, bits/signum.h,
//	bits/signum-generic.h, sys/signal.h
//	                           SIG* signal numbers
//	linux/sched.h              CLONE_* flags, SCHED_* policies, and the
//	                           kernel's TASK_* states and EXIT_* codes (the
//	                           kernel header bpftrace reads when it has no
//	                           BTF), TASK_COMM_LEN
//	sys/ioctl.h, asm/ioctls.h, asm-generic/ioctls.h, linux/ioctl.h
//	                           TC*/TIOC*/FIO* terminal and file ioctls
//
// (net/sock.h stands for the kernel header, which pulls in linux/socket.h
// and linux/in.h.) Other headers define nothing.

// headerMacros maps a header (as written between <> or "") to the table
// of constants it defines.
var headerMacros = map[string][]map[string]string{
	"sys/socket.h":             {socketMacros},
	"linux/socket.h":           {socketMacros},
	"bits/socket.h":            {socketMacros},
	"net/sock.h":               {socketMacros, inMacros},
	"netinet/in.h":             {inMacros},
	"linux/in.h":               {inMacros},
	"linux/in6.h":              {inMacros},
	"errno.h":                  {errnoBaseMacros, errnoMacros},
	"linux/errno.h":            {errnoBaseMacros, errnoMacros},
	"asm/errno.h":              {errnoBaseMacros, errnoMacros},
	"asm-generic/errno.h":      {errnoBaseMacros, errnoMacros},
	"asm-generic/errno-base.h": {errnoBaseMacros},
	"fcntl.h":                  {fcntlMacros},
	"sys/fcntl.h":              {fcntlMacros},
	"linux/fcntl.h":            {fcntlMacros},
	"asm/fcntl.h":              {fcntlMacros},
	"asm-generic/fcntl.h":      {fcntlMacros},
	"signal.h":                 {signalMacros},
	"sys/signal.h":             {signalMacros},
	"linux/signal.h":           {signalMacros},
	"asm/signal.h":             {signalMacros},
	"bits/signum.h":            {signalMacros},
	"bits/signum-generic.h":    {signalMacros},
	"linux/sched.h":            {schedMacros},
	"sys/ioctl.h":              {ioctlMacros},
	"asm/ioctls.h":             {ioctlMacros},
	"asm-generic/ioctls.h":     {ioctlMacros},
	"linux/ioctl.h":            {ioctlMacros},
}

// KnownHeaders returns the headers whose constants bt knows, sorted.
func KnownHeaders() []string {
	names := make([]string, 0, len(headerMacros))
	for h := range headerMacros {
		names = append(names, h)
	}
	sort.Strings(names)
	return names
}

// HeaderMacros returns the constants an #include of header defines (nil
// for headers bt knows nothing of), as NAME -> body.
func HeaderMacros(header string) map[string]string {
	tables := headerMacros[strings.TrimPrefix(header, "./")]
	if len(tables) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, t := range tables {
		for k, v := range t {
			out[k] = v
		}
	}
	return out
}

// defineHeader defines the constants of an included header that are not
// defined yet. They are predefined macros: Pos is NoPos.
func (p *processor) defineHeader(path string) {
	for _, t := range headerMacros[strings.TrimPrefix(path, "./")] {
		for name, body := range t {
			if _, ok := p.res.Defines[name]; !ok {
				p.res.Defines[name] = Define{Name: name, Body: body}
			}
		}
	}
}

var socketMacros = map[string]string{
	"AF_UNSPEC": "0", "AF_UNIX": "1", "AF_LOCAL": "1", "AF_INET": "2", "AF_AX25": "3",
	"AF_IPX": "4", "AF_APPLETALK": "5", "AF_NETROM": "6", "AF_BRIDGE": "7", "AF_ATMPVC": "8",
	"AF_X25": "9", "AF_INET6": "10", "AF_ROSE": "11", "AF_DECnet": "12", "AF_NETBEUI": "13",
	"AF_SECURITY": "14", "AF_KEY": "15", "AF_NETLINK": "16", "AF_ROUTE": "16", "AF_PACKET": "17",
	"AF_ASH": "18", "AF_ECONET": "19", "AF_ATMSVC": "20", "AF_RDS": "21", "AF_SNA": "22",
	"AF_IRDA": "23", "AF_PPPOX": "24", "AF_WANPIPE": "25", "AF_LLC": "26", "AF_IB": "27",
	"AF_MPLS": "28", "AF_CAN": "29", "AF_TIPC": "30", "AF_BLUETOOTH": "31", "AF_IUCV": "32",
	"AF_RXRPC": "33", "AF_ISDN": "34", "AF_PHONET": "35", "AF_IEEE802154": "36", "AF_CAIF": "37",
	"AF_ALG": "38", "AF_NFC": "39", "AF_VSOCK": "40", "AF_KCM": "41", "AF_QIPCRTR": "42",
	"AF_SMC": "43", "AF_XDP": "44", "AF_MCTP": "45", "AF_MAX": "46",
	"PF_UNSPEC": "0", "PF_UNIX": "1", "PF_LOCAL": "1", "PF_INET": "2", "PF_INET6": "10",
	"PF_NETLINK": "16", "PF_PACKET": "17", "PF_BLUETOOTH": "31", "PF_VSOCK": "40", "PF_XDP": "44",
	"SOCK_STREAM": "1", "SOCK_DGRAM": "2", "SOCK_RAW": "3", "SOCK_RDM": "4", "SOCK_SEQPACKET": "5",
	"SOCK_DCCP": "6", "SOCK_PACKET": "10", "SOCK_NONBLOCK": "04000", "SOCK_CLOEXEC": "02000000",
	"SOL_SOCKET": "1",
	"MSG_OOB":    "0x1", "MSG_PEEK": "0x2", "MSG_DONTROUTE": "0x4", "MSG_CTRUNC": "0x8",
	"MSG_PROXY": "0x10", "MSG_TRUNC": "0x20", "MSG_DONTWAIT": "0x40", "MSG_EOR": "0x80",
	"MSG_WAITALL": "0x100", "MSG_FIN": "0x200", "MSG_SYN": "0x400", "MSG_CONFIRM": "0x800",
	"MSG_RST": "0x1000", "MSG_ERRQUEUE": "0x2000", "MSG_NOSIGNAL": "0x4000", "MSG_MORE": "0x8000",
	"MSG_WAITFORONE": "0x10000", "MSG_ZEROCOPY": "0x4000000", "MSG_FASTOPEN": "0x20000000",
	"MSG_CMSG_CLOEXEC": "0x40000000",
	"SHUT_RD":          "0", "SHUT_WR": "1", "SHUT_RDWR": "2",
}

var inMacros = map[string]string{
	"IPPROTO_IP": "0", "IPPROTO_ICMP": "1", "IPPROTO_IGMP": "2", "IPPROTO_IPIP": "4",
	"IPPROTO_TCP": "6", "IPPROTO_EGP": "8", "IPPROTO_PUP": "12", "IPPROTO_UDP": "17",
	"IPPROTO_IDP": "22", "IPPROTO_TP": "29", "IPPROTO_DCCP": "33", "IPPROTO_IPV6": "41",
	"IPPROTO_RSVP": "46", "IPPROTO_GRE": "47", "IPPROTO_ESP": "50", "IPPROTO_AH": "51",
	"IPPROTO_ICMPV6": "58", "IPPROTO_MTP": "92", "IPPROTO_BEETPH": "94", "IPPROTO_ENCAP": "98",
	"IPPROTO_PIM": "103", "IPPROTO_COMP": "108", "IPPROTO_L2TP": "115", "IPPROTO_SCTP": "132",
	"IPPROTO_UDPLITE": "136", "IPPROTO_MPLS": "137", "IPPROTO_ETHERNET": "143",
	"IPPROTO_RAW": "255", "IPPROTO_MPTCP": "262",
	"INADDR_ANY": "0x00000000", "INADDR_BROADCAST": "0xffffffff", "INADDR_NONE": "0xffffffff",
	"INADDR_LOOPBACK": "0x7f000001",
}

// errnoBaseMacros are asm-generic/errno-base.h.
var errnoBaseMacros = map[string]string{
	"EPERM": "1", "ENOENT": "2", "ESRCH": "3", "EINTR": "4", "EIO": "5", "ENXIO": "6",
	"E2BIG": "7", "ENOEXEC": "8", "EBADF": "9", "ECHILD": "10", "EAGAIN": "11", "ENOMEM": "12",
	"EACCES": "13", "EFAULT": "14", "ENOTBLK": "15", "EBUSY": "16", "EEXIST": "17", "EXDEV": "18",
	"ENODEV": "19", "ENOTDIR": "20", "EISDIR": "21", "EINVAL": "22", "ENFILE": "23", "EMFILE": "24",
	"ENOTTY": "25", "ETXTBSY": "26", "EFBIG": "27", "ENOSPC": "28", "ESPIPE": "29", "EROFS": "30",
	"EMLINK": "31", "EPIPE": "32", "EDOM": "33", "ERANGE": "34",
}

// errnoMacros are asm-generic/errno.h (beyond the base).
var errnoMacros = map[string]string{
	"EDEADLK": "35", "ENAMETOOLONG": "36", "ENOLCK": "37", "ENOSYS": "38", "ENOTEMPTY": "39",
	"ELOOP": "40", "EWOULDBLOCK": "11", "ENOMSG": "42", "EIDRM": "43", "ECHRNG": "44",
	"EL2NSYNC": "45", "EL3HLT": "46", "EL3RST": "47", "ELNRNG": "48", "EUNATCH": "49",
	"ENOCSI": "50", "EL2HLT": "51", "EBADE": "52", "EBADR": "53", "EXFULL": "54", "ENOANO": "55",
	"EBADRQC": "56", "EBADSLT": "57", "EDEADLOCK": "35", "EBFONT": "59", "ENOSTR": "60",
	"ENODATA": "61", "ETIME": "62", "ENOSR": "63", "ENONET": "64", "ENOPKG": "65", "EREMOTE": "66",
	"ENOLINK": "67", "EADV": "68", "ESRMNT": "69", "ECOMM": "70", "EPROTO": "71",
	"EMULTIHOP": "72", "EDOTDOT": "73", "EBADMSG": "74", "EOVERFLOW": "75", "ENOTUNIQ": "76",
	"EBADFD": "77", "EREMCHG": "78", "ELIBACC": "79", "ELIBBAD": "80", "ELIBSCN": "81",
	"ELIBMAX": "82", "ELIBEXEC": "83", "EILSEQ": "84", "ERESTART": "85", "ESTRPIPE": "86",
	"EUSERS": "87", "ENOTSOCK": "88", "EDESTADDRREQ": "89", "EMSGSIZE": "90", "EPROTOTYPE": "91",
	"ENOPROTOOPT": "92", "EPROTONOSUPPORT": "93", "ESOCKTNOSUPPORT": "94", "EOPNOTSUPP": "95",
	"ENOTSUP": "95", "EPFNOSUPPORT": "96", "EAFNOSUPPORT": "97", "EADDRINUSE": "98",
	"EADDRNOTAVAIL": "99", "ENETDOWN": "100", "ENETUNREACH": "101", "ENETRESET": "102",
	"ECONNABORTED": "103", "ECONNRESET": "104", "ENOBUFS": "105", "EISCONN": "106",
	"ENOTCONN": "107", "ESHUTDOWN": "108", "ETOOMANYREFS": "109", "ETIMEDOUT": "110",
	"ECONNREFUSED": "111", "EHOSTDOWN": "112", "EHOSTUNREACH": "113", "EALREADY": "114",
	"EINPROGRESS": "115", "ESTALE": "116", "EUCLEAN": "117", "ENOTNAM": "118", "ENAVAIL": "119",
	"EISNAM": "120", "EREMOTEIO": "121", "EDQUOT": "122", "ENOMEDIUM": "123", "EMEDIUMTYPE": "124",
	"ECANCELED": "125", "ENOKEY": "126", "EKEYEXPIRED": "127", "EKEYREVOKED": "128",
	"EKEYREJECTED": "129", "EOWNERDEAD": "130", "ENOTRECOVERABLE": "131", "ERFKILL": "132",
	"EHWPOISON": "133",
}

var fcntlMacros = map[string]string{
	"O_ACCMODE": "00000003", "O_RDONLY": "00000000", "O_WRONLY": "00000001", "O_RDWR": "00000002",
	"O_CREAT": "00000100", "O_EXCL": "00000200", "O_NOCTTY": "00000400", "O_TRUNC": "00001000",
	"O_APPEND": "00002000", "O_NONBLOCK": "00004000", "O_NDELAY": "00004000", "O_DSYNC": "00010000",
	"FASYNC": "00020000", "O_DIRECT": "00040000", "O_LARGEFILE": "00100000",
	"O_DIRECTORY": "00200000", "O_NOFOLLOW": "00400000", "O_NOATIME": "01000000",
	"O_CLOEXEC": "02000000", "O_SYNC": "04010000", "O_RSYNC": "04010000", "O_PATH": "010000000",
	"O_TMPFILE": "020200000",
	"AT_FDCWD":  "-100", "AT_SYMLINK_NOFOLLOW": "0x100", "AT_EACCESS": "0x200",
	"AT_REMOVEDIR": "0x200", "AT_SYMLINK_FOLLOW": "0x400", "AT_NO_AUTOMOUNT": "0x800",
	"AT_EMPTY_PATH": "0x1000",
	"F_DUPFD":       "0", "F_GETFD": "1", "F_SETFD": "2", "F_GETFL": "3", "F_SETFL": "4",
	"F_GETLK": "5", "F_SETLK": "6", "F_SETLKW": "7", "F_SETOWN": "8", "F_GETOWN": "9",
	"F_DUPFD_CLOEXEC": "1030", "FD_CLOEXEC": "1",
}

// signalMacros are the signal numbers of x86-64 and arm64 (the generic
// numbering); SIGRTMIN and SIGRTMAX are the kernel's values.
var signalMacros = map[string]string{
	"SIGHUP": "1", "SIGINT": "2", "SIGQUIT": "3", "SIGILL": "4", "SIGTRAP": "5", "SIGABRT": "6",
	"SIGIOT": "6", "SIGBUS": "7", "SIGFPE": "8", "SIGKILL": "9", "SIGUSR1": "10", "SIGSEGV": "11",
	"SIGUSR2": "12", "SIGPIPE": "13", "SIGALRM": "14", "SIGTERM": "15", "SIGSTKFLT": "16",
	"SIGCHLD": "17", "SIGCONT": "18", "SIGSTOP": "19", "SIGTSTP": "20", "SIGTTIN": "21",
	"SIGTTOU": "22", "SIGURG": "23", "SIGXCPU": "24", "SIGXFSZ": "25", "SIGVTALRM": "26",
	"SIGPROF": "27", "SIGWINCH": "28", "SIGIO": "29", "SIGPOLL": "29", "SIGPWR": "30",
	"SIGSYS": "31", "SIGRTMIN": "32", "SIGRTMAX": "64", "NSIG": "65", "_NSIG": "64",
}

// schedMacros are uapi linux/sched.h and the kernel's include/linux/sched.h.
var schedMacros = map[string]string{
	"CLONE_VM": "0x00000100", "CLONE_FS": "0x00000200", "CLONE_FILES": "0x00000400",
	"CLONE_SIGHAND": "0x00000800", "CLONE_PIDFD": "0x00001000", "CLONE_PTRACE": "0x00002000",
	"CLONE_VFORK": "0x00004000", "CLONE_PARENT": "0x00008000", "CLONE_THREAD": "0x00010000",
	"CLONE_NEWNS": "0x00020000", "CLONE_SYSVSEM": "0x00040000", "CLONE_SETTLS": "0x00080000",
	"CLONE_PARENT_SETTID": "0x00100000", "CLONE_CHILD_CLEARTID": "0x00200000",
	"CLONE_DETACHED": "0x00400000", "CLONE_UNTRACED": "0x00800000",
	"CLONE_CHILD_SETTID": "0x01000000", "CLONE_NEWCGROUP": "0x02000000",
	"CLONE_NEWUTS": "0x04000000", "CLONE_NEWIPC": "0x08000000", "CLONE_NEWUSER": "0x10000000",
	"CLONE_NEWPID": "0x20000000", "CLONE_NEWNET": "0x40000000", "CLONE_IO": "0x80000000",
	"SCHED_NORMAL": "0", "SCHED_FIFO": "1", "SCHED_RR": "2", "SCHED_BATCH": "3",
	"SCHED_IDLE": "5", "SCHED_DEADLINE": "6", "SCHED_EXT": "7",
	"TASK_RUNNING": "0x00000000", "TASK_INTERRUPTIBLE": "0x00000001",
	"TASK_UNINTERRUPTIBLE": "0x00000002", "__TASK_STOPPED": "0x00000004",
	"__TASK_TRACED": "0x00000008", "EXIT_DEAD": "0x00000010", "EXIT_ZOMBIE": "0x00000020",
	"EXIT_TRACE": "(EXIT_ZOMBIE | EXIT_DEAD)", "TASK_PARKED": "0x00000040",
	"TASK_DEAD": "0x00000080", "TASK_WAKEKILL": "0x00000100", "TASK_WAKING": "0x00000200",
	"TASK_NOLOAD": "0x00000400", "TASK_NEW": "0x00000800", "TASK_RTLOCK_WAIT": "0x00001000",
	"TASK_FREEZABLE": "0x00002000", "TASK_FROZEN": "0x00008000", "TASK_STATE_MAX": "0x00010000",
	"TASK_KILLABLE": "(TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)",
	"TASK_STOPPED":  "(TASK_WAKEKILL | __TASK_STOPPED)", "TASK_TRACED": "__TASK_TRACED",
	"TASK_IDLE":     "(TASK_UNINTERRUPTIBLE | TASK_NOLOAD)",
	"TASK_NORMAL":   "(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)",
	"TASK_REPORT":   "(TASK_RUNNING | TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE | __TASK_STOPPED | __TASK_TRACED | EXIT_DEAD | EXIT_ZOMBIE | TASK_PARKED)",
	"TASK_COMM_LEN": "16",
}

// ioctlMacros are asm-generic/ioctls.h (x86-64 and arm64).
var ioctlMacros = map[string]string{
	"TCGETS": "0x5401", "TCSETS": "0x5402", "TCSETSW": "0x5403", "TCSETSF": "0x5404",
	"TCGETA": "0x5405", "TCSETA": "0x5406", "TCSETAW": "0x5407", "TCSETAF": "0x5408",
	"TCSBRK": "0x5409", "TCXONC": "0x540A", "TCFLSH": "0x540B", "TIOCEXCL": "0x540C",
	"TIOCNXCL": "0x540D", "TIOCSCTTY": "0x540E", "TIOCGPGRP": "0x540F", "TIOCSPGRP": "0x5410",
	"TIOCOUTQ": "0x5411", "TIOCSTI": "0x5412", "TIOCGWINSZ": "0x5413", "TIOCSWINSZ": "0x5414",
	"TIOCMGET": "0x5415", "TIOCMBIS": "0x5416", "TIOCMBIC": "0x5417", "TIOCMSET": "0x5418",
	"FIONREAD": "0x541B", "TIOCINQ": "0x541B", "TIOCLINUX": "0x541C", "TIOCCONS": "0x541D",
	"FIONBIO": "0x5421", "TIOCNOTTY": "0x5422", "FIONCLEX": "0x5450", "FIOCLEX": "0x5451",
	"FIOASYNC": "0x5452",
}
