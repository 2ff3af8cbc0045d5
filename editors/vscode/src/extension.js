'use strict';
// VS Code client for the bt language server: starts `bt lsp` over stdio for
// documents of language `bpftrace`. Bundled by esbuild into out/extension.js.

const vscode = require('vscode');
const { LanguageClient, State } = require('vscode-languageclient/node');
const { serverOptions } = require('./server');

const CLIENT_ID = 'bt'; // also makes the client honour the `bt.trace.server` setting
let client;
let outputChannel;
let traceChannel;

function workspaceDir() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 && folders[0].uri.scheme === 'file'
    ? folders[0].uri.fsPath
    : undefined;
}

function createClient() {
  const cfg = vscode.workspace.getConfiguration('bt');
  const settings = { path: cfg.get('path'), serverArgs: cfg.get('serverArgs') };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'bpftrace' },
      { scheme: 'untitled', language: 'bpftrace' },
    ],
    outputChannel,
    traceOutputChannel: traceChannel,
    synchronize: {
      // bt reads imported .bt/.h files; tell it when they change on disk.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{bt,h}'),
    },
  };
  return new LanguageClient(
    CLIENT_ID,
    'bt Language Server',
    serverOptions(settings, workspaceDir()),
    clientOptions,
  );
}

async function startClient() {
  client = createClient();
  try {
    await client.start();
  } catch (err) {
    const cmd = vscode.workspace.getConfiguration('bt').get('path') || 'bt';
    const choice = await vscode.window.showErrorMessage(
      `Could not start the bt language server (\`${cmd} lsp\`): ${err && err.message ? err.message : err}. ` +
        'Install bt or set "bt.path".',
      'Open Settings',
      'Show Output',
    );
    if (choice === 'Open Settings') {
      vscode.commands.executeCommand('workbench.action.openSettings', 'bt.path');
    } else if (choice === 'Show Output') {
      outputChannel.show(true);
    }
  }
}

async function stopClient() {
  const c = client;
  client = undefined;
  if (c && c.state !== State.Stopped) {
    try {
      await c.stop();
    } catch (_) {
      // The server may already be gone; nothing else to clean up.
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

async function activate(context) {
  outputChannel = vscode.window.createOutputChannel('bt Language Server');
  traceChannel = vscode.window.createOutputChannel('bt Language Server Trace');
  context.subscriptions.push(
    outputChannel,
    traceChannel,
    vscode.commands.registerCommand('bt.restartServer', restartClient),
    vscode.commands.registerCommand('bt.showOutput', () => outputChannel.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bt.path') || e.affectsConfiguration('bt.serverArgs')) {
        restartClient();
      }
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
