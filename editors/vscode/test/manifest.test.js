'use strict';
// Static checks of the extension's manifest and contributed files.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const pkg = require('../package.json');
const readJSON = (p) => JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8'));

test('language contribution', () => {
  const lang = pkg.contributes.languages.find((l) => l.id === 'bpftrace');
  assert.ok(lang, 'language bpftrace');
  assert.deepEqual(lang.extensions, ['.bt']);
  const first = new RegExp(lang.firstLine);
  for (const ok of ['#!/usr/bin/env bpftrace', '#!/usr/bin/bpftrace', '#!/usr/bin/env -S bpftrace -q']) {
    assert.ok(first.test(ok), ok);
  }
  assert.ok(!first.test('#!/bin/sh'));
  assert.ok(fs.existsSync(path.join(ROOT, lang.configuration)));
  assert.ok(pkg.activationEvents.includes('onLanguage:bpftrace'));
});

test('grammar contribution and freshness', () => {
  const g = pkg.contributes.grammars[0];
  assert.equal(g.language, 'bpftrace');
  assert.equal(g.scopeName, 'source.bpftrace');
  const onDisk = fs.readFileSync(path.join(ROOT, g.path), 'utf8');
  const { render } = require('../scripts/grammar');
  assert.equal(onDisk, render(), 'syntaxes/*.json is stale: run `node scripts/grammar.js`');
  assert.equal(JSON.parse(onDisk).scopeName, g.scopeName);
});

test('configuration', () => {
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['bt.path'].default, 'bt');
  assert.deepEqual(props['bt.trace.server'].enum, ['off', 'messages', 'verbose']);
});

test('language-configuration.json regexes compile', () => {
  const c = readJSON('language-configuration.json');
  new RegExp(c.wordPattern);
  new RegExp(c.indentationRules.increaseIndentPattern);
  new RegExp(c.indentationRules.decreaseIndentPattern);
  for (const r of c.onEnterRules) new RegExp(r.beforeText);
  const word = new RegExp(`^(?:${c.wordPattern})$`);
  for (const w of ['@start', '$x', '$1', '$#', 'nsecs', '@']) assert.ok(word.test(w), w);
  const inc = new RegExp(c.indentationRules.increaseIndentPattern);
  assert.ok(inc.test('kprobe:f {'));
  assert.ok(!inc.test('kprobe:f { @x = 1; }'));
});

test('snippets are well formed', () => {
  const snippets = readJSON('snippets/bpftrace.json');
  const names = Object.keys(snippets);
  assert.ok(names.length >= 10);
  for (const [name, s] of Object.entries(snippets)) {
    assert.ok(s.prefix && s.body && s.description, name);
    const text = [].concat(s.body).join('\n');
    // Every `$` is a tabstop/placeholder or escaped (`\$` for bpftrace variables).
    const bare = text.replace(/\\\$/g, '').match(/\$(?![0-9{])/g);
    assert.equal(bare, null, `${name}: unescaped $ in body`);
    let depth = 0;
    for (const m of text.replace(/\\[${}]/g, '').matchAll(/\$\{|\}/g)) {
      if (m[0] === '${') depth++;
      else if (depth > 0) depth--;
    }
    assert.equal(depth, 0, `${name}: unbalanced placeholders`);
  }
  for (const want of ['kprobe', 'tracepoint', 'latency', 'hist', 'printf', 'if', 'for map', 'interval print/clear']) {
    assert.ok(names.includes(want), want);
  }
});

// out/extension.js is produced by `npm run build` (test.sh and package.sh run it).
const BUNDLE = path.join(ROOT, pkg.main);
test('the bundle loads and exports activate/deactivate', { skip: !fs.existsSync(BUNDLE) && 'run npm run build' }, () => {
  // The `vscode` module only exists inside the editor: stand in a proxy
  // whose every property is a callable, constructible proxy.
  const Module = require('module');
  const stub = () =>
    new Proxy(function () {}, {
      get: (_, k) => (k === 'prototype' ? {} : stub()),
      apply: () => stub(),
      construct: () => stub(),
    });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? stub() : load.call(this, request, ...rest);
  };
  try {
    const ext = require(BUNDLE);
    assert.equal(typeof ext.activate, 'function');
    assert.equal(typeof ext.deactivate, 'function');
  } finally {
    Module._load = load;
  }
});
