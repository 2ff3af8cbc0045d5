#!/usr/bin/env node
'use strict';
// Source of syntaxes/bpftrace.tmLanguage.json. Regexes are written with
// String.raw so they read as Oniguruma sees them. Run `node scripts/grammar.js`
// after editing; test/manifest.test.js fails when the JSON is stale.
//
// Layout of the grammar (LANGUAGE.md §1-§3):
//   file     = shebang, then top-level items
//   top      = comments | #pp lines | C struct/union/enum | config = {..} |
//              import ".." | let @m = kind(N) | macro/fn headers |
//              attach points | /predicate/ | { body } | , ;
//   body     = statements and expressions (also used inside predicates)
// Top level and body use different rule sets: an attach point such as
// `kprobe:f` is only recognised outside braces, `a ? b : c` only inside.

const fs = require('fs');
const path = require('path');

const r = String.raw;
const IDENT = r`[A-Za-z_][A-Za-z0-9_]*`;
const INT_SUFFIX = r`(?:ull|ul|ll|u|l|ULL|UL|LL|U|L)`;
// Words accepted as types in casts and annotations without `struct`.
const BUILTIN_TYPES = [
  'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
  'string', 'buffer', 'inet', 'void', 'char', 'short', 'int', 'long', 'unsigned', 'signed',
  'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', '__u8', '__u16', '__u32', '__u64',
  '__s8', '__s16', '__s32', '__s64', 'size_t', 'pid_t', 'uid_t', 'gid_t', 'ksym_t',
  'usym_t', 'kstack_t', 'ustack_t', 'timestamp', 'username_t', 'macaddr_t', 'cgroup_path_t',
];
// Builtin variables (§4). They may also be called with parens: comm(pid).
const BUILTIN_VARS = [
  'pid', 'tid', 'uid', 'gid', 'nsecs', 'elapsed', 'cpu', 'ncpus', 'numaid', 'comm', 'pcomm',
  'ppid', 'leader_comm', 'leader_tid', 'curtask', 'cgroup', 'rand', 'jiffies', 'username',
  'usermode', 'retval', 'args', 'func', 'probe', 'probetype', 'kstack', 'ustack', 'dw_ustack',
  'cpid', 'ctx',
];
// Functions (§5.1, §5.2 map functions) and stdlib macros users call like functions.
const BUILTIN_FUNCS = [
  'printf', 'print', 'errorf', 'warnf', 'debugf', 'fail', 'exit', 'time', 'strftime', 'cat',
  'system', 'join', 'str', 'buf', 'strncmp', 'strlen', 'strcap', 'strstr', 'strcontains',
  'str_concat', 'strerror', 'signal_name', 'syscall_name', 'ksym', 'usym', 'kaddr', 'uaddr',
  'percpu_kaddr', 'cgroupid', 'cgroup_path', 'ntop', 'pton', 'macaddr', 'bswap', 'reg', 'kptr',
  'uptr', 'path', 'skboutput', 'socket_cookie', 'override', 'signal', 'signal_thread',
  'write_user', 'unwatch', 'getopt', 'len', 'is_err', 'container_of', 'assert', 'static_assert',
  'is_str', 'is_ptr', 'is_array', 'is_integer', 'is_unsigned_integer', 'is_literal',
  'kfunc_exist', 'kfunc_allowed', 'clear', 'zero', 'delete', 'has_key', 'find',
];
const AGGREGATIONS = ['count', 'sum', 'min', 'max', 'avg', 'stats', 'hist', 'lhist', 'tseries'];
const MAP_KINDS = ['hash', 'lruhash', 'percpuhash', 'percpulruhash', 'array', 'percpuarray'];
const C_TYPES = [
  'void', 'char', 'short', 'int', 'long', 'float', 'double', '_Bool', 'bool', 'size_t',
  'ssize_t', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', '__u8', '__u16', '__u32',
  '__u64', '__s8', '__s16', '__s32', '__s64', '__be16', '__be32', '__be64', '__le16', '__le32',
  '__le64', 'int8_t', 'int16_t', 'int32_t', 'int64_t', 'uint8_t', 'uint16_t', 'uint32_t',
  'uint64_t', 'pid_t', 'uid_t', 'gid_t', 'dev_t', 'loff_t', 'off_t', 'atomic_t', 'atomic64_t',
];
const C_MODIFIERS = [
  'const', 'volatile', 'unsigned', 'signed', 'static', 'inline', 'extern', 'register',
  'restrict', 'typedef', '__attribute__', '__packed', '__aligned', '__user', '__rcu',
];

