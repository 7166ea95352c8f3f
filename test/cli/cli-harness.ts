// Runs the CLI in-process with captured streams.
import { PassThrough } from 'node:stream';
import { main } from '../../src-main/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], stdinText = '', cwd = process.cwd()): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  stdin.end(stdinText);
  const code = await main(args, { stdin, stdout, stderr, cwd });
  return { code, stdout: out, stderr: err };
}
