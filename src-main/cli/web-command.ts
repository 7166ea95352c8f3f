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
import { startFrom } from '../host/start-from';

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
  if (typeof sessionFile === 'string' && typeof file === 'string') throw new UsageError('--session and --machine: a session brings its own machine, give one of them');
  const script = options.get('--script');
  const problems = await startFrom(host, { session: typeof sessionFile === 'string' ? sessionFile : undefined, script: typeof script === 'string' ? script : undefined }, io.cwd, io.stdin);
  for (const problem of problems) io.stderr.write(`irqscope web: ${problem}\n`);
  if (problems.length > 0) return 1;
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
