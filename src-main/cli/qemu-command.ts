// `irqscope qemu [--events FILE] [--break SPEC]… [--qemu BIN] [--msix-timeout S] [--save-trace LOG] -- QEMU-ARGS…`
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { CliCommand } from './cli-io';
import { UsageError, parseOptions, repeatedOption } from './cli-io';
import { writeEventsFile } from './qtest-command';
import { AttachError, QemuAttachment, QemuLaunchError } from '../qemu/qemu-attach';
import { attachSummary } from '../qemu/attach-summary';
import { DEFAULT_MSIX_TIMEOUT_S } from '../operations/limits';

export const qemuCommand: CliCommand = async (args, io) => {
  const dashes = args.indexOf('--');
  if (dashes < 0) throw new UsageError("put QEMU's own arguments after '--': irqscope qemu [OPTIONS] -- -machine q35 …");
  const own = args.slice(0, dashes);
  const qemuArgs = args.slice(dashes + 1);
  const { values: breaks, rest } = repeatedOption('--break', own);
  const { options, positional } = parseOptions(rest, { '--events': 'value', '--qemu': 'value', '--msix-timeout': 'value', '--save-trace': 'value' });
  if (positional.length > 0) throw new UsageError(`unexpected '${positional[0]}' before '--'`);
  const timeoutText = options.get('--msix-timeout');
  const msixTimeoutS = typeof timeoutText === 'string' ? Number(timeoutText) : DEFAULT_MSIX_TIMEOUT_S;
  if (!(Number.isFinite(msixTimeoutS) && msixTimeoutS >= 0)) throw new UsageError(`--msix-timeout: '${String(timeoutText)}' is not a number of seconds (0: no limit)`);
  const qemu = options.get('--qemu');
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  const saveTrace = options.get('--save-trace');
  const saved: WriteStream | undefined = typeof saveTrace === 'string' ? createWriteStream(resolve(io.cwd, saveTrace)) : undefined;
  let attachment: QemuAttachment;
  try {
    attachment = await QemuAttachment.start({
      qemu: typeof qemu === 'string' ? qemu : 'qemu-system-x86_64',
      qemuArgs,
      breaks,
      msixTimeoutS,
      say,
      stdout: (chunk) => io.stdout.write(chunk),
      stderr: (chunk) => io.stderr.write(chunk),
      traceCopy: saved === undefined ? undefined : (line) => saved.write(`${line}\n`),
    });
  } catch (err) {
    saved?.destroy();
    if (err instanceof QemuLaunchError || err instanceof AttachError) {
      say(`irqscope qemu: ${err.message}`);
      return 1;
    }
    throw err;
  }
  say('irqscope qemu: attached; the guest runs. Commands: continue, step, stop, status, break SPEC, quit, or a qtest line');
  attachment.serveCommands(io.stdin, say);
  const status = await attachment.exited;
  attachment.close();
  if (saved !== undefined) await new Promise((done) => saved.end(done));
  for (const line of attachSummary(attachment)) say(line);
  const events = options.get('--events');
  if (typeof events === 'string') writeEventsFile(attachment.machine.log, resolve(io.cwd, events));
  return attachment.timedOut ? 1 : status;
};
