import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyMachine } from '../session/busy-machine';
import { Guest, CTRL, ENABLE, MASKALL, MEM, apicAddress } from '../machine/guest';
import { timelineOf } from '../../src-main/export/timeline-source';
import { vcdIdentifier } from '../../src-main/export/vcd';
import { exportBytes, exportTimeline } from '../../src-main/export/timeline-export';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { exportCommand } from '../../src-main/cli/export-command';
import { runCommand } from '../cli/cli-harness';
import { finalValue, readVcd, triggers, type VcdFile } from './vcd-reader';
import type { Machine } from '../../src-main/machine/machine';

const DATE = new Date('2026-01-02T03:04:05Z');
const STEPS_PER_NS: Record<string, number> = { '1 ns': 1, '100 ps': 10, '10 ps': 100, '1 ps': 1000, '100 fs': 1e4, '10 fs': 1e5, '1 fs': 1e6 };
const NIC_SCOPE = 'machine.nic0_00_03_0';
const vcdOf = (m: Machine): VcdFile => readVcd(exportTimeline(m, 'vcd', { axis: 'ns', date: DATE }).toString('utf8'));
const changesOf = (vcd: VcdFile, path: string): [number, string][] => {
  const id = vcd.byPath.get(path)!.id;
  return vcd.changes.filter((c) => c.id === id).map((c) => [c.time, c.value]);
};

/** Busy, with a log large enough to hold everything since the build. */
function complete(): Guest {
  const g = busyMachine(1 << 12);
  expect(g.machine.log.evicted).toBe(0);
  // More mask traffic: function mask on and off, MSI-X off and on, a vector unmasked with its pending bit set.
  g.writeControl(ENABLE | MASKALL);
  g.engine.notify(0);
  g.writeControl(ENABLE);
  g.writeControl(0);
  g.writeControl(ENABLE);
  g.writeEntry(2, CTRL, 0);
  return g;
}

/** The README's worked example, word for word: vector 0 pends while masked, then is delivered on unmask, all at t=0. */
const README_BRINGUP = `# nic0 is 00:03.0. Put BAR1 at 0xfebd0000, then turn on memory space and bus master.
outl 0xcf8 0x80001814
outl 0xcfc 0xfebd0000
outl 0xcf8 0x80001804
outw 0xcfc 0x0006
# MSI-X capability at 0x84: set Enable (bit 15 of Message Control at cap+2)
outl 0xcf8 0x80001884
outl 0xcfc 0x80000011
# vector 0 -> APIC ID 1, IDT vector 0x41; still masked
writel 0xfebd0000 0xfee01000
writel 0xfebd0004 0x0
writel 0xfebd0008 0x41
# the device raises cause 0: the vector is masked, so it pends
device_irq 00:03.0 0
readl 0xfebd0800
# unmask: the pending message is delivered and the pending bit clears
writel 0xfebd000c 0x0
readl 0xfebd0800
`;

