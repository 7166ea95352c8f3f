// Runs a CLI command with in-memory streams and a temporary working directory.
import { PassThrough } from 'node:stream';
import type { CliCommand } from '../../src-main/cli/cli-io';
import { UsageError } from '../../src-main/cli/cli-io';

export interface CliRun {
  code: number | 'usage';
  stdout: string;
  stderr: string;
}

export async function runCli(command: CliCommand, args: string[], cwd: string, stdinText = ''): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  stdin.end(stdinText);
  try {
    const code = await command(args, { stdin, stdout, stderr, cwd });
    return { code, stdout: out, stderr: err };
  } catch (e) {
    if (e instanceof UsageError) return { code: 'usage', stdout: out, stderr: e.message };
    throw e;
  }
}
