'use strict';
// Grammar tests for syntaxes/bpftrace.tmLanguage.json, run with `node --test`.
//  1. A table of (source, token text, expected scope substring) cases.
//  2. Every *.bt under <repo>/testdata (recursively) and /usr/sbin/*.bt:
//     tokenization terminates, no line yields an `invalid` scope, and the
//     rule stack is back at the root at the end of the file.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { tokenize, stackDepth } = require('./tokenize');

const REPO = path.resolve(__dirname, '..', '..', '..');
const TESTDATA = path.join(REPO, 'testdata');
const SYSTEM_TOOLS = '/usr/sbin';

// Wrap statements in a probe so they are tokenized as body code.
const body = (s) => `kprobe:vfs_read {\n  ${s}\n}`;

// [source, token text, scope substring, options]
// options.nth: which occurrence of the text (default 0);
// options.not: the scope must NOT appear on the token;
// options.part: match text inside a word (default: whole words only).
const CASES = [
  // shebang and comments
  ['#!/usr/bin/env bpftrace\nBEGIN {}', '#!/usr/bin/env bpftrace', 'comment.line.shebang'],
  ['// hello\nBEGIN {}', '// hello', 'comment.line.double-slash'],
  ['/* multi\n line */ BEGIN {}', 'line', 'comment.block'],
  ['BEGIN { /* c */ }', '/* c */', 'comment.block'],
  [body('@x = 1; // trailing'), '// trailing', 'comment.line'],
  // preprocessor and C definitions (prologue)
  ['#include <linux/sched.h>', '#include', 'keyword.control.directive.include'],
  ['#include <linux/sched.h>', '<linux/sched.h>', 'string.quoted.other.lt-gt.include'],
  ['#include "local.h"', '"local.h"', 'string.quoted.double.include'],
  ['#define MAX 16', 'MAX', 'entity.name.constant.preprocessor'],
  ['#ifndef BPFTRACE_HAVE_BTF\n#endif', '#ifndef', 'keyword.control.directive.conditional'],
  ['#if defined(X)\n#endif', 'defined', 'keyword.operator.word.defined'],
  ['#else', '#else', 'keyword.control.directive.conditional'],
  ['struct foo {\n  int x;\n};', 'struct', 'storage.type.struct.c'],
  ['struct foo {\n  int x;\n};', 'foo', 'entity.name.type.struct.c'],
  ['struct foo {\n  int x;\n};', 'x', 'variable.other.member.c'],
  ['struct foo {\n  unsigned long y[4];\n};', 'unsigned', 'storage.modifier.c'],
  ['struct foo {\n  struct bar *b;\n};', 'bar', 'entity.name.type.struct.c'],
  ['union u { int a; char b; };', 'union', 'storage.type.union.c'],
  ['enum e { A = 1, B };', 'A', 'variable.other.member.c'],
  ['struct p { int a; } __attribute__((packed));', '__attribute__', 'storage.modifier.attribute'],
  ['struct foo {\n  int x;\n}\nBEGIN {}', 'BEGIN', 'storage.type.provider.special'],
  // config, import, map declarations, macros, fns (NEW era)
  ['config = { max_strlen = 64; stack_mode = perf }', 'config', 'keyword.other.config'],
  ['config = { max_strlen = 64; stack_mode = perf }', 'max_strlen', 'variable.other.property.config'],
  ['config = { max_strlen = 64; stack_mode = perf }', '64', 'constant.numeric'],
  ['config = { max_strlen = 64; stack_mode = perf }', 'perf', 'constant.other.config-value'],
  ['config = {\n  print_maps_on_exit = false;\n}', 'false', 'constant.language.boolean'],
  ['import "lib.bt";', 'import', 'keyword.control.import'],
  ['import "lib.bt";', '"lib.bt"', 'string.quoted.double'],
  ['let @m = lruhash(100);', 'let', 'keyword.other.declaration.let'],
  ['let @m = lruhash(100);', '@m', 'variable.other.map'],
  ['let @m = lruhash(100);', 'lruhash', 'support.type.map-kind'],
  ['let @m = lruhash(100);', '100', 'constant.numeric.integer'],
  ['macro add($x, @m, n) { $x + n }', 'macro', 'keyword.other.declaration.macro'],
  ['macro add($x, @m, n) { $x + n }', 'add', 'entity.name.function.macro'],
  ['macro add($x, @m, n) { $x + n }', '$x', 'variable.parameter.scratch'],
  ['macro add($x, @m, n) { $x + n }', '@m', 'variable.other.map'],
  ['macro add($x, @m, n) { $x + n }', 'n', 'variable.parameter', { nth: 0 }],
  ['macro add($x, @m, n) { $x + n }', '$x', 'variable.other.scratch', { nth: 1 }],
  ['fn half($v: uint64): uint64 { return $v / 2; }', 'fn', 'keyword.other.declaration.fn'],
  ['fn half($v: uint64): uint64 { return $v / 2; }', 'half', 'entity.name.function'],
  ['fn half($v: uint64): uint64 { return $v / 2; }', 'uint64', 'entity.name.type', { nth: 1 }],
  ['fn half($v: uint64): uint64 { return $v / 2; }', 'return', 'keyword.control'],
  // probe headers
  ['kprobe:vfs_read { }', 'kprobe', 'storage.type.provider'],
  ['kprobe:vfs_read { }', 'vfs_read', 'entity.name.function.attach-point'],
  ['kprobe:vfs_read { }', ':', 'punctuation.separator.colon.attach-point'],
  ['kretprobe:vfs_* { }', '*', 'keyword.operator.wildcard'],
  ['kprobe:do_sys_open+0x10 { }', '0x10', 'constant.numeric.integer.offset'],
  ['tracepoint:syscalls:sys_enter_* { }', 'syscalls', 'entity.name.function.attach-point'],
  ['tracepoint:syscalls:sys_enter_* { }', 'sys_enter_', 'entity.name.function.attach-point'],
  ['tracepoint:syscalls:sys_enter_* { }', '*', 'keyword.operator.wildcard'],
  ['uprobe:/bin/bash:readline { }', '/bin/bash', 'string.unquoted.path'],
  ['uprobe:/bin/bash:readline { }', 'readline', 'entity.name.function.attach-point'],
  ['uprobe:"/opt/my app/bin":"fn" { }', '"/opt/my app/bin"', 'string.quoted.double.attach-point'],
  ['uprobe:$1:main { }', '$1', 'variable.parameter.positional'],
  ['usdt:/usr/bin/python3:python:function__entry { }', 'function__entry', 'attach-point'],
  ['BEGIN { }', 'BEGIN', 'storage.type.provider.special'],
  ['begin { }', 'begin', 'storage.type.provider.special'],
  ['END\n{\n}', 'END', 'storage.type.provider.special'],
  ['end { }', 'end', 'storage.type.provider.special'],
  ['interval:s:1 { }', 'interval', 'storage.type.provider'],
  ['interval:s:1 { }', 's', 'keyword.other.unit'],
  ['interval:s:1 { }', '1', 'constant.numeric.integer'],
  ['interval:1s { }', '1s', 'constant.numeric.integer'],
  ['profile:hz:99 { }', 'hz', 'keyword.other.unit'],
  ['profile:hz:99 { }', '99', 'constant.numeric.integer'],
  ['software:page-faults:100 { }', 'page-faults', 'entity.name.function.attach-point'],
  ['mine=kprobe:vfs_read { }', 'mine', 'entity.name.label.probe'],
  ['mine=kprobe:vfs_read { }', 'kprobe', 'storage.type.provider'],
  ['self:signal:SIGUSR1 { }', 'self', 'storage.type.provider'],
  ['kprobe:a,\nkprobe:b\n{ }', ',', 'punctuation.separator.attach-points'],
  ['fentry:vfs_open, fexit:vfs_open { }', 'fexit', 'storage.type.provider'],
  // predicates
  ['kprobe:f /pid == 42/ { }', '/', 'punctuation.definition.predicate.begin'],
  ['kprobe:f /pid == 42/ { }', 'pid', 'meta.predicate'],
  ['kprobe:f /pid == 42/ { }', 'pid', 'support.variable.builtin'],
  ['kprobe:f /pid == 42/ { }', '/', 'punctuation.definition.predicate.end', { nth: 1 }],
  ['kprobe:f\n/@x[tid] / 2 > 1/\n{ }', '/', 'keyword.operator.arithmetic', { nth: 1 }],
  ['kprobe:f\n/@x[tid] / 2 > 1/\n{ }', '/', 'predicate.end', { nth: 2 }],
  ['kprobe:f /comm == "a/b"/ { }', '"a/b"', 'string.quoted.double'],
  // maps, variables, positional parameters
  [body('@start[tid] = nsecs;'), '@start', 'variable.other.map'],
  [body('@start[tid] = nsecs;'), '@', 'punctuation.definition.variable.map'],
  [body('@ = count();'), '@', 'variable.other.map.anonymous'],
  [body('print(@);'), '@', 'variable.other.map.anonymous'],
  [body('$x = 1;'), '$x', 'variable.other.scratch'],
  [body('$x = $1 + $2;'), '$2', 'variable.parameter.positional'],
  [body('$n = $#;'), '$#', 'variable.parameter.positional'],
  // keywords
  [body('if ($x > 1) { } else { }'), 'if', 'keyword.control'],
  [body('if ($x > 1) { } else { }'), 'else', 'keyword.control'],
  [body('for ($kv : @m) { break; }'), 'for', 'keyword.control'],
  [body('for ($kv : @m) { break; }'), 'break', 'keyword.control'],
  [body('for $i : 0..10 { continue; }'), '..', 'keyword.operator.range'],
  [body('for $i : 0..10 { continue; }'), 'continue', 'keyword.control'],
  [body('while ($i < 3) { $i++; }'), 'while', 'keyword.control'],
  [body('unroll(4) { @x++; }'), 'unroll', 'keyword.control'],
  [body('return;'), 'return', 'keyword.control'],
  [body('let $y = 1;'), 'let', 'keyword.other.declaration.let'],
  [body('let $y: uint32 = 1;'), 'uint32', 'entity.name.type'],
  [body('$s = sizeof(struct task_struct);'), 'sizeof', 'keyword.operator.sizeof'],
  [body('$s = sizeof(struct task_struct);'), 'task_struct', 'entity.name.type.struct'],
  [body('$o = offsetof(struct sock, sk_num);'), 'offsetof', 'keyword.operator.offsetof'],
  [body('$t = typeof($x);'), 'typeof', 'keyword.operator.typeof'],
  [body('$c = comptime 1;'), 'comptime', 'keyword.operator.comptime'],
  [body('$b = true || false;'), 'true', 'constant.language.boolean'],
  [body('$b = true || false;'), 'false', 'constant.language.boolean'],
  // builtins
  [body('@[comm] = count();'), 'comm', 'support.variable.builtin'],
  [body('$a = pid + tid + uid + gid;'), 'gid', 'support.variable.builtin'],
  [body('$a = elapsed + cpu + rand + cgroup;'), 'cgroup', 'support.variable.builtin'],
  [body('$p = probe;'), 'probe', 'support.variable.builtin'],
  [body('$a = args.filename;'), 'args', 'support.variable.builtin'],
  [body('$a = args->filename;'), 'filename', 'variable.other.member'],
  [body('$c = ctx;'), 'ctx', 'support.variable.builtin'],
  [body('$r = retval;'), 'retval', 'support.variable.builtin'],
  [body('$a = arg0 + arg12;'), 'arg12', 'support.variable.builtin'],
  [body('@[func] = count();'), 'func', 'support.variable.builtin'],
  [body('@[kstack] = count();'), 'kstack', 'support.variable.builtin'],
  [body('@[ustack(perf, 5)] = count();'), 'perf', 'constant.language.stack-mode'],
  [body('$t = (struct task_struct *)curtask;'), 'curtask', 'support.variable.builtin'],
  [body('$n = comm(pid);'), 'comm', 'support.variable.builtin'],
  // function calls
  [body('printf("%d\\n", pid);'), 'printf', 'support.function.builtin'],
  [body('@c = count();'), 'count', 'support.function.aggregation'],
  [body('@s = sum(arg2);'), 'sum', 'support.function.aggregation'],
  [body('@h = hist($x);'), 'hist', 'support.function.aggregation'],
  [body('@l = lhist($x, 0, 100, 10);'), 'lhist', 'support.function.aggregation'],
  [body('delete(@m, 1);'), 'delete', 'support.function.builtin'],
  [body('clear(@m);'), 'clear', 'support.function.builtin'],
  [body('$s = str(arg0);'), 'str', 'support.function.builtin'],
  [body('exit();'), 'exit', 'support.function.builtin'],
  [body('$v = my_macro(1);'), 'my_macro', 'entity.name.function.call'],
  // strings, escapes, format specifiers
  [body('printf("%-10s %5d %llx %%\\n", comm, pid, 1, 2);'), '%-10s', 'constant.other.placeholder'],
  [body('printf("%-10s %5d %llx %%\\n", comm, pid, 1, 2);'), '%5d', 'constant.other.placeholder'],
  [body('printf("%-10s %5d %llx %%\\n", comm, pid, 1, 2);'), '%llx', 'constant.other.placeholder'],
  [body('printf("%-10s %5d %llx %%\\n", comm, pid, 1, 2);'), '%%', 'constant.character.escape'],
  [body('printf("%-10s %5d %llx %%\\n", comm, pid, 1, 2);'), '\\n', 'constant.character.escape'],
  [body('printf("%r\\n", buf(arg0, 8));'), '%r', 'constant.other.placeholder'],
  [body('$s = "a\\tb\\x41\\101\\"";'), '\\x41', 'constant.character.escape'],
  [body('$s = "a\\tb\\x41\\101\\"";'), '\\101', 'constant.character.escape'],
  [body('$s = "a\\tb\\x41\\101\\"";'), '\\"', 'constant.character.escape'],
  [body('$s = "bad \\q";'), '\\q', 'invalid.illegal.unknown-escape'],
  [body('$s = "x";'), '"x"', 'string.quoted.double'],
  // numbers
  [body('$x = 0x1F;'), '0x1F', 'constant.numeric.integer.hexadecimal'],
  [body('$x = 0777;'), '0777', 'constant.numeric.integer.octal'],
  [body('$x = 1_000_000;'), '1_000_000', 'constant.numeric.integer.decimal'],
  [body('$x = 1e6;'), '1e6', 'constant.numeric.integer.scientific'],
  [body('$x = 1ms;'), '1ms', 'constant.numeric.integer.duration'],
  [body('$x = 1ms;'), 'ms', 'keyword.other.unit.suffix.duration', { part: true }],
  [body('$x = 10s + 5us;'), '5us', 'constant.numeric.integer.duration'],
  [body('$x = 123ul;'), '123ul', 'constant.numeric.integer.decimal'],
  [body('$x = 12abc;'), '12abc', 'invalid.illegal.numeric'],
  // operators and punctuation
  [body('$x = $a << 2;'), '<<', 'keyword.operator.bitwise.shift'],
  [body('$x += 1;'), '+=', 'keyword.operator.assignment.compound'],
  [body('$x <<= 1;'), '<<=', 'keyword.operator.assignment.compound'],
  [body('@x++;'), '++', 'keyword.operator.increment-decrement'],
  [body('$x = $a && !$b;'), '&&', 'keyword.operator.logical'],
  [body('$x = $a && !$b;'), '!', 'keyword.operator.logical'],
  [body('$x = $a != $b;'), '!=', 'keyword.operator.comparison'],
  [body('$x = $a & 0xff;'), '&', 'keyword.operator.bitwise'],
  [body('$p = &$x;'), '&', 'keyword.operator.address-of'],
  [body('$x = $a ? 1 : 2;'), '?', 'keyword.operator.ternary'],
  [body('$x = $a ?: 2;'), '?:', 'keyword.operator.ternary.elvis'],
  [body('$x = ($a - $b) / 1000;'), '/', 'keyword.operator.arithmetic'],
  [body('$x = $t.0;'), '0', 'constant.numeric.integer.tuple-index'],
  [body('$x = $sk->__sk_common.skc_num;'), '->', 'punctuation.accessor'],
  [body('$x = $sk->__sk_common.skc_num;'), 'skc_num', 'variable.other.member'],
  [body('$x = $sk->pid;'), 'pid', 'variable.other.member'],
  [body('$x = $sk->pid;'), 'pid', 'support.variable.builtin', { not: true }],
  [body('@m[1, 2] = 3;'), '[', 'punctuation.section.brackets.begin'],
  [body('$x = 1;'), ';', 'punctuation.terminator.statement'],
  [body('$x = AF_INET;'), 'AF_INET', 'variable.other.constant'],
  // casts
  [body('$sk = (struct sock *)arg0;'), 'struct', 'storage.type.struct'],
  [body('$sk = (struct sock *)arg0;'), 'sock', 'entity.name.type.struct'],
  [body('$sk = (struct sock *)arg0;'), '*', 'storage.modifier.pointer'],
  [body('$sk = (struct sock *)arg0;'), '(', 'meta.cast'],
  [body('$v = (uint64)$x;'), 'uint64', 'storage.type.builtin'],
  [body('$v = (int8[])$x;'), '[]', 'storage.modifier.array'],
  [body('$v = (mytype *)$x;'), 'mytype', 'entity.name.type'],
  [body('$v = (pid) * 2;'), 'pid', 'support.variable.builtin'],
  // top-level vs body: the same words are not confused
  [body('$x = $a ? kprobe : 1;'), 'kprobe', 'storage.type.provider', { nth: 1, not: true }],
  [body('if (1) { struct_x = 1; }'), 'struct_x', 'storage.type', { not: true }],
  ['kprobe:f { }\n}', '}', 'invalid.illegal.stray-brace', { nth: 1 }],
];

