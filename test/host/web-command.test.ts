import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { webCommand } from '../../src-main/cli/web-command';
import { UsageError, type CliIo } from '../../src-main/cli/cli-io';

function io(): CliIo & { err: () => string } {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdin: new PassThrough(), stdout: new PassThrough(), stderr, cwd: process.cwd(), err: () => err };
}

describe('irqscope web', () => {
  it('refuses a port that is not a number', async () => {
    await expect(webCommand(['--port', 'http'], io())).rejects.toThrow(new UsageError("--port: 'http' is not a port number (0..65535, 0 picks a free one)"));
    await expect(webCommand(['--port', '70000'], io())).rejects.toThrow(UsageError);
  });

  it('refuses unknown options and stray arguments', async () => {
    await expect(webCommand(['--host', '0.0.0.0'], io())).rejects.toThrow(new UsageError('unknown option --host'));
    await expect(webCommand(['machine.json'], io())).rejects.toThrow(new UsageError("unexpected argument 'machine.json'"));
  });

  it('says which machine file it cannot read or build, and exits 1', async () => {
    await expect(webCommand(['--machine', 'no-such.json'], io())).rejects.toThrow(/no machine file 'no-such\.json' \(and no preset of that name: e1000e, nvme, q35-bridges, virtio-net\)/);
    const broken = io();
    expect(await webCommand(['--machine', 'package.json'], broken)).toBe(1);
    expect(broken.err()).toMatch(/^irqscope web: package\.json: cpus: /);
  });
});
