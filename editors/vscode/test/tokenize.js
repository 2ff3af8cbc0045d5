'use strict';
// Loads syntaxes/bpftrace.tmLanguage.json with vscode-textmate + the
// Oniguruma WASM build, and tokenizes whole documents.
// CLI: `node test/tokenize.js FILE.bt` prints every token with its scopes.

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR_PATH = path.join(__dirname, '..', 'syntaxes', 'bpftrace.tmLanguage.json');
const SCOPE = 'source.bpftrace';
// Per-line budget; vscode-textmate reports stoppedEarly when it is exceeded.
const LINE_TIME_LIMIT_MS = 2000;

let grammarPromise;

function loadGrammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
    const onigLib = oniguruma.loadWASM(wasm).then(() => ({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        if (scopeName !== SCOPE) return null;
        return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
      },
    });
    grammarPromise = registry.loadGrammar(SCOPE);
  }
  return grammarPromise;
}

/**
 * Tokenize a document. Returns { lines: [{ text, tokens: [{ start, end,
 * text, scopes }], stoppedEarly }], finalStack }.
 */
async function tokenize(source) {
  const grammar = await loadGrammar();
  const texts = source.split(/\r?\n/);
  let stack = vsctm.INITIAL;
  const lines = [];
  for (const text of texts) {
    const res = grammar.tokenizeLine(text, stack, LINE_TIME_LIMIT_MS);
    const tokens = res.tokens.map((t) => ({
      start: t.startIndex,
      end: Math.min(t.endIndex, text.length),
      text: text.slice(t.startIndex, t.endIndex),
      scopes: t.scopes,
    }));
    lines.push({ text, tokens, stoppedEarly: res.stoppedEarly });
    stack = res.ruleStack;
  }
  return { lines, finalStack: stack };
}

/** Depth of a rule stack: 1 means only the root rule (source.bpftrace) is open. */
function stackDepth(stack) {
  if (typeof stack.depth === 'number') return stack.depth;
  let n = 0;
  for (let s = stack; s; s = s.parent) n++;
  return n;
}

module.exports = { loadGrammar, tokenize, stackDepth, GRAMMAR_PATH };

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node test/tokenize.js FILE.bt');
    process.exit(2);
  }
  tokenize(fs.readFileSync(file, 'utf8')).then(({ lines, finalStack }) => {
    lines.forEach((l, i) => {
      console.log(`${i + 1}: ${l.text}`);
      for (const t of l.tokens) {
        if (t.text.trim() === '') continue;
        console.log(`    ${JSON.stringify(t.text).padEnd(28)} ${t.scopes.slice(1).join(' ')}`);
      }
    });
    console.log(`final stack depth: ${stackDepth(finalStack)}`);
  });
}
