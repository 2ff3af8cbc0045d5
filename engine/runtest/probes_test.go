package runtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"

	"github.com/bt-tools/bt/engine/plan"
)

func TestBeginEnd(t *testing.T) {
	check(t, `BEGIN { printf("begin\n"); @x = 1; } END { printf("end %d\n", @x); @x = 2; }`,
		"begin\nend 1\n"+exitText+"@x: 2\n", Options{})
}

// Each attach point of a wildcard gets its own program, whose probe
// builtin is its name.
func TestTracepointWildcard(t *testing.T) {
	check(t, `tracepoint:syscalls:sys_enter_getpp*,tracepoint:syscalls:sys_enter_getpg* /pid == $1/ { @[probe] = count(); }`,
		exitText+lines(
			"@[tracepoint:syscalls:sys_enter_getpgid]: 2",
			"@[tracepoint:syscalls:sys_enter_getppid]: 3",
		), Options{Params: []string{pidParam}, Workload: func() {
			getppid(3)()
			syscall.Getpgid(0)
			syscall.Getpgid(0)
		}})
}

// Tracepoint arguments: integers, arrays, user strings behind pointers.
func TestTracepointArgs(t *testing.T) {
	check(t, `
tracepoint:syscalls:sys_enter_getpgid /pid == $1/ { printf("getpgid(%d)\n", args->pid); }
tracepoint:raw_syscalls:sys_enter /pid == $1 && args->id == 121/ { printf("id %d args[0] %d\n", args->id, args->args[0]); }
tracepoint:syscalls:sys_enter_openat /pid == $1 && str(args->filename) == "/nonexistent/bt-test"/ { printf("open %s %d\n", str(args->filename), args->flags & 3); }
`, lines("getpgid(4242)", "id 121 args[0] 4242", "open /nonexistent/bt-test 2")+exitText, Options{Params: []string{pidParam}, Workload: func() {
		syscall.Getpgid(4242)
		syscall.Open("/nonexistent/bt-test", os.O_RDWR, 0)
	}})
}

// char arrays read as strings (task:task_rename's comms), __data_loc
// strings (sched:sched_process_exec's filename).
func TestTracepointStrings(t *testing.T) {
	check(t, `
tracepoint:task:task_rename /pid == $1 && args->newcomm == "bt-renamed"/ { printf("rename to %s\n", args->newcomm); }
tracepoint:sched:sched_process_exec /ppid == $1 && args->filename == "/bin/true"/ { printf("exec %s\n", args->filename); }
`, "rename to bt-renamed\nexec /bin/true\n"+exitText, Options{Params: []string{pidParam}, Workload: func() {
		rename(t, "bt-renamed")
		exec.Command("/bin/true").Run()
	}})
}

// rename sets this thread's name and restores it.
func rename(t *testing.T, name string) {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	old, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/comm", unix.Gettid()))
	if err != nil {
		t.Error(err)
		return
	}
	for _, n := range []string{name, strings.TrimSpace(string(old))} {
		p, _ := unix.BytePtrFromString(n)
		if err := unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(p)), 0, 0, 0); err != nil {
			t.Error(err)
		}
	}
}

// rawtracepoint programs are BTF-typed (tp_btf): args fields, pointers
// followed with BTF types, argN slots.
func TestRawTracepoint(t *testing.T) {
	check(t, `rawtracepoint:sys_enter /pid == $1 && args.id == 121/ {
  printf("%d %d %d\n", args.id, args.regs->di, arg1);
}`, "121 4243 121\n"+exitText, Options{Params: []string{pidParam}, Workload: func() {
		syscall.Getpgid(4243)
	}})
}

func TestInterval(t *testing.T) {
	check(t, `interval:ms:20 { @n = count(); if (@n == 3) { exit(); } }`,
		exitText+"@n: 3\n", Options{})
}

