package output

import (
	"strconv"
	"strings"
)

// GFP flag bits as linux/gfp_types.h numbers them.
const (
	gfpDMA uint64 = 1 << iota
	gfpHighmem
	gfpDMA32
	gfpMovable
	_ // reclaimable
	gfpHigh
	gfpIO
	gfpFS
	gfpZero
	_ // unused bit 9
	gfpDirectReclaim
	gfpKswapdReclaim
	gfpWrite
	gfpNowarn
	gfpRetryMayfail
	gfpNofail
	gfpNoretry
	gfpMemalloc
	gfpComp
	gfpNomemalloc
	gfpHardwall
	gfpThisnode
	gfpAccount
	gfpZerotags
	gfpSkipZero
	gfpSkipKasan
	gfpNoObjExt
)

// Compound GFP masks.
const (
	gfpReclaim         = gfpDirectReclaim | gfpKswapdReclaim
	gfpAtomic          = gfpHigh | gfpKswapdReclaim
	gfpKernel          = gfpReclaim | gfpIO | gfpFS
	gfpKernelAccount   = gfpKernel | gfpAccount
	gfpNowait          = gfpKswapdReclaim | gfpNowarn
	gfpNoIO            = gfpReclaim
	gfpNoFS            = gfpNoIO | gfpIO
	gfpUser            = gfpNoFS | gfpFS | gfpHardwall
	gfpHighuser        = gfpUser | gfpHighmem
	gfpHighuserMovable = gfpHighuser | gfpMovable | gfpSkipKasan
	gfpTranshugeLight  = (gfpHighuserMovable | gfpComp | gfpNomemalloc | gfpNowarn) &^ gfpReclaim
	gfpTranshuge       = gfpTranshugeLight | gfpDirectReclaim
)

// gfpNames is matched in order, compound masks first, as the kernel's
// __def_gfpflag_names is.
var gfpNames = []struct {
	mask uint64
	name string
}{
	{gfpTranshuge, "GFP_TRANSHUGE"}, {gfpTranshugeLight, "GFP_TRANSHUGE_LIGHT"},
	{gfpHighuserMovable, "GFP_HIGHUSER_MOVABLE"}, {gfpHighuser, "GFP_HIGHUSER"},
	{gfpUser, "GFP_USER"}, {gfpKernelAccount, "GFP_KERNEL_ACCOUNT"},
	{gfpKernel, "GFP_KERNEL"}, {gfpNoFS, "GFP_NOFS"}, {gfpAtomic, "GFP_ATOMIC"},
	{gfpNoIO, "GFP_NOIO"}, {gfpNowait, "GFP_NOWAIT"}, {gfpDMA, "GFP_DMA"},
	{gfpHighmem, "__GFP_HIGHMEM"}, {gfpDMA32, "GFP_DMA32"}, {gfpHigh, "__GFP_HIGH"},
	{gfpIO, "__GFP_IO"}, {gfpFS, "__GFP_FS"}, {gfpZero, "__GFP_ZERO"},
	{gfpDirectReclaim, "__GFP_DIRECT_RECLAIM"}, {gfpKswapdReclaim, "__GFP_KSWAPD_RECLAIM"},
	{gfpWrite, "__GFP_WRITE"}, {gfpNowarn, "__GFP_NOWARN"},
	{gfpRetryMayfail, "__GFP_RETRY_MAYFAIL"}, {gfpNofail, "__GFP_NOFAIL"},
	{gfpNoretry, "__GFP_NORETRY"}, {gfpMemalloc, "__GFP_MEMALLOC"}, {gfpComp, "__GFP_COMP"},
	{gfpNomemalloc, "__GFP_NOMEMALLOC"}, {gfpHardwall, "__GFP_HARDWALL"},
	{gfpThisnode, "__GFP_THISNODE"}, {gfpAccount, "__GFP_ACCOUNT"},
	{gfpZerotags, "__GFP_ZEROTAGS"}, {gfpSkipZero, "__GFP_SKIP_ZERO"},
	{gfpSkipKasan, "__GFP_SKIP_KASAN"}, {gfpNoObjExt, "__GFP_NO_OBJ_EXT"},
}

// gfpFlags prints GFP flags as %gr does: matching names joined by '|',
// leftover bits in hex, "0" for none.
func gfpFlags(flags uint64) string {
	if flags == 0 {
		return "0"
	}
	var parts []string
	rest := flags
	for _, n := range gfpNames {
		if rest&n.mask == n.mask {
			parts = append(parts, n.name)
			rest &^= n.mask
		}
	}
	if rest != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(rest, 16))
	}
	return strings.Join(parts, "|")
}
