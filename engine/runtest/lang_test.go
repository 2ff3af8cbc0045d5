package runtest

import (
	"testing"
)

// Statements, checked against bpftrace 0.17 for the forms it has.
func TestStatements(t *testing.T) {
	check(t, `BEGIN {
  $i = 0; $sum = 0;
  while ($i < 10) { $i++; if ($i == 3) { continue; } if ($i > 7) { break; } $sum += $i; }
  printf("while %d %d\n", $i, $sum);
  $j = 0;
  unroll(5) { $j = $j + 2; }
  printf("unroll %d\n", $j);
  $a = 10; $b = 3;
  if ($a > 5 && $b > 5) { printf("both\n"); } else if ($a > 5 || $b > 5) { printf("one\n"); } else { printf("none\n"); }
  printf("%d %d %s\n", $a > $b ? 100 : 200, $a < $b ? 100 : 200, $a > 5 ? "big" : "small");
  exit();
}`, lines("while 8 25", "unroll 10", "one", "100 200 big")+exitText, Options{Era017: true})
}

// Integer semantics: arithmetic, shifts by the left operand's sign,
// comparisons signed only when both sides are, casts truncating and
// extending.
func TestIntegers(t *testing.T) {
	check(t, `BEGIN {
  $a = 10; $b = 3;
  printf("%d %d %d %d %d %d %d %d\n", $a + $b, $a - $b, $a * $b, $a / $b, $a % $b, $a & $b, $a | $b, $a ^ $b);
  printf("%d %d %d %d\n", $a << 2, $a >> 1, -$a, ~$a);
  printf("%d %d %d %d\n", (uint8)300, (int8)200, (uint16)-1, (int32)4294967295);
  $n = -8;
  printf("%d %u\n", $n >> 1, (uint32)$n >> 1);
  printf("%d %d %d %d\n", (int64)-8 < (uint64)5, $n < 5, (uint8)255 == (int8)-1, (uint8)255 > (int8)-1);
  exit();
}`, lines("13 7 30 3 1 2 11 9", "40 5 -10 -11", "44 -56 65535 -1", "-4 2147483644", "0 1 0 0")+exitText,
		Options{Era017: true})
	// Signed division truncates toward zero, as in C.
	check(t, `BEGIN { $a = -7; $b = 2; printf("%d %d %d %d\n", $a / $b, $a % $b, 7 / -2, (int64)-9 / 3); exit(); }`,
		"-3 -1 -3 -3\n"+exitText, Options{})
}

func TestScratchVariables(t *testing.T) {
	check(t, `BEGIN {
  $s = "hello";
  $t = "world";
  printf("%s %s %d %d %d\n", $s, $t, $s == "hello", $s != $t, $s == $t);
  $s = "hi";
  printf("%s\n", $s);
  $tup = (1, "x", -5);
  printf("%d %s %d %s\n", $tup.0, $tup.1, $tup.2, $tup.1 == "x" ? "yes" : "no");
  $nested = ((1, 2), "n");
  printf("%d %s\n", $nested.0.1, $nested.1);
  $c = comm;
  printf("%d\n", $c == comm);
  exit();
}`, lines("hello world 1 1 0", "hi", "1 x -5 yes", "2 n", "1")+exitText, Options{})
}

func TestBlockScopingAndLet(t *testing.T) {
	check(t, `BEGIN {
  let $x = 1;
  if ($x == 1) { let $y = 2; $x = $x + $y; }
  { let $y: int64 = 40; $x += $y; }
  let $z: uint8 = 7;
  printf("%d %d\n", $x, $z);
  $v = if ($x > 10) { "big" } else { "small" };
  $w = { let $q = 5; $q * 2 };
  printf("%s %d\n", $v, $w);
  exit();
}`, "43 7\nbig 10\n"+exitText, Options{})
}

func TestRangeLoops(t *testing.T) {
	check(t, `BEGIN {
  $sum = 0;
  for ($i : 0..5) { $sum += $i; }
  $n = 3;
  for ($i : 1..$n) { printf("i=%d\n", $i); }
  for ($i : 0..10) { if ($i == 2) { continue; } if ($i == 4) { break; } printf("j=%d\n", $i); }
  for ($i : 5..2) { printf("never\n"); }
  for ($i : 0..2) { for ($j : 0..2) { @pairs[$i, $j] = 1; } }
  printf("sum=%d len=%d\n", $sum, len(@pairs));
  clear(@pairs);
  exit();
}`, lines("i=1", "i=2", "j=0", "j=1", "j=3", "sum=10 len=4")+exitText, Options{})
}

