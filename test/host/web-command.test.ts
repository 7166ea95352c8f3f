import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { webCommand } from '../../src-main/cli/web-command';
import { UsageError, type CliIo } from '../../src-main/cli/cli-io';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  it('--script runs the bring-up before serving; a failing line stops it, named, with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-web-'));
    writeFileSync(join(dir, 'bad.qtest'), '# BAR1\noutl 0xcf8 0x80001814\nwritel 0x12\n');
    const failing = { ...io(), cwd: dir };
    expect(await webCommand(['--script', 'bad.qtest'], failing)).toBe(1);
    expect(failing.err()).toMatch(/^irqscope web: bad\.qtest: reply 2: FAIL /m);
    expect(failing.err()).toContain('bad.qtest: 1 line failed');
    writeFileSync(join(dir, 'good.qtest'), 'outl 0xcf8 0x80001814\noutl 0xcfc 0xfebd0000\n');
    const good = { ...io(), cwd: dir };
    let out = '';
    good.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ctrl+C')) setImmediate(() => process.emit('SIGINT'));
    });
    expect(await webCommand(['--script', 'good.qtest', '--port', '0'], good)).toBe(0);
    expect(out).toMatch(/open http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('--session opens a saved session; one that cannot be read is refused with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-web-'));
    writeFileSync(join(dir, 'junk.irqsession'), 'not a session');
    const junk = { ...io(), cwd: dir };
    expect(await webCommand(['--session', 'junk.irqsession'], junk)).toBe(1);
    expect(junk.err()).toMatch(/^irqscope web: /);
    await expect(webCommand(['--session', 'junk.irqsession', '--machine', 'e1000e'], io())).rejects.toThrow(UsageError);
  });

  it('--qemu takes QEMU’s arguments after --, excludes a machine of its own, and says so when QEMU cannot start', async () => {
    await expect(webCommand(['--qemu'], io())).rejects.toThrow(new UsageError("--qemu takes QEMU's own arguments after '--': irqscope web --qemu -- -machine q35 …"));
    await expect(webCommand(['--', '-machine', 'q35'], io())).rejects.toThrow(UsageError);
    await expect(webCommand(['--qemu', '--machine', 'e1000e', '--', '-machine', 'q35'], io())).rejects.toThrow(new UsageError('--qemu and --machine: the QEMU guest is the machine, give one of them'));
    await expect(webCommand(['--break', 'unmask any any'], io())).rejects.toThrow(new UsageError('--break, --qemu-binary and --msix-timeout go with --qemu'));
    await expect(webCommand(['--qemu', '--msix-timeout', 'soon', '--', '-machine', 'q35'], io())).rejects.toThrow(/--msix-timeout: 'soon' is not a number of seconds/);
    const missing = io();
    expect(await webCommand(['--qemu', '--qemu-binary', '/nonexistent/qemu', '--', '-machine', 'q35'], missing)).toBe(1);
    expect(missing.err()).toMatch(/^irqscope web: .*\/nonexistent\/qemu/m);
  });
});
