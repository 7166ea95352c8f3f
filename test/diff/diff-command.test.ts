import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/cli-harness';
import { UP } from '../doctor/rule-scripts';
import { diffRuns } from '../../src-shared/diff/run-diff';
import { emptyColumns, type EventColumns } from '../../src-shared/timeline/columns';
import { EventKind } from '../../src-shared/timeline/event-schema';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'irqscope-diff-'));
const BRING_UP = [...UP, 'writel 0xfebd000c 0x0', 'device_irq 00:03.0 0', 'readl 0xfebd0800', 'device_irq 00:03.0 1'];

async function saveRun(dir: string, name: string, machine: string, lines: string[]): Promise<string> {
  writeFileSync(join(dir, `${name}.qtest`), lines.join('\n') + '\n');
  const r = await runCli(['session', 'save', `${name}.irqscope`, '--machine', machine, '--script', `${name}.qtest`], '', dir);
  expect(r.code).toBe(0);
  await runCli(['qtest', '--machine', machine, `${name}.qtest`, '--events', `${name}.jsonl`], '', dir);
  return `${name}.irqscope`;
}

/** The virtio-net preset with one CPU: vector 0's message to APIC 1 then reaches nobody. */
function oneCpuMachine(dir: string): string {
  const preset = JSON.parse(readFileSync(join(__dirname, '../../machines/virtio-net.json'), 'utf8')) as { cpus: number };
  preset.cpus = 1;
  writeFileSync(join(dir, 'one-cpu.json'), JSON.stringify(preset));
  return 'one-cpu.json';
}

describe('irqscope diff', { timeout: 60_000 }, () => {
  it('says two identical runs are the same and exits 0', async () => {
    const dir = tmp();
    const a = await saveRun(dir, 'a', 'virtio-net', BRING_UP);
    const b = await saveRun(dir, 'b', 'virtio-net', BRING_UP);
    const r = await runCli(['diff', a, b], '', dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^runs are the same: (\d+) events in A, \1 in B; \1 alike, 0 only in A, 0 only in B, 0 with different outcomes\n$/);
  });

  it('the same bring-up on two machine files: one notify with a different outcome, named by both sequence numbers', async () => {
    const dir = tmp();
    const a = await saveRun(dir, 'a', 'virtio-net', BRING_UP);
    const b = await saveRun(dir, 'b', oneCpuMachine(dir), BRING_UP);
    const r = await runCli(['diff', a, b], '', dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const events = readFileSync(join(dir, 'a.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; seq: number });
    const delivered = events.find((e) => e.kind === 'NotifyDelivered')!.seq;
    expect(lines[0]).toBe(`first divergence: A#${delivered} vs B#${delivered} (different outcome)`);
    expect(lines).toContain(`  > A#${delivered} NotifyDelivered 00:03.0: vector 0 delivered to APIC 1, IDT vector 0x41 (fixed)`);
    expect(lines).toContain(`  > B#${delivered} NotifyDropped 00:03.0: vector 0 dropped: no such CPU`);
    expect(lines.at(-1)).toMatch(/^runs differ: \d+ events in A, \d+ in B; \d+ alike, 0 only in A, 0 only in B, 1 with different outcomes$/);
  });

  it('a driver change that adds one access: one event only in B, the rest aligned, from --events files', async () => {
    const dir = tmp();
    await saveRun(dir, 'a', 'virtio-net', BRING_UP);
    const extra = [...BRING_UP];
    extra.splice(UP.length, 0, 'readl 0xfebd0000');
    await saveRun(dir, 'b', 'virtio-net', extra);
    const r = await runCli(['diff', '--events', 'a.jsonl', 'b.jsonl', '--context', '1'], '', dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const at = readFileSync(join(dir, 'b.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; seq: number }).find((e) => e.kind === 'TableRead')!.seq;
    expect(lines[0]).toBe(`first divergence: A#${at} vs B#${at} (only in B)`);
    expect(lines.at(-1)).toMatch(/; \d+ alike, 0 only in A, 1 only in B, 0 with different outcomes$/);
    const json = JSON.parse((await runCli(['diff', '--events', 'a.jsonl', 'b.jsonl', '--json'], '', dir)).stdout) as { divergences: unknown[] };
    expect(json.divergences).toEqual([{ op: 'onlyB', a: at, b: at }]);
  });

  it('refuses an unreadable run with exit 2 and bad usage', async () => {
    const dir = tmp();
    const r = await runCli(['diff', 'nope.irqscope', 'nope2.irqscope'], '', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.irqscope: cannot read');
    expect((await runCli(['diff', 'one'], '', dir)).code).toBe(2);
  });
});

function stream(kinds: [number, number][]): EventColumns {
  const c = emptyColumns(kinds.length);
  kinds.forEach(([kind, vector], i) => {
    c.kind[i] = kind;
    c.vector[i] = vector;
    c.bdf[i] = 0x18;
  });
  return c;
}

describe('diffRuns', () => {
  it('finds exactly one removed event anywhere in a long run', () => {
    const base: [number, number][] = Array.from({ length: 500 }, (_, i) => [i % 3 === 0 ? EventKind.TableWrite : EventKind.NotifyPended, i % 5]);
    for (const at of [0, 1, 250, 499]) {
      const fewer = base.filter((_, i) => i !== at);
      const d = diffRuns(stream(base), stream(fewer));
      expect(d).toMatchObject({ onlyA: 1, onlyB: 0, different: 0, alike: 499 });
      // Where neighbours look alike the removed one may be any of them; it is always next to `at`.
      expect(Math.abs(d.divergences[0]!.a - at)).toBeLessThanOrEqual(5);
    }
  });
});
