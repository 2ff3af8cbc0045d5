'use strict';
// Tests for src/server.js: how the extension turns settings into `bt lsp`.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const os = require('os');
const path = require('path');
const { resolveCommand, serverOptions } = require('../src/server');

test('defaults to bt on PATH', () => {
  assert.equal(resolveCommand(undefined, '/ws'), 'bt');
  assert.equal(resolveCommand('  ', '/ws'), 'bt');
  assert.equal(resolveCommand('bt', '/ws'), 'bt');
});

test('expands ~ and ${env:X}, resolves relative paths against the workspace', () => {
  assert.equal(resolveCommand('~/go/bin/bt', '/ws'), path.join(os.homedir(), 'go/bin/bt'));
  assert.equal(resolveCommand('${env:GOBIN}/bt', '/ws', { GOBIN: '/opt/go/bin' }), '/opt/go/bin/bt');
  assert.equal(resolveCommand('./bin/bt', '/ws'), '/ws/bin/bt');
  assert.equal(resolveCommand('/usr/local/bin/bt', '/ws'), '/usr/local/bin/bt');
});

test('runs `<bt> lsp` over plain stdio (no --stdio flag, no transport)', () => {
  const opts = serverOptions({ path: '/x/bt', serverArgs: ['-v', 3] }, '/ws', {});
  for (const exec of [opts.run, opts.debug]) {
    assert.equal(exec.command, '/x/bt');
    assert.deepEqual(exec.args, ['lsp', '-v']);
    assert.equal(exec.transport, undefined);
    assert.equal(exec.options.cwd, '/ws');
  }
});
