package lsp

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bt-tools/bt/lang"
	"github.com/bt-tools/bt/lang/kernel"
	"github.com/bt-tools/bt/lang/kernel/kerneltest"
	"github.com/bt-tools/bt/lang/sema"
	"github.com/bt-tools/bt/lsp/internal/protocol"
)

// bigScript returns a script of about n lines in the style of the
// bpftrace tools: tracepoints with args, kprobe/kretprobe pairs with start
// maps, histograms, printf, conditions and a config block and a macro.
func bigScript(n int) string {
	var b strings.Builder
	b.WriteString("config = { max_strlen = 64; max_probes = 10000 }\n#define LIMIT 100\nmacro ms(ns) { ns / 1000000 }\n")
	lines := 3
	tps := []string{"sys_enter_openat", "sys_enter_read", "sys_enter_write", "sys_enter_close"}
	for i := 0; lines < n; i++ {
		fmt.Fprintf(&b, `tracepoint:syscalls:%s
/pid > %d/
{
  @calls%d[comm, pid] = count();
  $fd%d = args.__syscall_nr;
  if ($fd%d > LIMIT) {
    printf("%%s %%d %%d\n", comm, pid, $fd%d);
  }
}
kprobe:vfs_read /comm == "bash%d"/
{
  @start%d[tid] = nsecs;
}
kretprobe:vfs_read /@start%d[tid]/
{
  $d = nsecs - @start%d[tid];
  @lat%d = hist(ms($d));
  @bytes%d[comm] = sum(retval);
  delete(@start%d, tid);
}

`, tps[i%len(tps)], i, i%40, i, i, i, i, i%40, i%40, i%40, i%40, i%40, i%40)
		lines += 21
	}
	b.WriteString("END\n{\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "  clear(@start%d);\n", i)
	}
	b.WriteString("}\n")
	return b.String()
}

// limitRange returns the range of the "100" of LIMIT, which the
// benchmarks edit.
func limitRange(src string) protocol.Range {
	return protocol.Range{Start: pos(1, 14), End: pos(1, 17)}
}

// BenchmarkDiagnostics measures the time from a didChange (one number
// edited in place) to the publication of the new version's diagnostics,
// through a real JSON-RPC connection, with the linter and the kernel
// fixture, on scripts of 2,000 and 20,000 lines. Each change comes after
// a quiet spell longer than the debounce delay, as a keystroke after a
// pause does.
func BenchmarkDiagnostics(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			opts := testOptions(b)
			opts.DiagnosticsDelay = 0 // default
			c := newTestClient(b, opts)
			uri := protocol.DocumentURI("file:///big.bt")
			src := bigScript(n)
			c.open(uri, src)
			b.ResetTimer()
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				time.Sleep(60 * time.Millisecond) // a quiet spell
				start := cpuTime()
				b.StartTimer()
				c.change(uri, protocol.TextDocumentContentChangeEvent{Range: ptr(limitRange(src)), Text: fmt.Sprintf("%03d", 100+i%900)})
				cpu += cpuTime() - start
			}
			b.StopTimer()
			b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
			reportHeap(b)
		})
	}
}

// BenchmarkCheck is the front end alone on the same scripts, for
// comparison: parse and type-check.
func BenchmarkCheck(b *testing.B) {
	k := kerneltest.Fixture(b)
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			src := []byte(bigScript(n))
			lang.Check("big.bt", src, sema.Options{Kernel: k, NoExpand: true, Unsafe: true})
			b.ResetTimer()
			start := cpuTime()
			for i := 0; i < b.N; i++ {
				lang.Check("big.bt", src, sema.Options{Kernel: k, NoExpand: true, Unsafe: true})
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkCompletionLiveBTF measures struct-field completion after `->`
// from the running kernel's BTF (/sys/kernel/btf/vmlinux), once the BTF is
// loaded: on an unchanged document (the completion itself), and after an
// edit (the check of the new text included, as when typing).
func BenchmarkCompletionLiveBTF(b *testing.B) {
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		b.Skipf("needs the running kernel's BTF: %v", err)
	}
	live := kernel.NewLive(kernel.LiveOptions{})
	t0 := time.Now()
	if err := live.LoadBTF(); err != nil {
		b.Skipf("needs the running kernel's BTF: %v", err)
	}
	b.Logf("live BTF loaded in %v", time.Since(t0))
	opts := testOptions(b)
	opts.Kernel = live
	c := newTestClient(b, opts)
	uri := protocol.DocumentURI("file:///live.bt")
	text := "fentry:vfs_read\n{\n  $i = args.file->f_inode->i_\n}\n"
	c.open(uri, text)
	at := pos(2, 29)
	complete := func() int {
		var list protocol.CompletionList
		c.call(protocol.MethodTextDocumentCompletion, &protocol.CompletionParams{
			TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: at}}, &list)
		return len(list.Items)
	}
	if n := complete(); n < 20 {
		b.Fatalf("only %d fields of struct inode", n)
	}
	b.Run("unchanged", func(b *testing.B) {
		start := cpuTime()
		for i := 0; i < b.N; i++ {
			complete()
		}
		reportCPU(b, start)
	})
	b.Run("after-edit", func(b *testing.B) {
		start := cpuTime()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			// Retype the last character, as the editor sends it.
			v := c.versions[uri] + 1
			c.versions[uri] = v
			c.notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
				TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: v},
				ContentChanges: []protocol.TextDocumentContentChangeEvent{{
					Range: &protocol.Range{Start: pos(2, 28), End: pos(2, 29)}, Text: "_"}},
			})
			b.StartTimer()
			complete()
		}
		reportCPU(b, start)
	})
	reportHeap(b)
}

// cpuTime returns the process's user and system CPU time: on a loaded
// machine it tells the work done apart from the waiting.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// reportHeap reports the live heap after a collection: the server's
// documents, snapshots and kernel info.
func reportHeap(b *testing.B) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MiB-heap")
}

func ptr[T any](v T) *T { return &v }

// TestBigDocument: a 20,000-line document stays responsive. While its
// check runs after an edit, a request on another document is answered,
// and requests on the big one are answered from its new version.
func TestBigDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("checks a 20,000-line document")
	}
	c := newTestClient(t, testOptions(t))
	big := protocol.DocumentURI("file:///big.bt")
	small := protocol.DocumentURI("file:///small.bt")
	src := bigScript(20000)
	c.open(big, src)
	c.open(small, "BEGIN { @x = 1; }\n")
	for i := 0; i < 5; i++ {
		c.notify(protocol.MethodTextDocumentDidChange, &protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: big}, Version: int32(2 + i)},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{{Range: ptr(limitRange(src)), Text: fmt.Sprintf("%03d", 200+i)}},
		})
	}
	start := time.Now()
	var h *protocol.Hover
	c.call(protocol.MethodTextDocumentHover, &protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: small}, Position: pos(0, 9)}, &h)
	if h == nil {
		t.Fatal("no hover on the small document")
	}
	t.Logf("hover on another document during the big check: %v", time.Since(start))
	start = time.Now()
	c.call(protocol.MethodTextDocumentHover, &protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: big}, Position: pos(8, 14)}, &h)
	if h == nil || !strings.Contains(h.Contents.Value, "#define LIMIT 204") {
		t.Errorf("hover on the big document does not see its last version: %+v", h)
	}
	t.Logf("hover on the big document after 5 edits: %v", time.Since(start))
	d := c.waitDiagnostics(big, 6)
	t.Logf("%d diagnostics on the big document", len(d.Diagnostics))
}
