'use strict';
// Pure helpers for launching `bt lsp`. Kept free of the `vscode` module so
// node's test runner can exercise them without an editor.

const os = require('os');
const path = require('path');

/**
 * Expand a leading `~` and `${env:NAME}` references in a configured path.
 * Relative paths containing a separator are resolved against `baseDir`
 * (the first workspace folder); bare names are left for PATH lookup.
 */
function resolveCommand(configured, baseDir, env = process.env) {
  let cmd = (typeof configured === 'string' ? configured.trim() : '') || 'bt';
  cmd = cmd.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name) => env[name] || '');
  if (cmd === '~' || cmd.startsWith('~/')) {
    cmd = path.join(os.homedir(), cmd.slice(1));
  }
  const hasSep = cmd.includes('/') || (path.sep !== '/' && cmd.includes(path.sep));
  if (hasSep && !path.isAbsolute(cmd) && baseDir) {
    cmd = path.resolve(baseDir, cmd);
  }
  return cmd;
}

/**
 * The server options for vscode-languageclient. `transport` is deliberately
 * left unset: with TransportKind.stdio the client would append `--stdio` to
 * the arguments, which `bt lsp` does not need (stdio is its only transport).
 */
function serverOptions(settings, baseDir, env = process.env) {
  const extra = Array.isArray(settings.serverArgs)
    ? settings.serverArgs.filter((a) => typeof a === 'string')
    : [];
  const command = resolveCommand(settings.path, baseDir, env);
  const exec = { command, args: ['lsp', ...extra], options: { env: { ...env } } };
  if (baseDir) exec.options.cwd = baseDir;
  return { run: exec, debug: exec };
}

module.exports = { resolveCommand, serverOptions };
