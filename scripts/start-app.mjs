#!/usr/bin/env node
// `npm start [-- --session FILE] [--script FILE]`: the Electron app through
// electron-vite, but first a check that the Electron runtime is there. Without it
// electron-vite dies with "Error: Electron uninstall"; this says what is missing, how
// to get it, and that the browser host runs the same app without Electron.
// --session and --script (as `irqscope web` takes them) are checked here, made
// absolute against the directory npm was started in, and handed to the app after `--`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** Electron 45's npm package (and its installer) wants at least this Node. */
const APP_NODE = [22, 12];

/** Where electron-vite will look for the Electron binary, or null when it cannot be found. */
function electronBinary() {
  if (process.env.ELECTRON_EXEC_PATH) return existsSync(process.env.ELECTRON_EXEC_PATH) ? process.env.ELECTRON_EXEC_PATH : null;
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function nodeIsOldForTheApp() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major < APP_NODE[0] || (major === APP_NODE[0] && minor < APP_NODE[1]);
}

if (electronBinary() === null) {
  const lines = [
    'irqscope: the Electron runtime is not installed, so the desktop app cannot start.',
    '  (npm installs the electron package without its binary when the download is blocked or skipped,',
    '  e.g. with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or when the install script did not run.)',
    '',
    'To get it:',
    '  node node_modules/electron/install.js      downloads the binary for this platform',
    '  (or set ELECTRON_EXEC_PATH to an Electron 45 binary you already have)',
  ];
  if (nodeIsOldForTheApp()) {
    lines.push(
      '',
      `The app's tooling (Electron 45, electron-vite) needs Node >= ${APP_NODE.join('.')}; this is Node ${process.versions.node}.`,
      'The CLI and the browser host run on Node 20.',
    );
  }
  lines.push('', 'Without Electron, the same app runs in your browser:', '  npx irqscope web            prints a URL to open (npx irqscope web --help for options)');
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
}

/** Splits the arguments into the app's (--session, --script: checked, absolute) and electron-vite's. */
function splitArgs(argv, cwd) {
  const app = [];
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    if (name !== '--session' && name !== '--script') {
      rest.push(argv[i]);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return { error: `${name}: expected a file after it` };
    const path = resolve(cwd, value);
    if (!existsSync(path)) return { error: `${name} ${value}: no such file (looked in ${cwd})` };
    app.push(name, path);
  }
  return { app, rest };
}

const args = splitArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
if (args.error !== undefined) {
  process.stderr.write(`irqscope: ${args.error}\nusage: npm start [-- --session FILE] [--script FILE]\n`);
  process.exit(2);
}
const child = spawn('electron-vite', ['preview', ...args.rest, ...(args.app.length > 0 ? ['--', ...args.app] : [])], { stdio: 'inherit', shell: process.platform === 'win32' });
child.on('exit', (code, signal) => process.exit(signal === null ? (code ?? 1) : 1));
