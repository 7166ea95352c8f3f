import { describe, expect, it } from 'vitest';
import { loadPreset } from './preset';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { diagnose } from '../../src-shared/doctor/doctor';
import { RULES } from '../../src-shared/doctor/rules';
import { EVENT_KIND_NAMES } from '../../src-shared/timeline/event-schema';
import type { Finding } from '../../src-shared/doctor/finding';
import { NIC_MSI, RULE_SCRIPTS, UP } from './rule-scripts';

function run(lines: string[], msi = false): { findings: Finding[]; kindAt: (seq: number) => string; replies: string[] } {
  const machine = loadPreset('virtio-net', false, msi ? (d) => (d.devices[0]!.msi = NIC_MSI) : undefined);
  const q = new QtestSession(machine);
  const replies = lines.map((l) => q.execute(l) ?? '');
  const log = machine.log;
  return { findings: diagnose(log.slice(0, log.total)), kindAt: (seq) => EVENT_KIND_NAMES[log.kind[log.indexOf(seq)]!]!, replies };
}

describe('doctor rules', () => {
  it('has a trigger and a near-miss script for every rule in the table, and nothing else', () => {
    expect([...new Set(RULE_SCRIPTS.map((s) => s.rule))].sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it('finds nothing in a clean bring-up', () => {
    expect(run([...UP, 'writel 0xfebd000c 0x0', 'device_irq 00:03.0 0', 'readl 0xfebd0800']).findings).toEqual([]);
  });

  for (const { rule, case: which, msi, why, shows, trigger, nearMiss } of RULE_SCRIPTS) {
    const name = which === undefined ? rule : `${rule} (${which})`;
    it(`${name}: the trigger script shows it, with its severity, events, why and source`, () => {
      const { findings, kindAt, replies } = run(trigger, msi);
      expect(replies.filter((r) => r.startsWith('FAIL') && !r.endsWith('(recorded as a drop)'))).toEqual([]);
      const found = findings.filter((f) => f.rule === rule);
      expect(found.length).toBeGreaterThan(0);
      const spec = RULES.find((r) => r.id === rule)!;
      for (const f of found) {
        expect(f.severity).toBe(spec.severity);
        expect(f.source).toBe(spec.source);
        expect(f.why).toMatch(/\w.*\w/);
        if (why !== undefined) expect(f.why).toContain(why);
        expect(f.seqs.length).toBeGreaterThan(0);
        expect(kindAt(f.seqs[f.seqs.length - 1]!)).toBe(shows);
      }
    });

    it(`${name}: the near miss does not`, () => {
      const { findings, replies } = run(nearMiss, msi);
      expect(replies.filter((r) => r.startsWith('FAIL') && !r.endsWith('(recorded as a drop)'))).toEqual([]);
      expect(findings.filter((f) => f.rule === rule)).toEqual([]);
    });
  }
});