const words = (list) => `(?:${list.join('|')})`;

// A type as written after `:` or inside a cast: struct foo, uint64, T *, string[64].
const TYPE = r`(?:(?:struct|union|enum)\s+${IDENT}|${IDENT})(?:\s*\*+)?(?:\s*\[\d*\])*`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'bpftrace',
  scopeName: 'source.bpftrace',
  fileTypes: ['bt'],
  firstLineMatch: r`^#!.*\bbpftrace\b`,
  patterns: [{ include: '#shebang' }, { include: '#top-level' }],
  repository: {
    shebang: {
      // \A: only at the very start of the file.
      name: 'comment.line.shebang.bpftrace',
      match: r`\A(#!).*$`,
      captures: { 1: { name: 'punctuation.definition.comment.shebang.bpftrace' } },
    },

    'top-level': {
      patterns: [
        { include: '#comments' },
        { include: '#preprocessor' },
        { include: '#c-definition' },
        { include: '#config' },
        { include: '#import' },
        { include: '#map-declaration' },
        { include: '#macro-definition' },
        { include: '#fn-definition' },
        { include: '#predicate' },
        { include: '#probe-body' },
        { include: '#timer-attach-point' },
        { include: '#attach-point' },
        { include: '#special-probe' },
        { match: ',', name: 'punctuation.separator.attach-points.bpftrace' },
        { match: ';', name: 'punctuation.terminator.bpftrace' },
        { match: r`\}`, name: 'invalid.illegal.stray-brace.bpftrace' },
      ],
    },

    // ---- comments ---------------------------------------------------------
    comments: {
      patterns: [
        {
          name: 'comment.block.bpftrace',
          begin: r`/\*`,
          end: r`\*/`,
          beginCaptures: { 0: { name: 'punctuation.definition.comment.begin.bpftrace' } },
          endCaptures: { 0: { name: 'punctuation.definition.comment.end.bpftrace' } },
        },
        {
          name: 'comment.line.double-slash.bpftrace',
          match: r`(//).*$`,
          captures: { 1: { name: 'punctuation.definition.comment.bpftrace' } },
        },
      ],
    },

    // ---- C prologue: # lines (captured verbatim upstream, no continuation) --
    preprocessor: {
      patterns: [
        {
          name: 'meta.preprocessor.include.bpftrace',
          begin: r`^\s*((#)\s*(?:include_next|include))\b`,
          end: '$',
          beginCaptures: {
            1: { name: 'keyword.control.directive.include.bpftrace' },
            2: { name: 'punctuation.definition.directive.bpftrace' },
          },
          patterns: [
            { name: 'string.quoted.other.lt-gt.include.bpftrace', match: '<[^>]*>' },
            { name: 'string.quoted.double.include.bpftrace', match: r`"[^"]*"` },
            { include: '#comments' },
          ],
        },
        {
          name: 'meta.preprocessor.macro.bpftrace',
          begin: r`^\s*((#)\s*define)\s+(${IDENT})(\()?`,
          end: '$',
          beginCaptures: {
            1: { name: 'keyword.control.directive.define.bpftrace' },
            2: { name: 'punctuation.definition.directive.bpftrace' },
            3: { name: 'entity.name.constant.preprocessor.bpftrace' },
            4: { name: 'punctuation.section.parens.begin.bpftrace' },
          },
          patterns: [{ include: '#pp-expression' }],
        },
        {
          name: 'meta.preprocessor.conditional.bpftrace',
          begin: r`^\s*((#)\s*(?:ifdef|ifndef|if|elif|else|endif|undef))\b`,
          end: '$',
          beginCaptures: {
            1: { name: 'keyword.control.directive.conditional.bpftrace' },
            2: { name: 'punctuation.definition.directive.bpftrace' },
          },
          patterns: [{ include: '#pp-expression' }],
        },
        {
          // #error, #pragma, ... and anything else starting with # (but not #!).
          name: 'meta.preprocessor.bpftrace',
          begin: r`^\s*((#)(?!!)\s*${IDENT}?)`,
          end: '$',
          beginCaptures: {
            1: { name: 'keyword.control.directive.bpftrace' },
            2: { name: 'punctuation.definition.directive.bpftrace' },
          },
          patterns: [{ include: '#pp-expression' }],
        },
      ],
    },
    'pp-expression': {
      patterns: [
        { include: '#comments' },
        { name: 'keyword.operator.word.defined.bpftrace', match: r`\bdefined\b` },
        { include: '#strings' },
        { include: '#numbers' },
        { name: 'variable.other.constant.preprocessor.bpftrace', match: IDENT },
        { include: '#operators' },
      ],
    },

    // ---- C definitions in the prologue: struct X { ... } [attr] [;] ---------
    'c-definition': {
      name: 'meta.struct.c.bpftrace',
      begin: r`^\s*(struct|union|enum)\b(?!:)(?:\s+(${IDENT}))?`,
      end: r`(?<=\})(?:\s*(__attribute__)\s*(\(\(.*?\)\)))?\s*(;)?|(;)`,
      beginCaptures: {
        1: { name: 'storage.type.$1.c.bpftrace' },
        2: { name: 'entity.name.type.$1.c.bpftrace' },
      },
      endCaptures: {
        1: { name: 'storage.modifier.attribute.c.bpftrace' },
        3: { name: 'punctuation.terminator.bpftrace' },
        4: { name: 'punctuation.terminator.bpftrace' },
      },
      patterns: [{ include: '#comments' }, { include: '#c-body' }, { include: '#c-tokens' }],
    },
    'c-body': {
      name: 'meta.block.c.bpftrace',
      begin: r`\{`,
      end: r`\}`,
      beginCaptures: { 0: { name: 'punctuation.section.block.begin.bpftrace' } },
      endCaptures: { 0: { name: 'punctuation.section.block.end.bpftrace' } },
      patterns: [
        { include: '#comments' },
        { include: '#preprocessor' },
        { include: '#c-body' },
        { include: '#c-tokens' },
      ],
    },
    'c-tokens': {
      patterns: [
        {
          match: r`\b(struct|union|enum)\s+(${IDENT})`,
          captures: {
            1: { name: 'storage.type.$1.c.bpftrace' },
            2: { name: 'entity.name.type.$1.c.bpftrace' },
          },
        },
        { name: 'storage.modifier.c.bpftrace', match: r`\b${words(C_MODIFIERS)}\b` },
        { name: 'storage.type.builtin.c.bpftrace', match: r`\b${words(C_TYPES)}\b` },
        { include: '#strings' },
        { include: '#numbers' },
        {
          // a field or enumerator name: followed by ; , = : [N] ) or }
          name: 'variable.other.member.c.bpftrace',
          match: r`\b${IDENT}\b(?=\s*(?:\[[^\]]*\]\s*)*(?:[;,=:)}]|$))`,
        },
        { name: 'entity.name.type.c.bpftrace', match: IDENT },
        { match: ';', name: 'punctuation.terminator.bpftrace' },
        { include: '#punctuation' },
        { include: '#operators' },
      ],
    },

    // ---- NEW-era preamble ---------------------------------------------------
    config: {
      name: 'meta.config.bpftrace',
      begin: r`\b(config)\s*(=)?`,
      end: r`(?<=\})|(;)`,
      beginCaptures: {
        1: { name: 'keyword.other.config.bpftrace' },
        2: { name: 'keyword.operator.assignment.bpftrace' },
      },
      endCaptures: { 1: { name: 'punctuation.terminator.bpftrace' } },
      patterns: [
        { include: '#comments' },
        { match: '=', name: 'keyword.operator.assignment.bpftrace' },
        {
          name: 'meta.block.config.bpftrace',
          begin: r`\{`,
          end: r`\}`,
          beginCaptures: { 0: { name: 'punctuation.section.block.begin.bpftrace' } },
          endCaptures: { 0: { name: 'punctuation.section.block.end.bpftrace' } },
          patterns: [
            { include: '#comments' },
            {
              match: r`\b(${IDENT})\s*(=)`,
              captures: {
                1: { name: 'variable.other.property.config.bpftrace' },
                2: { name: 'keyword.operator.assignment.bpftrace' },
              },
            },
            { include: '#strings' },
            { include: '#numbers' },
            { name: 'constant.language.boolean.bpftrace', match: r`\b(?:true|false)\b` },
            { name: 'constant.other.config-value.bpftrace', match: IDENT },
            { match: ';', name: 'punctuation.terminator.bpftrace' },
          ],
        },
      ],
    },
    import: {
      name: 'meta.import.bpftrace',
      begin: r`\b(import)\b`,
      end: r`(;)|$`,
      beginCaptures: { 1: { name: 'keyword.control.import.bpftrace' } },
      endCaptures: { 1: { name: 'punctuation.terminator.bpftrace' } },
      patterns: [{ include: '#comments' }, { include: '#strings' }],
    },
    'map-declaration': {
      // let @m = lruhash(1024);
      name: 'meta.map-declaration.bpftrace',
      begin: r`\b(let)\b(?=\s*@)`,
      end: r`(;)|$`,
      beginCaptures: { 1: { name: 'keyword.other.declaration.let.bpftrace' } },
      endCaptures: { 1: { name: 'punctuation.terminator.bpftrace' } },
      patterns: [
        { include: '#comments' },
        { include: '#maps' },
        { name: 'support.type.map-kind.bpftrace', match: r`\b${words(MAP_KINDS)}\b` },
        { include: '#numbers' },
        { include: '#operators' },
        { include: '#punctuation' },
      ],
    },
    'macro-definition': {
      // macro name(params)   -- the { body } that follows is a #probe-body
      name: 'meta.macro.bpftrace',
      begin: r`\b(macro)\s+(${IDENT})`,
      end: r`(?=\{)`,
      beginCaptures: {
        1: { name: 'keyword.other.declaration.macro.bpftrace' },
        2: { name: 'entity.name.function.macro.bpftrace' },
      },
      patterns: [{ include: '#comments' }, { include: '#parameter-list' }],
    },
    'fn-definition': {
      // fn name($a: T, ...): R
      name: 'meta.function.bpftrace',
      begin: r`\b(fn)\s+(${IDENT})`,
      end: r`(?=\{)`,
      beginCaptures: {
        1: { name: 'keyword.other.declaration.fn.bpftrace' },
        2: { name: 'entity.name.function.bpftrace' },
      },
      patterns: [
        { include: '#comments' },
        { include: '#parameter-list' },
        { include: '#type-annotation' },
      ],
    },
    'parameter-list': {
      name: 'meta.parameters.bpftrace',
      begin: r`\(`,
      end: r`\)`,
      beginCaptures: { 0: { name: 'punctuation.section.parens.begin.bpftrace' } },
      endCaptures: { 0: { name: 'punctuation.section.parens.end.bpftrace' } },
      patterns: [
        { include: '#comments' },
        { include: '#type-annotation' },
        { include: '#maps' },
        {
          match: r`(\$)(${IDENT})`,
          captures: {
            0: { name: 'variable.parameter.scratch.bpftrace' },
            1: { name: 'punctuation.definition.variable.bpftrace' },
          },
        },
        { name: 'variable.parameter.bpftrace', match: IDENT },
        { match: ',', name: 'punctuation.separator.comma.bpftrace' },
      ],
    },
    'type-annotation': {
      match: r`(:)\s*(?:(typeof)\b|((?:struct|union|enum)\b)?\s*(${IDENT})((?:\s*\*+)?(?:\s*\[\d*\])*))`,
      captures: {
        1: { name: 'punctuation.separator.type.bpftrace' },
        2: { name: 'keyword.operator.typeof.bpftrace' },
        3: { name: 'storage.type.struct.bpftrace' },
        4: { name: 'entity.name.type.bpftrace' },
        5: { name: 'storage.modifier.pointer.bpftrace' },
      },
    },

    // ---- probe headers ------------------------------------------------------
    // An optional `name=` before an attach point sets the probe's user name.
    'timer-attach-point': {
      // interval:s:1, profile:hz:99, i:1s -- highlights the unit part.
      name: 'meta.attach-point.bpftrace',
      begin: r`(?:(${IDENT})(=))?\b(interval|profile|i|p)(:)`,
      end: r`(?=[\s,{]|$)`,
      beginCaptures: {
        1: { name: 'entity.name.label.probe.bpftrace' },
        2: { name: 'keyword.operator.assignment.bpftrace' },
        3: { name: 'storage.type.provider.bpftrace' },
        4: { name: 'punctuation.separator.colon.attach-point.bpftrace' },
      },
      patterns: [
        { name: 'keyword.other.unit.bpftrace', match: r`(?<=:)(?:hz|s|ms|us|ns)(?=:)` },
        { include: '#attach-point-parts' },
      ],
    },
    'attach-point': {
      // provider:part[:part...] -- raw text up to whitespace, ',' or '{' (§3.1).
      name: 'meta.attach-point.bpftrace',
      begin: r`(?:(${IDENT})(=))?([A-Za-z_*][A-Za-z0-9_*]*)(:)`,
      end: r`(?=[\s,{]|$)`,
      beginCaptures: {
        1: { name: 'entity.name.label.probe.bpftrace' },
        2: { name: 'keyword.operator.assignment.bpftrace' },
        3: {
          name: 'storage.type.provider.bpftrace',
          patterns: [{ match: r`\*`, name: 'keyword.operator.wildcard.bpftrace' }],
        },
        4: { name: 'punctuation.separator.colon.attach-point.bpftrace' },
      },
      patterns: [{ include: '#attach-point-parts' }],
    },
    'attach-point-parts': {
      patterns: [
        {
          name: 'string.quoted.double.attach-point.bpftrace',
          begin: '"',
          end: r`"|$`,
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.bpftrace' } },
          endCaptures: { 0: { name: 'punctuation.definition.string.end.bpftrace' } },
          patterns: [{ include: '#string-escapes' }],
        },
        { match: ':', name: 'punctuation.separator.colon.attach-point.bpftrace' },
        {
          match: r`(\+)(0[xX][0-9A-Fa-f]+|\d+)`,
          captures: {
            1: { name: 'keyword.operator.offset.bpftrace' },
            2: { name: 'constant.numeric.integer.offset.bpftrace' },
          },
        },
        {
          name: 'constant.numeric.integer.bpftrace',
          match: r`(?<=:)(?:0[xX][0-9A-Fa-f]+|\d[\d_]*[a-z]*)(?=[:\s,{]|$)`,
        },
        {
          match: r`(\$)(\d+)`,
          name: 'variable.parameter.positional.bpftrace',
          captures: { 1: { name: 'punctuation.definition.variable.bpftrace' } },
        },
        { name: 'string.unquoted.path.bpftrace', match: r`(?<=:)/[^\s:,{"]*` },
        { name: 'keyword.operator.wildcard.bpftrace', match: r`\*|\[[^\]\s:]*\]` },
        { name: 'entity.name.function.attach-point.bpftrace', match: r`[^\s:,{"*+\[$]+` },
      ],
    },
    'special-probe': {
      // BEGIN / END (OLD), begin / end (NEW)
      match: r`(?:(${IDENT})(=))?\b(BEGIN|END|begin|end)\b(?![:\w])`,
      captures: {
        1: { name: 'entity.name.label.probe.bpftrace' },
        2: { name: 'keyword.operator.assignment.bpftrace' },
        3: { name: 'storage.type.provider.special.bpftrace' },
      },
    },
    predicate: {
      // /expr/ -- the closing / is followed by { (maybe on the next line).
      name: 'meta.predicate.bpftrace',
      begin: r`/(?![/*])`,
      end: r`/(?=\s*(?:\{|$|//|/\*))`,
      beginCaptures: { 0: { name: 'punctuation.definition.predicate.begin.bpftrace' } },
      endCaptures: { 0: { name: 'punctuation.definition.predicate.end.bpftrace' } },
      patterns: [{ include: '#code' }],
    },
    'probe-body': {
      // The { ... } of a probe, macro or fn.
      name: 'meta.block.probe.bpftrace',
      begin: r`\{`,
      end: r`\}`,
      beginCaptures: { 0: { name: 'punctuation.section.block.begin.bpftrace' } },
      endCaptures: { 0: { name: 'punctuation.section.block.end.bpftrace' } },
      patterns: [{ include: '#code' }],
    },

    // ---- statements and expressions ----------------------------------------
    code: {
      patterns: [
        { include: '#comments' },
        { include: '#block' },
        { include: '#typed-let' },
        { include: '#keywords' },
        { include: '#cast' },
        { include: '#struct-reference' },
        { include: '#strings' },
        { include: '#member-access' },
        { include: '#numbers' },
        { include: '#maps' },
        { include: '#variables' },
        { include: '#stack-mode' },
        { include: '#builtin-variables' },
        { include: '#builtin-functions' },
        { include: '#builtin-types' },
        { include: '#function-call' },
        { include: '#constants' },
        { include: '#operators' },
        { include: '#punctuation' },
      ],
    },
    block: {
      name: 'meta.block.bpftrace',
      begin: r`\{`,
      end: r`\}`,
      beginCaptures: { 0: { name: 'punctuation.section.block.begin.bpftrace' } },
      endCaptures: { 0: { name: 'punctuation.section.block.end.bpftrace' } },
      patterns: [{ include: '#code' }],
    },
    'typed-let': {
      // let $x: uint64 = ...
      match: r`\b(let)\s+(\$)(${IDENT})\s*(:)\s*(?:(typeof)\b|((?:struct|union|enum)\b)?\s*(${IDENT})((?:\s*\*+)?(?:\s*\[\d*\])*))`,
      captures: {
        1: { name: 'keyword.other.declaration.let.bpftrace' },
        2: { name: 'variable.other.scratch.bpftrace punctuation.definition.variable.bpftrace' },
        3: { name: 'variable.other.scratch.bpftrace' },
        4: { name: 'punctuation.separator.type.bpftrace' },
        5: { name: 'keyword.operator.typeof.bpftrace' },
        6: { name: 'storage.type.struct.bpftrace' },
        7: { name: 'entity.name.type.bpftrace' },
        8: { name: 'storage.modifier.pointer.bpftrace' },
      },
    },
    keywords: {
      patterns: [
        {
          name: 'keyword.control.bpftrace',
          match: r`\b(?:if|else|for|while|unroll|break|continue|return)\b`,
        },
        { name: 'keyword.other.declaration.$1.bpftrace', match: r`\b(let|macro|fn)\b` },
        { name: 'keyword.control.import.bpftrace', match: r`\bimport\b` },
        { name: 'keyword.other.config.bpftrace', match: r`\bconfig\b(?=\s*=)` },
        {
          name: 'keyword.operator.$1.bpftrace',
          match: r`\b(sizeof|offsetof|typeof|typeinfo|comptime)\b`,
        },
        { name: 'constant.language.boolean.bpftrace', match: r`\b(?:true|false)\b` },
      ],
    },
    cast: {
      // (struct sock *)arg0, (uint64)$x, (int8[])..., (mytype *)$p
      name: 'meta.cast.bpftrace',
      match: r`(\()\s*(?:(struct|union|enum)\s+(${IDENT})|\b(${words(BUILTIN_TYPES)})\b|(${IDENT})(?=\s*\*))\s*(\*+)?\s*((?:\[\d*\]\s*)*)(\))`,
      captures: {
        1: { name: 'punctuation.section.parens.begin.bpftrace' },
        2: { name: 'storage.type.$2.bpftrace' },
        3: { name: 'entity.name.type.$2.bpftrace' },
        4: { name: 'storage.type.builtin.bpftrace' },
        5: { name: 'entity.name.type.bpftrace' },
        6: { name: 'storage.modifier.pointer.bpftrace' },
        7: { name: 'storage.modifier.array.bpftrace' },
        8: { name: 'punctuation.section.parens.end.bpftrace' },
      },
    },
    'struct-reference': {
      // sizeof(struct task_struct), offsetof(struct x, f)
      match: r`\b(struct|union|enum)\s+(${IDENT})`,
      captures: {
        1: { name: 'storage.type.$1.bpftrace' },
        2: { name: 'entity.name.type.$1.bpftrace' },
      },
    },
    'builtin-types': {
      name: 'storage.type.builtin.bpftrace',
      match: r`\b(?:u?int(?:8|16|32|64)|bool)\b`,
    },
    'member-access': {
      patterns: [
        { name: 'keyword.operator.range.bpftrace', match: r`\.\.` },
        {
          // $t.0 (tuple element)
          match: r`(\.)\s*(\d+)\b`,
          captures: {
            1: { name: 'punctuation.accessor.dot.bpftrace' },
            2: { name: 'constant.numeric.integer.tuple-index.bpftrace' },
          },
        },
        {
          match: r`(\.|->)\s*(${IDENT})`,
          captures: {
            1: { name: 'punctuation.accessor.bpftrace' },
            2: { name: 'variable.other.member.bpftrace' },
          },
        },
      ],
    },
    maps: {
      patterns: [
        {
          name: 'variable.other.map.bpftrace',
          match: r`(@)${IDENT}`,
          captures: { 1: { name: 'punctuation.definition.variable.map.bpftrace' } },
        },
        {
          // the anonymous map: @ = count()
          name: 'variable.other.map.anonymous.bpftrace',
          match: r`@(?![A-Za-z_])`,
        },
      ],
    },
    variables: {
      patterns: [
        {
          name: 'variable.parameter.positional.bpftrace',
          match: r`(\$)(?:\d+|#)`,
          captures: { 1: { name: 'punctuation.definition.variable.bpftrace' } },
        },
        {
          name: 'variable.other.scratch.bpftrace',
          match: r`(\$)${IDENT}`,
          captures: { 1: { name: 'punctuation.definition.variable.bpftrace' } },
        },
        { name: 'invalid.illegal.variable.bpftrace', match: r`\$` },
      ],
    },
    'stack-mode': {
      // kstack(perf, 10), ustack(raw)
      match: r`\b([ku]stack)\s*(\()\s*(bpftrace|perf|raw|build_id)\b`,
      captures: {
        1: { name: 'support.variable.builtin.bpftrace' },
        2: { name: 'punctuation.section.parens.begin.bpftrace' },
        3: { name: 'constant.language.stack-mode.bpftrace' },
      },
    },
    'builtin-variables': {
      patterns: [
        { name: 'support.variable.builtin.bpftrace', match: r`\b${words(BUILTIN_VARS)}\b` },
        { name: 'support.variable.builtin.bpftrace', match: r`\b(?:arg|sarg)\d+\b` },
        { name: 'support.variable.builtin.internal.bpftrace', match: r`\b__builtin_\w+\b` },
      ],
    },
    'builtin-functions': {
      patterns: [
        {
          match: r`\b(${words(AGGREGATIONS)})\s*(?=\()`,
          captures: { 1: { name: 'support.function.aggregation.bpftrace' } },
        },
        {
          match: r`\b(${words(BUILTIN_FUNCS)})\s*(?=\()`,
          captures: { 1: { name: 'support.function.builtin.bpftrace' } },
        },
      ],
    },
    'function-call': {
      // macros, fns, kfuncs: name(...)
      match: r`\b(${IDENT})\s*(?=\()`,
      captures: { 1: { name: 'entity.name.function.call.bpftrace' } },
    },
    constants: {
      // enum values and C macros by convention: TCP_CLOSE, AF_INET
      name: 'variable.other.constant.bpftrace',
      match: r`\b_*[A-Z][A-Z0-9_]*[A-Z0-9]\b`,
    },

    // ---- lexical pieces -------------------------------------------------------
    strings: {
      name: 'string.quoted.double.bpftrace',
      begin: '"',
      end: r`"|$`,
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.bpftrace' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.bpftrace' } },
      patterns: [{ include: '#string-escapes' }, { include: '#format-specifiers' }],
    },
    'string-escapes': {
      patterns: [
        {
          name: 'constant.character.escape.bpftrace',
          match: r`\\(?:[ntr"\\]|[0-7]{1,3}|[xX][0-9A-Fa-f]{1,2})`,
        },
        { name: 'invalid.illegal.unknown-escape.bpftrace', match: r`\\.` },
      ],
    },
    'format-specifiers': {
      patterns: [
        { name: 'constant.character.escape.percent.bpftrace', match: '%%' },
        {
          name: 'constant.other.placeholder.bpftrace',
          match: r`%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|j|z|t)*(?:rx|rh|r|gr|[diuoxXcps])`,
        },
      ],
    },
    numbers: {
      patterns: [
        {
          name: 'constant.numeric.integer.hexadecimal.bpftrace',
          match: r`\b0[xX][0-9A-Fa-f][0-9A-Fa-f_]*${INT_SUFFIX}?\b`,
        },
        {
          name: 'constant.numeric.integer.scientific.bpftrace',
          match: r`\b\d[\d_]*e\d[\d_]*\b`,
        },
        {
          name: 'constant.numeric.integer.duration.bpftrace',
          match: r`\b\d[\d_]*(ns|us|ms|s|m|h|d)\b`,
          captures: { 1: { name: 'keyword.other.unit.suffix.duration.bpftrace' } },
        },
        {
          name: 'constant.numeric.integer.octal.bpftrace',
          match: r`\b0[0-7][0-7_]*${INT_SUFFIX}?\b`,
        },
        {
          name: 'constant.numeric.integer.decimal.bpftrace',
          match: r`\b\d[\d_]*${INT_SUFFIX}?\b`,
        },
        { name: 'invalid.illegal.numeric.bpftrace', match: r`\b\d\w*` },
      ],
    },
    operators: {
      patterns: [
        {
          name: 'keyword.operator.assignment.compound.bpftrace',
          match: r`<<=|>>=|\+=|-=|\*=|/=|%=|&=|\|=|\^=`,
        },
        { name: 'keyword.operator.increment-decrement.bpftrace', match: r`\+\+|--` },
        { name: 'keyword.operator.logical.bpftrace', match: r`&&|\|\||!(?!=)` },
        // &$v / &@m (NEW): address-of, when not used as a binary operator
        { name: 'keyword.operator.address-of.bpftrace', match: r`(?<=^|[=(,\[!]|[=(,\[!]\s)&(?=[$@])` },
        { name: 'keyword.operator.comparison.bpftrace', match: r`==|!=|<=|>=` },
        { name: 'keyword.operator.bitwise.shift.bpftrace', match: r`<<|>>` },
        { name: 'keyword.operator.comparison.bpftrace', match: r`<|>` },
        { name: 'keyword.operator.ternary.elvis.bpftrace', match: r`\?:` },
        { name: 'keyword.operator.ternary.bpftrace', match: r`\?` },
        { name: 'keyword.operator.assignment.bpftrace', match: '=' },
        { name: 'keyword.operator.bitwise.bpftrace', match: r`[&|^~]` },
        { name: 'keyword.operator.arithmetic.bpftrace', match: r`[-+*/%]` },
      ],
    },
    punctuation: {
      patterns: [
        { name: 'punctuation.separator.comma.bpftrace', match: ',' },
        { name: 'punctuation.terminator.statement.bpftrace', match: ';' },
        { name: 'punctuation.separator.colon.bpftrace', match: ':' },
        { name: 'punctuation.section.parens.begin.bpftrace', match: r`\(` },
        { name: 'punctuation.section.parens.end.bpftrace', match: r`\)` },
        { name: 'punctuation.section.brackets.begin.bpftrace', match: r`\[` },
        { name: 'punctuation.section.brackets.end.bpftrace', match: r`\]` },
      ],
    },
  },
};

const OUT = path.join(__dirname, '..', 'syntaxes', 'bpftrace.tmLanguage.json');

function render() {
  return JSON.stringify(grammar, null, 2) + '\n';
}

if (require.main === module) {
  fs.writeFileSync(OUT, render());
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

module.exports = { grammar, render, OUT };
