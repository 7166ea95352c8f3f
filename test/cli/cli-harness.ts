// Runs the CLI, or one command of it, in-process with captured streams.
import { PassThrough } from 'node:stream';
import { main } from '../../src-main/cli/main';
import { UsageError, type CliCommand, type CliIo } from '../../src-main/cli/cli-io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(stdinText: string, cwd: string): { io: CliIo; out: () => string; err: () => string } {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  stdin.end(stdinText);
  return { io: { stdin, stdout, stderr, cwd }, out: () => out, err: () => err };
}

/** `irqscope ARGS…`, as the bin runs it. */
export async function runCli(args: string[], stdinText = '', cwd = process.cwd()): Promise<CliRun> {
  const c = capture(stdinText, cwd);
  const code = await main(args, c.io);
  return { code, stdout: c.out(), stderr: c.err() };
}

/** One command alone; a usage error comes back as code 'usage' with its message. */
export async function runCommand(
  command: CliCommand,
  args: string[],
  cwd: string,
  stdinText = '',
): Promise<{ code: number | 'usage'; stdout: string; stderr: string }> {
  const c = capture(stdinText, cwd);
  try {
    const code = await command(args, c.io);
    return { code, stdout: c.out(), stderr: c.err() };
  } catch (e) {
    if (e instanceof UsageError) return { code: 'usage', stdout: c.out(), stderr: e.message };
    throw e;
  }
}