// Find the nth occurrence of text; word-like text only matches whole words.
function locate(source, text, nth, part) {
  const isWord = (c) => !part && c !== undefined && /\w/.test(c);
  let from = 0;
  let idx = -1;
  for (let i = 0; i <= nth; ) {
    idx = source.indexOf(text, from);
    if (idx < 0) return null;
    from = idx + 1;
    const cutBefore = isWord(text[0]) && isWord(source[idx - 1]);
    const cutAfter = isWord(text[text.length - 1]) && isWord(source[idx + text.length]);
    if (!cutBefore && !cutAfter) i++;
  }
  const before = source.slice(0, idx);
  const line = before.split('\n').length - 1;
  const col = idx - (before.lastIndexOf('\n') + 1);
  return { line, col };
}

describe('token scopes', () => {
  for (const [source, text, scope, opts = {}] of CASES) {
    const nth = opts.nth || 0;
    const name = `${JSON.stringify(text)}${nth ? `#${nth}` : ''} ${opts.not ? 'is not' : 'is'} ${scope} in ${JSON.stringify(source)}`;
    test(name, async () => {
      const at = locate(source, text, nth, opts.part);
      assert.ok(at, `text ${JSON.stringify(text)} (occurrence ${nth}) not in source`);
      const { lines } = await tokenize(source);
      const end = at.col + text.length;
      const covering = lines[at.line].tokens.filter((t) => t.start < end && t.end > at.col);
      assert.ok(covering.length > 0, 'no tokens cover the text');
      for (const t of covering) {
        const has = t.scopes.some((s) => s.includes(scope));
        const detail = `token ${JSON.stringify(t.text)} has scopes [${t.scopes.join(', ')}]`;
        if (opts.not) assert.ok(!has, `unexpected ${scope}: ${detail}`);
        else assert.ok(has, `missing ${scope}: ${detail}`);
      }
    });
  }
});

