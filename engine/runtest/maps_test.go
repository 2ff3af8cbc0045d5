package runtest

import (
	"testing"
)

// The aggregations and how maps print at exit, checked against bpftrace
// 0.17's output for the same script.
func TestAggregations(t *testing.T) {
	src := `BEGIN {
  @c = count(); @c = count();
  @s = sum(5); @s = sum(-2);
  @a = avg(10); @a = avg(20);
  @mn = min(5); @mn = min(-3);
  @mx = max(5); @mx = max(9);
  @st = stats(4); @st = stats(8);
  @h = hist(1); @h = hist(100); @h = hist(0); @h = hist(-5);
  @l = lhist(15, 0, 100, 10); @l = lhist(200, 0, 100, 10);
  @k[1, "a"] = count(); @k[2, "b"] = count(); @k[1, "a"] = count();
  @hk["x"] = hist(3);
  exit();
}`
	check(t, src, exitText+lines(
		"@a: 15",
		"",
		"@c: 2",
		"@h: ",
		"(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"[2, 4)                 0 |                                                    |",
		"[4, 8)                 0 |                                                    |",
		"[8, 16)                0 |                                                    |",
		"[16, 32)               0 |                                                    |",
		"[32, 64)               0 |                                                    |",
		"[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"",
		"@hk[x]: ",
		"[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"",
		"@k[2, b]: 1",
		"@k[1, a]: 2",
		"@l: ",
		"[10, 20)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"[20, 30)               0 |                                                    |",
		"[30, 40)               0 |                                                    |",
		"[40, 50)               0 |                                                    |",
		"[50, 60)               0 |                                                    |",
		"[60, 70)               0 |                                                    |",
		"[70, 80)               0 |                                                    |",
		"[80, 90)               0 |                                                    |",
		"[90, 100)              0 |                                                    |",
		"[100, ...)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"",
		"@mn: -3",
		"@mx: 9",
		"@s: 3",
		"@st: count 2, average 6, total 12",
		"",
	), Options{Era017: true})
}

// Aggregations read in the kernel: the sum of every CPU's count, the
// average, the smallest and largest value set on any CPU.
func TestAggregationReads(t *testing.T) {
	check(t, `BEGIN {
  @c = count(); @c = count(); @c = count();
  @s = sum(5); @s = sum(-12);
  @a = avg(10); @a = avg(21);
  @mn = min(5); @mn = min(-3);
  @mx = max(5); @mx = max(9);
  @kc[7] = count();
  printf("%d %d %d %d %d %d %d\n", (int64)@c, (int64)@s, (int64)@a, (int64)@mn, (int64)@mx, (int64)@kc[7], (int64)@kc[8]);
  if (@c > 2) { printf("more than two\n"); }
  clear(@c); clear(@s); clear(@a); clear(@mn); clear(@mx); clear(@kc);
  exit();
}`, "3 -7 15 -3 9 1 0\nmore than two\n"+exitText, Options{})
}

func TestMapsOfValues(t *testing.T) {
	check(t, `BEGIN {
  @str["k"] = "value";
  @int[5] = 10;
  @int[5]++;
  @int[6] += 3;
  @int[7] -= 2;
  @int[5] *= 2;
  $x = @int[5];
  @tuple[1] = (2, "three");
  @skey["a", 1] = "a1";
  @skey["b", 2] = "b2";
  @scalar = 42;
  @scalar++;
  @sstr = "scalar";
  printf("%d %d %d %s %d %s %s\n", $x, @int[6], @int[7], @str["k"], @int[99], @skey["b", 2], @sstr);
  exit();
}`, "22 3 -2 value 0 b2 scalar\n"+exitText+lines(
		"@int[7]: -2",
		"@int[6]: 3",
		"@int[5]: 22",
		"@scalar: 43",
		"@skey[a, 1]: a1",
		"@skey[b, 2]: b2",
		"@sstr: scalar",
		"@str[k]: value",
		"@tuple[1]: (2, three)",
	), Options{})
}

func TestMapFunctions(t *testing.T) {
	check(t, `BEGIN {
  @m[1] = 1; @m[2] = 2; @m[3] = 3;
  printf("has %d %d\n", has_key(@m, 1), has_key(@m, 4));
  printf("len %d\n", len(@m));
  $d = delete(@m, 1);
  $e = delete(@m, 1);
  delete(@m[2]);
  printf("deleted %d %d len %d\n", $d, $e, len(@m));
  @gone = 5;
  delete(@gone);
  @z[1] = count(); @z[1] = count();
  zero(@z);
  @c[1] = 5;
  clear(@c);
  exit();
}`, "has 1 0\nlen 3\ndeleted 1 0 len 1\n"+exitText+lines(
		"@m[3]: 3",
		"@z[1]: 0",
	), Options{})
}

// print() of maps and of other values, checked against bpftrace 0.17.
func TestPrintMaps(t *testing.T) {
	check(t, `BEGIN {
  @m[1] = 10; @m[2] = 30; @m[3] = 20;
  print(@m);
  print(@m, 2);
  print(@m, 0, 10);
  print((1, "two", (3, 4)));
  print(123);
  print("str");
  clear(@m);
  @h["a"] = hist(1); @h["a"] = hist(2); @h["b"] = hist(1024);
  exit();
}`, lines(
		"@m[1]: 10",
		"@m[3]: 20",
		"@m[2]: 30",
		"@m[3]: 20",
		"@m[2]: 30",
		"@m[1]: 1",
		"@m[3]: 2",
		"@m[2]: 3",
		"(1, two, (3, 4))",
		"123",
		"str",
	)+exitText+lines(
		"@h[b]: ",
		"[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"",
		"@h[a]: ",
		"[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"",
		"",
	), Options{Era017: true})
}

func TestPerKeyHistograms(t *testing.T) {
	check(t, `BEGIN {
  @l[1] = lhist(3, 0, 10, 5);
  @h2 = hist(100, 2);
  @h3 = hist(7, 1);
  exit();
}`, exitText+lines(
		"@h2:",
		"[96, 112)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"",
		"@h3:",
		"[6, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"",
		"@l[1]:",
		"[0, 5)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|",
		"",
	), Options{})
}

// Maps fed by a probe that fires on the test's own calls.
func TestTracepointMaps(t *testing.T) {
	check(t, `tracepoint:syscalls:sys_enter_getppid /pid == $1/ {
  @c = count();
  @k[probe] = count();
  @start[tid] = nsecs;
}
tracepoint:syscalls:sys_exit_getppid /pid == $1 && @start[tid]/ {
  @ok = count();
  delete(@start, tid);
}
END { printf("%d\n", (int64)@c); clear(@start); }`, "100\n"+exitText+lines(
		"@c: 100",
		"@k[tracepoint:syscalls:sys_enter_getppid]: 100",
		"@ok: 100",
	), Options{Params: []string{pidParam}, Workload: getppid(100)})
}