describe('VCD export', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'irqscope-vcd-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("shows the README example's pending pulse: pended, then cleared and delivered, each at its own step of t=0", async () => {
    writeFileSync(join(dir, 'bringup.qtest'), README_BRINGUP);
    const r = await runCommand(exportCommand, ['--format', 'vcd', '--machine', 'virtio-net', '--script', 'bringup.qtest'], dir);
    expect(r.code).toBe(0);
    const vcd = readVcd(r.stdout);
    // Every event of the run is at t=0: 1 ns would hold one; the timescale is the coarsest with a step for each.
    expect(vcd.timescale).toBe('10 ps');
    const v0 = `${NIC_SCOPE}.vector_0`;
    const pending = changesOf(vcd, `${v0}.pending`);
    expect(pending.map(([, v]) => v)).toEqual(['1', '0']);
    const masked = changesOf(vcd, `${v0}.masked`);
    expect(masked.map(([, v]) => v)).toEqual(['0']);
    const delivered = triggers(vcd, `${v0}.delivered`);
    expect(delivered).toHaveLength(1);
    // In the order the events happened (README: #8 pended, #11 unmasked, #12 cleared, #13 delivered), one step apart.
    expect([pending[0]![0], masked[0]![0], pending[1]![0], delivered[0]]).toEqual([8, 11, 12, 13]);
  });

  it('gives every event its own step, so a mask and unmask at one instant both show', () => {
    const g = Guest.nic({ vectors: 1, used: 'all' });
    g.writeControl(ENABLE);
    g.program(0, apicAddress(0), 0x40);
    g.machine.startSource(g.fn, 0, 3); // every 333333333.33 ns, on whole ns: 333333333, 666666666, 1e9
    g.machine.step(1e9);
    const mark = g.machine.log.total;
    g.writeEntry(0, CTRL, 1);
    g.writeEntry(0, CTRL, 0);
    const vcd = vcdOf(g.machine);
    const perNs = STEPS_PER_NS[vcd.timescale]!;
    // The source's deliveries at their own nanoseconds, on whole nanoseconds of the axis.
    expect(triggers(vcd, `${NIC_SCOPE}.vector_0.delivered`)).toEqual([333333333, 666666666, 1000000000].map((t) => t * perNs));
    // Both edges of the mask pulse, at t = 1 s and one and two steps after (the write's own events come first).
    const log = g.machine.log;
    const k = (seq: number): number => {
      let n = 0;
      for (let s = seq - 1; s >= log.firstSeq && log.time[log.indexOf(s)] === log.time[log.indexOf(seq)]; s--) n++;
      return n;
    };
    const seqOf = (kind: number, from: number): number => {
      for (let s = from; s < log.total; s++) if (log.kind[log.indexOf(s)] === kind) return s;
      throw new Error('not logged');
    };
    const maskedAt = seqOf(EventKind.VectorMasked, mark);
    const unmaskedAt = seqOf(EventKind.VectorUnmasked, mark);
    expect(changesOf(vcd, `${NIC_SCOPE}.vector_0.masked`).slice(-2)).toEqual([
      [1e9 * perNs + k(maskedAt), '1'],
      [1e9 * perNs + k(unmaskedAt), '0'],
    ]);
  });

  it('declares a scope per device and vector, and its final levels are the machine state', () => {
    const g = complete();
    const vcd = vcdOf(g.machine);
    for (let v = 0; v < 4; v++) {
      expect(finalValue(vcd, `${NIC_SCOPE}.vector_${v}.masked`)).toBe(g.engine.isMasked(v) ? '1' : '0');
      expect(finalValue(vcd, `${NIC_SCOPE}.vector_${v}.pending`)).toBe(g.engine.isPending(v) ? '1' : '0');
      // Every delivery has its own step.
      expect(triggers(vcd, `${NIC_SCOPE}.vector_${v}.delivered`)).toHaveLength(g.engine.delivered[v]!);
    }
    expect(finalValue(vcd, `${NIC_SCOPE}.function_masked`)).toBe(g.engine.functionMasked ? '1' : '0');
    expect(finalValue(vcd, 'machine.legacy_00_04_0.intx')).toBe('1');
    expect(vcd.byPath.has('machine.legacy_00_04_0.function_masked')).toBe(false);
    // I5: a complete log starts from the built state.
    expect(vcd.initial.get(vcd.byPath.get(`${NIC_SCOPE}.vector_3.masked`)!.id)).toBe('1');
  });

  it('N1, N3: drops are pulses, on the vector, or on the device for a vector past its table', () => {
    const g = Guest.nic({ vectors: 2, used: 'all' });
    g.writeControl(ENABLE);
    g.program(0, apicAddress(0), 0x40);
    g.engine.notify(0); // delivered
    g.command(MEM); // bus master off: N3
    g.engine.notify(0);
    g.engine.notify(0);
    g.engine.notify(7); // N1: out of range
    const vcd = vcdOf(g.machine);
    expect(triggers(vcd, `${NIC_SCOPE}.vector_0.delivered`)).toHaveLength(1);
    expect(triggers(vcd, `${NIC_SCOPE}.vector_0.dropped`)).toHaveLength(2);
    expect(triggers(vcd, `${NIC_SCOPE}.vector_1.dropped`)).toHaveLength(0);
    expect(triggers(vcd, `${NIC_SCOPE}.dropped`)).toHaveLength(1);
  });

  it('C2: disabling MSI-X masks every vector in the waveform although no per-vector event is logged', () => {
    const g = Guest.nic({ vectors: 2, used: 'all' });
    g.writeControl(ENABLE);
    g.program(0, apicAddress(0), 0x40);
    g.writeControl(0);
    const vcd = vcdOf(g.machine);
    expect(changesOf(vcd, `${NIC_SCOPE}.vector_0.masked`).map(([, v]) => v)).toEqual(['0', '1']);
    expect(finalValue(vcd, `${NIC_SCOPE}.vector_1.masked`)).toBe('1');
  });

  it('writes only the filtered events as pulses, while the levels follow every event', () => {
    const g = complete();
    const vcd = readVcd(exportBytes(timelineOf(g.machine), 'vcd', { axis: 'ns', date: DATE, filter: (c, i) => c.vector[i] !== 0 }).toString('utf8'));
    expect(triggers(vcd, `${NIC_SCOPE}.vector_0.delivered`)).toHaveLength(0);
    expect(triggers(vcd, `${NIC_SCOPE}.vector_1.delivered`)).toHaveLength(g.engine.delivered[1]!);
    expect(finalValue(vcd, `${NIC_SCOPE}.vector_0.masked`)).toBe(g.engine.isMasked(0) ? '1' : '0');
  });

  it('starts every level unknown when older events were overwritten', () => {
    const g = busyMachine(16);
    expect(g.machine.log.evicted).toBeGreaterThan(0);
    const vcd = vcdOf(g.machine);
    expect([...vcd.initial.values()].every((v) => v === 'x')).toBe(true);
    expect(vcd.initial.size).toBe(2 + 4 * 2 + 1);
  });

  it('uses the shortest printable identifiers, many of them', () => {
    expect([0, 2, 3, 92, 93, 93 * 93 + 5].map(vcdIdentifier)).toEqual(['!', '#', '%', '~', '!"', '\'!"']);
    const g = Guest.nic({ vectors: 100, used: 'all' });
    const vcd = vcdOf(g.machine);
    expect(vcd.vars.size).toBe(2 + 1 + 100 * 4);
  });

  it('refuses the seq axis: VCD time is physical time', () => {
    expect(() => exportTimeline(Guest.nic({ vectors: 1 }).machine, 'vcd', { axis: 'seq' })).toThrow(/VCD time is physical time/);
  });

  // CI installs gtkwave (.ci/run) and sets IRQSCOPE_REQUIRE_GTKWAVE, so there it always runs.
  const hasVcd2fst = existsSync('/usr/bin/vcd2fst');
  describe.skipIf(!hasVcd2fst && process.env.IRQSCOPE_REQUIRE_GTKWAVE === undefined)("GTKWave's vcd2fst reads every export", () => {
    it('converts the busy machine, the README example and an evicted log without complaint', async () => {
      writeFileSync(join(dir, 'bringup.qtest'), README_BRINGUP);
      const r = await runCommand(exportCommand, ['--format', 'vcd', '--machine', 'virtio-net', '--script', 'bringup.qtest', '--out', 'readme.vcd'], dir);
      expect(r.code).toBe(0);
      writeFileSync(join(dir, 'busy.vcd'), exportTimeline(complete().machine, 'vcd'));
      writeFileSync(join(dir, 'evicted.vcd'), exportTimeline(busyMachine(16).machine, 'vcd'));
      for (const name of ['readme', 'busy', 'evicted']) {
        const run = spawnSync('/usr/bin/vcd2fst', [join(dir, `${name}.vcd`), join(dir, `${name}.fst`)], { encoding: 'utf8' });
        expect(run.status, `${name}: ${run.stderr}`).toBe(0);
        expect(run.stderr).not.toMatch(/error|warning/i);
        expect(statSync(join(dir, `${name}.fst`)).size).toBeGreaterThan(0);
      }
      // fst2vcd (the same package) turns the README's FST back: the pending pulse survived the conversion.
      const back = readVcd(execFileSync('/usr/bin/fst2vcd', [join(dir, 'readme.fst')], { encoding: 'utf8' }), { foreignIds: true });
      expect(readFileSync(join(dir, 'readme.vcd'), 'utf8')).toContain('$timescale 10 ps $end');
      expect(changesOf(back, 'machine.nic0_00_03_0.vector_0.pending').map(([t, v]) => `${t}:${v}`)).toEqual(['8:1', '12:0']);
    });
  });
});
