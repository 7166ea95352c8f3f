// `irqscope web [--machine FILE] [--session FILE] [--script FILE] [--port N]`: the app
// in a browser, served from 127.0.0.1 behind a random token, until interrupted. A
// session opens and a qtest script runs before the page can connect, so the user
// starts where they left off (a bring-up, a running flood).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, parseOptions, type CliCommand } from './cli-io';
import { createAppHost, type InitialMachine } from '../host/app-host';
import { DEFAULT_PRESET, folderPresets } from '../host/presets';
import { startWebHost } from '../host/web-host';
import { PRESETS_DIR, readMachineSpec } from './machine-option';
import { openSession } from '../session/session-file';
import { runQtestScript } from '../qtest/run-script';
import { Writable } from 'node:stream';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = resolve(PACKAGE_ROOT, 'out/renderer');

export const webCommand: CliCommand = async (args, io) => {
  const { options, positional } = parseOptions(args, { '--machine': 'value', '--port': 'value', '--session': 'value', '--script': 'value' });
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const portText = options.get('--port');
  const port = portText === undefined ? 0 : Number(portText);
  if (typeof portText === 'string' && !(/^\d+$/.test(portText) && port <= 65535)) {
    throw new UsageError(`--port: '${portText}' is not a port number (0..65535, 0 picks a free one)`);
  }
  const file = options.get('--machine');
  let initial: InitialMachine = { source: 'preset', preset: DEFAULT_PRESET };
  if (typeof file === 'string') initial = { source: 'text', ...readMachineSpec(file, io.cwd) };
  const created = createAppHost({
    presets: folderPresets(PRESETS_DIR),
    initial,
    onInternalError: (err) => io.stderr.write(`irqscope web: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`),
  });
  if (!created.ok) {
    io.stderr.write(`irqscope web: ${created.error}\n`);
    return 1;
  }
  const { host } = created;
  const sessionFile = options.get('--session');
  if (typeof sessionFile === 'string') {
    if (typeof file === 'string') throw new UsageError('--session and --machine: a session brings its own machine, give one of them');
    const opened = openSession(resolve(io.cwd, sessionFile));
    if (!opened.ok) {
      io.stderr.write(`irqscope web: ${opened.error}\n`);
      return 1;
    }
    host.session.replace({ target: opened.target, name: opened.target.name ?? sessionFile, preset: null });
  }
  const script = options.get('--script');
  if (typeof script === 'string') {
    const failed = await runBringUp(host.session.target, script, io);
    if (failed > 0) {
      io.stderr.write(`irqscope web: ${script}: ${failed} line${failed === 1 ? '' : 's'} failed (see above)\n`);
      return 1;
    }
  }
  let web;
  try {
    web = await startWebHost({ session: host.session, dispatch: host.dispatch, rendererDir: RENDERER_DIR, port, log: (line) => io.stderr.write(`${line}\n`) });
  } catch (err) {
    io.stderr.write(`irqscope web: cannot listen on 127.0.0.1:${port}: ${(err as Error).message}\n`);
    return 1;
  }
  host.runner.start();
  io.stdout.write(`irqscope web: ${host.session.name}\n  open ${web.url}\n  (Ctrl+C to stop)\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  host.runner.stop();
  await web.close();
  return 0;
};

/** Runs the bring-up script; its FAIL replies go to stderr with their line. Answers how many failed. */
async function runBringUp(machine: Parameters<typeof runQtestScript>[0], script: string, io: Parameters<CliCommand>[1]): Promise<number> {
  let failed = 0;
  let line = 0;
  const replies = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const reply of chunk.toString('utf8').split('\n')) {
        if (reply === '') continue;
        line++;
        if (reply.startsWith('FAIL')) {
          failed++;
          io.stderr.write(`irqscope web: ${script}: reply ${line}: ${reply}\n`);
        }
      }
      done();
    },
  });
  await runQtestScript(machine, script, io.cwd, io.stdin, replies);
  return failed;
}