describe('builtin name lists', () => {
  const { grammar } = require('../scripts/grammar');
  const vars = grammar.repository['builtin-variables'].patterns[0].match;
  const names = vars.replace(/^\\b\(\?:|\)\\b$/g, '').split('|');
  test('every builtin variable is highlighted in a probe body', async () => {
    assert.ok(names.length > 20, `parsed ${names.length} names from ${vars}`);
    const src = body(names.map((n) => `$v = ${n};`).join(' '));
    const { lines } = await tokenize(src);
    const line = lines[1];
    for (const n of names) {
      const re = new RegExp(`= ${n};`);
      const col = line.text.search(re) + 2;
      const tok = line.tokens.find((t) => t.start === col);
      assert.ok(tok && tok.text === n, `token for ${n}`);
      assert.ok(tok.scopes.some((s) => s.startsWith('support.variable.builtin')), `${n}: ${tok.scopes}`);
    }
  });
});

// ---- corpus: every .bt we can find must tokenize cleanly -------------------

function findBtFiles(dir, recursive) {
  const out = [];
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && recursive && e.name !== 'node_modules' && !e.name.startsWith('.')) {
      out.push(...findBtFiles(p, true));
    } else if (e.isFile() && e.name.endsWith('.bt')) {
      out.push(p);
    }
  }
  return out.sort();
}

