import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/cli-harness';
import { loadPreset } from '../doctor/preset';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { UP } from '../doctor/rule-scripts';

const SCRIPT = [...UP, 'device_irq 00:03.0 0', 'writel 0xfebd000c 0x0', 'device_irq 00:03.0 0', 'writel 0xfebd001c 0x0'];

describe('irqscope session state', { timeout: 60_000 }, () => {
  it('prints each device as it was right after the event, as JSON, equal to a fresh run up to that line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-state-'));
    writeFileSync(join(dir, 's.qtest'), SCRIPT.join('\n') + '\n');
    expect((await runCli(['session', 'save', 'run.irqscope', '--machine', 'virtio-net', '--script', 's.qtest'], '', dir)).code).toBe(0);
    const fresh = loadPreset('virtio-net', true);
    const q = new QtestSession(fresh);
    let pended = -1;
    for (const [k, line] of SCRIPT.entries()) {
      q.execute(line);
      if (k < UP.length) continue;
      const seq = fresh.log.total - 1;
      if (k === UP.length) pended = seq;
      const r = await runCli(['session', 'state', 'run.irqscope', '--at', String(seq), '--device', '00:03.0', '--json'], '', dir);
      expect(r.code).toBe(0);
      const state = JSON.parse(r.stdout) as { seq: number; devices: { messageControl: number; table: number[]; pba: number[]; useCount: number[] }[] };
      const msix = fresh.fn(0x18)!.msix!;
      expect(state.devices).toHaveLength(1);
      expect(state.devices[0]).toMatchObject({ messageControl: fresh.fn(0x18)!.config.get16(0x86), table: Array.from(msix.table), pba: Array.from(msix.pba), useCount: Array.from(msix.useCount) });
    }
    const text = await runCli(['session', 'state', 'run.irqscope', '--at', String(pended)], '', dir);
    expect(text.stdout).toMatch(/^state right after #\d+ \(t = 0 ns\)\n00:00.0 q35-host: Command 0000 Status 0000\n00:03.0 nic0: Command 0006 Status 0010 MSI-X Message Control 8002\n  vector 0: addr 00000000:fee01000 data 00000041 ctrl 00000001 pending 1 use 1 delivered 0\n/);
  });

  it('refuses a sequence number the session does not have, and bad usage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irqscope-state-'));
    await runCli(['session', 'save', 'run.irqscope', '--machine', 'virtio-net'], '', dir);
    const r = await runCli(['session', 'state', 'run.irqscope', '--at', '999999'], '', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no event #999999');
    expect((await runCli(['session', 'state', 'run.irqscope', '--at', 'x'], '', dir)).stderr).toContain("--at takes an event's sequence number");
    expect((await runCli(['session', 'state', 'run.irqscope', '--at', '0', '--device', '00:09.0'], '', dir)).stderr).toContain('no device 00:09.0');
  });
});
