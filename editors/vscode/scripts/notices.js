#!/usr/bin/env node
'use strict';
// Writes out/THIRD_PARTY_NOTICES.txt: the license text of every npm package
// that esbuild bundled into out/extension.js (read from out/meta.json,
// produced by `esbuild --metafile`). Run by `npm run build:release`.

const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const meta = JSON.parse(fs.readFileSync(path.join(root, 'out', 'meta.json'), 'utf8'));
const pkgDirs = new Set();
for (const input of Object.keys(meta.inputs)) {
  const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (m) pkgDirs.add(m[1]);
}

const parts = [];
for (const dir of [...pkgDirs].sort()) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  const file = fs.readdirSync(path.join(root, dir)).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
  if (!file) throw new Error(`${pkg.name}: no license file found`);
  const text = fs.readFileSync(path.join(root, dir, file), 'utf8').trim();
  parts.push(`${pkg.name}@${pkg.version} (${pkg.license})\n${'-'.repeat(72)}\n${text}\n`);
}
const header = 'out/extension.js bundles the following npm packages:\n\n';
fs.writeFileSync(path.join(root, 'out', 'THIRD_PARTY_NOTICES.txt'), header + parts.join('\n'));
fs.unlinkSync(path.join(root, 'out', 'meta.json'));
console.log(`notices for ${parts.length} packages`);