// Deliberately broken scripts (parser/diagnostic fixtures) may contain
// unterminated strings or braces. They only need to tokenize to the end.
// A script is such a fixture if it sits in a directory named like one of
// these, or says `bt-grammar: broken` in its first lines.
const BROKEN_DIR = /^(errors?|invalid|bad|broken|syntax[-_]?errors?|parse[-_]?errors?)$/i;

function isBrokenFixture(file, text) {
  const rel = path.relative(TESTDATA, file);
  if (!rel.startsWith('..') && path.dirname(rel).split(path.sep).some((d) => BROKEN_DIR.test(d))) {
    return true;
  }
  return /bt-grammar:\s*broken/.test(text.split('\n', 5).join('\n'));
}

function checkFile(file) {
  return async () => {
    const text = fs.readFileSync(file, 'utf8');
    const broken = isBrokenFixture(file, text);
    const { lines, finalStack } = await tokenize(text);
    const stopped = lines.findIndex((l) => l.stoppedEarly);
    assert.equal(stopped, -1, `tokenization stopped early at line ${stopped + 1}`);
    if (broken) return;
    const invalid = [];
    lines.forEach((l, i) => {
      for (const t of l.tokens) {
        const s = t.scopes.find((x) => x.startsWith('invalid'));
        if (s) invalid.push(`${i + 1}:${t.start + 1}: ${JSON.stringify(t.text)} ${s}`);
      }
    });
    assert.deepEqual(invalid, [], 'lines with invalid scopes');
    assert.equal(stackDepth(finalStack), 1, 'rule stack not back at the root at end of file');
  };
}

const repoFiles = findBtFiles(TESTDATA, true);
const toolFiles = findBtFiles(SYSTEM_TOOLS, false);

describe(`testdata scripts (${repoFiles.length})`, () => {
  test('the grammar fixtures exist', () => {
    assert.ok(repoFiles.some((f) => f.includes(`${path.sep}grammar${path.sep}`)));
  });
  for (const f of repoFiles) test(path.relative(REPO, f), checkFile(f));
});

describe(`system bpftrace tools in ${SYSTEM_TOOLS} (${toolFiles.length})`, () => {
  if (toolFiles.length === 0) {
    test('no /usr/sbin/*.bt installed', { skip: 'install Debian bpftrace to run' }, () => {});
  }
  for (const f of toolFiles) test(f, checkFile(f));
});