func TestProfileAndSoftware(t *testing.T) {
	checkMatch(t, `profile:hz:99 { @p = count(); } software:cpu-clock:1000000 { @s = count(); }
interval:ms:300 { exit(); }`, exitText+`@p: [1-9]\d*\n@s: [1-9]\d*\n`, Options{})
	checkMatch(t, `software:page-faults:1 /pid == $1/ { @f = count(); }`, exitText+`@f: [1-9]\d*\n`,
		Options{Params: []string{pidParam}, Workload: func() {
			b := make([]byte, 64<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
		}})
}

// A uprobe and a uretprobe on a function of a small C program built for
// the test, run with -c.
func TestUprobes(t *testing.T) {
	Require(t)
	bin := buildC(t, `
#include <string.h>
__attribute__((noinline)) int add(int a, int b) { return a + b; }
volatile const char *last;
char buf[16]; /* written before the call: a probe cannot fault pages in */
__attribute__((noinline)) void greet(const char *s) { last = s; }
int main(void) {
	volatile int r = add(2, 3) + add(40, 2);
	strcpy(buf, "hello");
	greet(buf);
	return r == 47 ? 0 : 1;
}`)
	check(t, fmt.Sprintf(`uprobe:%[1]s:add { printf("add(%%d, %%d) %%s\n", arg0, arg1, func); }
uretprobe:%[1]s:add { printf("= %%d\n", retval); }
uprobe:%[1]s:greet { printf("greet %%s\n", str(arg0)); @calls[func] = count(); }`, bin),
		lines("add(2, 3) add", "= 5", "add(40, 2) add", "= 42", "greet hello")+exitText+"@calls[greet]: 1\n",
		Options{Child: bin})
}

// buildC compiles a C program into the test's directory.
func buildC(t *testing.T, src string) string {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("needs a C compiler")
	}
	dir := t.TempDir()
	c := filepath.Join(dir, "prog.c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "prog")
	if out, err := exec.Command(cc, "-O1", "-g", "-fno-omit-frame-pointer", "-o", bin, c).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	return bin
}

// Kernel probes cannot attach on the test machines; their programs must
// still load.
func TestKprobesLoad(t *testing.T) {
	Require(t)
	for _, src := range []string{
		`kprobe:do_nanosleep { @[comm] = count(); printf("%d %d %s\n", arg0, arg1, func); }`,
		`kretprobe:do_nanosleep { @r = hist(retval); printf("%s %d\n", kstack, reg("ip")); }`,
		`kprobe:vfs_read { $f = (struct file *)arg0; printf("%s\n", str($f->f_path.dentry->d_name.name)); }`,
	} {
		_, p, err := Compile(src, Options{})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if err := load(p); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}

// fentry programs are generated; they load where the kernel has fentry.
func TestFentryGenerated(t *testing.T) {
	Require(t)
	_, p, err := Compile(`fentry:vfs_read { @[comm] = count(); printf("%d\n", args.count); }
fexit:vfs_read { @ret = hist(retval); }`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Programs) != 2 || p.Programs[0].Spec.Type != ebpf.Tracing || p.Programs[0].Spec.AttachTo != "vfs_read" ||
		p.Programs[0].Spec.AttachType != ebpf.AttachTraceFEntry || p.Programs[1].Spec.AttachType != ebpf.AttachTraceFExit {
		t.Fatalf("programs: %+v", p.Programs)
	}
	if err := load(p); err != nil {
		// Without fentry support (no ftrace direct calls) the kernel
		// refuses the load itself: EPERM, ENOTSUPP.
		if errors.Is(err, ebpf.ErrNotSupported) || errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EPERM) ||
			strings.Contains(err.Error(), "not supported") || strings.Contains(err.Error(), "errno 524") {
			t.Skipf("kernel lacks fentry: %v", err)
		}
		t.Errorf("load: %v", err)
	}
}

// load loads a plan's maps and programs without attaching them.
func load(p *plan.Plan) error {
	if err := rlimit.RemoveMemlock(); err != nil {
		return err
	}
	maps := map[string]*ebpf.Map{}
	defer func() {
		for _, m := range maps {
			m.Close()
		}
	}()
	for _, m := range p.Maps {
		bm, err := ebpf.NewMap(m.Spec)
		if err != nil {
			return fmt.Errorf("map %s: %w", m.Name, err)
		}
		maps[m.Name] = bm
	}
	for _, prog := range p.Programs {
		spec := prog.Spec.Copy()
		for i := range spec.Instructions {
			ins := &spec.Instructions[i]
			if ins.IsLoadFromMap() && ins.Reference() != "" {
				if err := ins.AssociateMap(maps[ins.Reference()]); err != nil {
					return err
				}
			}
		}
		bp, err := ebpf.NewProgram(spec)
		if err != nil {
			return fmt.Errorf("program %s: %w", prog.Name, err)
		}
		bp.Close()
	}
	return nil
}

var _ = time.Second

// Struct field chains through pointers in user memory, with C
// definitions from the script: '.' follows a pointer to a pointer too.
func TestStructChains(t *testing.T) {
	Require(t)
	bin := buildC(t, `
struct node { long val; struct node *next; char name[8]; };
struct node second = { 2, 0, "second" };
struct node first = { 1, &second, "first" };
struct node *head = &first;
__attribute__((noinline)) long walk(struct node **pp) { return (*pp)->next->val; }
int main(void) { return walk(&head) == 2 ? 0 : 1; }`)
	check(t, fmt.Sprintf(`struct node { long val; struct node *next; char name[8]; }
uprobe:%s:walk {
  $pp = (struct node **)arg0;
  printf("%%d %%d %%s %%s\n", $pp->val, $pp->next->val, $pp->name, (*$pp)->next->name);
  printf("%%d %%d\n", reg("di") == arg0, reg("sp") != 0);
}`, bin), "1 2 first second\n1 1\n"+exitText, Options{Child: bin})
}

// -p: kernel probes count only the target process's events.
func TestPidFilter(t *testing.T) {
	Require(t)
	other := buildC(t, `
#include <unistd.h>
int main(void) { for (int i = 0; i < 7; i++) getppid(); return 0; }`)
	check(t, `tracepoint:syscalls:sys_enter_getppid { @ = count(); }`, exitText+"@: 5\n",
		Options{PIDs: []int{os.Getpid()}, Workload: func() {
			getppid(5)()
			exec.Command(other).Run()
		}})
}

// An iterator's printf writes into its seq_file, which the runtime reads.
func TestIterator(t *testing.T) {
	res := checkMatch(t, `iter:task {
  if (ctx->task != 0 && ctx->task->tgid == $1 && ctx->task->pid == $1) {
    printf("%d %s %s|\n", ctx->task->tgid, ctx->task->comm, 7);
  }
}`, fmt.Sprintf(`%d \S+ 7\|\n`, os.Getpid())+exitText, Options{Params: []string{pidParam}})
	_ = res
}
