import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionCommand } from '../../src-main/cli/session-command';
import { openSession } from '../../src-main/session/session-file';
import { runCommand } from '../cli/cli-harness';
import { NIC_VECTOR_1_MASKED } from './nic-bring-up';
import { machineOf } from '../target-machine';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'irqscope-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Programs and enables vector 1 of the virtio-net preset's NIC, masked, with a breakpoint on its unmask. */
const SETUP = [
  ...NIC_VECTOR_1_MASKED,
  'break unmask 00:03.0 1',
  'msix_notify 00:03.0 1',
].join('\n');

describe('irqscope session', () => {
  it('save runs a script on a machine and saves it; open continues from there and saves again', async () => {
    writeFileSync(join(dir, 'setup.qtest'), SETUP);
    const saved = await runCommand(sessionCommand, ['save', 'a.irqsession', '--machine', 'virtio-net', '--script', 'setup.qtest'], dir);
    expect(saved.code).toBe(0);
    expect(saved.stdout.split('\n').slice(-3)).toEqual(['OK 1', 'OK', '']);
    expect(saved.stderr).toMatch(/^saved .*a\.irqsession \(\d+ bytes\): time 0 ns, 8 events \(8 kept\), 1 breakpoints\n$/);

    const opened = await runCommand(sessionCommand, ['open', 'a.irqsession', '--script', '-', '--save', 'b.irqsession'], dir, 'writel 0xe000001c 0\nmsix_notify 00:03.0 2\nbreak list\n');
    expect(opened.code).toBe(0);
    expect(opened.stdout.split('\n')).toEqual([
      expect.stringMatching(/^BREAK bp=1 seq=9 t=0 kind=VectorUnmasked dev=00:03.0 vector=1 masked=0 pending=1 /),
      'OK',
      'OK queued #1: msix_notify 00:03.0 2 (runs at continue or step)',
      'OK #1 unmask 00:03.0 1 count=1',
      '',
    ]);
    expect(opened.stderr).toMatch(/saved .*b\.irqsession .*, paused\n$/);
    const b = openSession(join(dir, 'b.irqsession'));
    expect(b.ok && machineOf(b.target).debugger.queued).toEqual([{ kind: 'notify', bdf: 0x18, vector: 2 }]);
    expect(b.ok && machineOf(b.target).fn(0x18)!.msix!.delivered[1]).toBe(1);
  });

  it("bounds a script's clock advance as irqscope qtest does: one that would run for hours is refused and changes nothing", async () => {
    const script = 'source_start 00:03.0 0 1000000000\nclock_step 1000000000000\nclock_step 1000\n';
    const saved = await runCommand(sessionCommand, ['save', 'a.irqsession', '--machine', 'virtio-net', '--script', '-'], dir, script);
    expect(saved.code).toBe(0);
    const [, refused, stepped] = saved.stdout.split('\n');
    expect(refused).toMatch(/^FAIL clock_step: advancing to \d+ ns would fire the interval sources \d+ times, more than 20000000 at once: advance in smaller steps \(or run the script with irqscope qtest --max-firings N\)$/);
    expect(stepped).toBe('OK 1000');
    const opened = openSession(join(dir, 'a.irqsession'));
    if (!opened.ok) throw new Error(opened.error);
    expect(opened.target.timeNs).toBe(1000);
    // The bound was the script's: the machine's own debugger has none again.
    expect(machineOf(opened.target).debugger.limits.advanceFirings).toBe(Infinity);
  });

  it('info summarizes a file, as text or JSON', async () => {
    writeFileSync(join(dir, 'setup.qtest'), SETUP);
    await runCommand(sessionCommand, ['save', 's.irqsession', '--machine', 'virtio-net', '--script', 'setup.qtest'], dir);
    const text = await runCommand(sessionCommand, ['info', 's.irqsession'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^session format 2, saved .* by irqscope 0\.1\.0, \d+ bytes\nmachine: virtio-net-like NIC, 3 MSI-X vectors in BAR1\n  00:00\.0 q35-host\n  00:03\.0 nic0, 3 MSI-X vectors\ntime: 0 ns\nevents: 8 logged, 8 kept, 0 overwritten\nbreakpoints: 1\nRAM: 0 non-zero 4 KiB pages saved\n$/);
    const json = await runCommand(sessionCommand, ['info', 's.irqsession', '--json'], dir);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 2, events: { total: 8 }, breakpoints: 1, paused: false });
  });

  it('refuses a damaged file with the reason and exit code 1, and bad usage with 2', async () => {
    await runCommand(sessionCommand, ['save', 's.irqsession', '--machine', 'virtio-net'], dir);
    const bytes = readFileSync(join(dir, 's.irqsession'));
    writeFileSync(join(dir, 'cut.irqsession'), bytes.subarray(0, bytes.length - 10));
    const open = await runCommand(sessionCommand, ['open', 'cut.irqsession'], dir);
    expect(open).toEqual({ code: 1, stdout: '', stderr: `irqscope session: ${join(dir, 'cut.irqsession')}: truncated: the file is ${bytes.length - 10} bytes, its preamble says ${bytes.length}\n` });
    expect((await runCommand(sessionCommand, ['info', 'cut.irqsession'], dir)).code).toBe(1);
    expect(await runCommand(sessionCommand, ['frobnicate'], dir)).toMatchObject({ code: 'usage', stderr: expect.stringMatching(/^unknown action 'frobnicate'/) });
    expect(await runCommand(sessionCommand, ['save', '--machine', 'virtio-net'], dir)).toMatchObject({ code: 'usage', stderr: expect.stringMatching(/^expected one output file, got 0/) });
    expect(await runCommand(sessionCommand, ['save', 'x.irqsession'], dir)).toMatchObject({ code: 'usage', stderr: expect.stringMatching(/--machine FILE is required/) });
  });
});
