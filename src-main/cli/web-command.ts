// `irqscope web [--machine FILE] [--session FILE] [--script FILE] [--port N]`: the app
// in a browser, served from 127.0.0.1 behind a random token, until interrupted. A
// session opens and a qtest script runs before the page can connect, so the user
// starts where they left off (a bring-up, a running flood).
// `irqscope web [--port N] --qemu [--qemu-binary BIN] [--break SPEC]… [--msix-timeout S] -- QEMU-ARGS…`:
// the same app over a real QEMU (the guest's serial console goes to stderr); the page's
// Attach to QEMU… may then start another.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, parseOptions, repeatedOption, type CliCommand } from './cli-io';
import { createAppHost, type InitialMachine } from '../host/app-host';
import { DEFAULT_PRESET, folderPresets } from '../host/presets';
import { startWebHost } from '../host/web-host';
import { PRESETS_DIR, readMachineSpec } from './machine-option';
import { startFrom } from '../host/start-from';
import { attachQemu } from '../target/qemu/attach-qemu';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = resolve(PACKAGE_ROOT, 'out/renderer');

export const webCommand: CliCommand = async (args, io) => {
  const dashes = args.indexOf('--');
  const qemuArgs = dashes < 0 ? null : args.slice(dashes + 1);
  const { values: breaks, rest } = repeatedOption('--break', dashes < 0 ? args : args.slice(0, dashes));
  const { options, positional } = parseOptions(rest, {
    '--machine': 'value',
    '--port': 'value',
    '--session': 'value',
    '--script': 'value',
    '--qemu': 'flag',
    '--qemu-binary': 'value',
    '--msix-timeout': 'value',
  });
  const qemu = options.has('--qemu');
  if (qemu !== (qemuArgs !== null)) throw new UsageError("--qemu takes QEMU's own arguments after '--': irqscope web --qemu -- -machine q35 …");
  for (const excluded of ['--machine', '--session', '--script']) if (qemu && options.has(excluded)) throw new UsageError(`--qemu and ${excluded}: the QEMU guest is the machine, give one of them`);
  if (!qemu && (breaks.length > 0 || options.has('--qemu-binary') || options.has('--msix-timeout'))) throw new UsageError('--break, --qemu-binary and --msix-timeout go with --qemu');
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const portText = options.get('--port');
  const port = portText === undefined ? 0 : Number(portText);
  if (typeof portText === 'string' && !(/^\d+$/.test(portText) && port <= 65535)) {
    throw new UsageError(`--port: '${portText}' is not a port number (0..65535, 0 picks a free one)`);
  }
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  const binary = options.get('--qemu-binary');
  const timeoutText = options.get('--msix-timeout');
  const msixTimeoutS = typeof timeoutText === 'string' ? Number(timeoutText) : undefined;
  if (msixTimeoutS !== undefined && !(Number.isFinite(msixTimeoutS) && msixTimeoutS >= 0)) throw new UsageError(`--msix-timeout: '${timeoutText}' is not a number of seconds (0: no limit)`);
  const attach = (qemuArgs: readonly string[], breakSpecs: readonly string[] = []) =>
    attachQemu({
      qemu: typeof binary === 'string' ? binary : undefined,
      args: qemuArgs,
      breaks: breakSpecs,
      msixTimeoutS,
      say,
      output: (chunk) => io.stderr.write(chunk),
      onExit: (status) => say(`irqscope web: QEMU exited (status ${status}); the page keeps what it recorded`),
    });
  const file = options.get('--machine');
  let initial: InitialMachine = { source: 'preset', preset: DEFAULT_PRESET };
  if (typeof file === 'string') initial = { source: 'text', ...readMachineSpec(file, io.cwd) };
  if (qemuArgs !== null) {
    const attached = await attach(qemuArgs, breaks);
    if (!attached.ok) {
      say(`irqscope web: ${attached.error}`);
      return 1;
    }
    initial = { source: 'target', target: attached.target, name: attached.target.name ?? 'QEMU guest' };
  }
  const created = createAppHost({
    presets: folderPresets(PRESETS_DIR),
    initial,
    ...(qemu ? { attach: (more: readonly string[]) => attach(more) } : {}),
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
  host.session.target.close();
  await web.close();
  return 0;
};