func TestMapLoops(t *testing.T) {
	check(t, `BEGIN {
  @m[1] = 10; @m[2] = 20; @m[3] = 30;
  $total = 0;
  for ($kv : @m) { $total += $kv.1; @seen[$kv.0] = $kv.1 * 2; }
  @c["a"] = count(); @c["a"] = count(); @c["b"] = count();
  for ($kv : @c) { @counts[$kv.0] = $kv.1; }
  @t[1, "x"] = 5;
  for ($kv : @t) { printf("%d %s %d\n", $kv.0.0, $kv.0.1, $kv.1); }
  printf("total=%d\n", $total);
  clear(@m); clear(@c); clear(@t);
  exit();
}`, lines("1 x 5", "total=60")+exitText+lines(
		"@counts[b]: 1",
		"@counts[a]: 2",
		"@seen[1]: 20",
		"@seen[2]: 40",
		"@seen[3]: 60",
	), Options{})
}

func TestReturnInLoop(t *testing.T) {
	check(t, `BEGIN {
  for ($i : 0..10) { if ($i == 3) { return; } printf("%d\n", $i); }
  printf("not reached\n");
}
END { printf("end\n"); }`, lines("0", "1", "2", "end")+exitText, Options{})
}

func TestStringComparisons(t *testing.T) {
	check(t, `BEGIN {
  $a = "abc"; $b = "abd"; $long = "abcdefghijklmnopqrstuvwxyz";
  printf("%d %d %d %d\n", $a == "abc", $a == "ab", $a != "abcd", $a == $b);
  printf("%d %d\n", $long == "abcdefghijklmnopqrstuvwxyz", $long == "abcdefghijklmnopqrstuvwxyZ");
  printf("%d %d\n", "" == "", $a == "");
  printf("%d %d\n", strncmp($a, $b, 2), strncmp($a, $b, 3));
  exit();
}`, lines("1 0 1 0", "1 0", "1 0", "0 1")+exitText, Options{})
}

func TestMacros(t *testing.T) {
	check(t, `
macro add(a, b) { a + b }
macro twice($x) { $x = $x * 2; }
macro incr(@m) { @m[1]++; }
macro answer() { 42 }
BEGIN {
  $v = 5;
  twice($v);
  incr(@hits);
  incr(@hits);
  printf("%d %d %d %d\n", add(1, 2), $v, answer, answer());
  exit();
}`, "3 10 42 42\n"+exitText+"@hits[1]: 2\n", Options{})
}

func TestDefinesAndEnums(t *testing.T) {
	check(t, `
#define LIMIT 10
enum color { RED = 1, GREEN = 5 };
BEGIN { printf("%d %d %d\n", LIMIT, GREEN, LIMIT * RED); exit(); }`, "10 5 10\n"+exitText, Options{})
}

// More values live across helper calls than there are callee-saved
// registers: some are spilled to the stack and reloaded.
func TestRegisterPressure(t *testing.T) {
	check(t, `BEGIN {
  $a = 1; $b = 2; $c = 3; $d = 4; $e = 5; $f = 6; $g = 7; $h = 8; $i = 9; $j = 10;
  $p = pid; $n = nsecs; $k = cpu;
  $s = $a + $b * $c - ($d + ($e * ($f + ($g * ($h + ($i * $j))))));
  printf("%d %d %d %d %d %d %d %d %d %d %d %d\n", $a, $b, $c, $d, $e, $f, $g, $h, $i, $j, $s, $p == pid && $n > 0 && $k == cpu);
  exit();
}`, "1 2 3 4 5 6 7 8 9 10 -3457 1\n"+exitText, Options{})
}

// if comptime picks a branch while compiling; a trailing if/else is its
// block's value.
func TestComptime(t *testing.T) {
	check(t, `macro kind(x) { if comptime (is_str(x)) { "string" } else if comptime (is_integer(x)) { "integer" } else { "other" } }
BEGIN {
  printf("%s %s %s\n", kind(comm), kind(1), kind(curtask));
  $v = { if (pid > 0) { 5 } else { 6 } };
  printf("%d\n", $v);
  exit();
}`, "string integer other\n5\n"+exitText, Options{})
}
