import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/cli-harness';
import { loadPreset } from './preset';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { UP } from './rule-scripts';
import { RULES } from '../../src-shared/doctor/rules';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'irqscope-doctor-'));
/** A PBA write (a warning) and a message dropped with Bus Master off (an error). */
const WARNING_ONLY = [...UP, 'writel 0xfebd0800 0x1'];
const WITH_ERROR = [...WARNING_ONLY, 'outl 0xcf8 0x80001804', 'outw 0xcfc 0x0002', 'writel 0xfebd000c 0x0', 'device_irq 00:03.0 0'];

function script(dir: string, lines: string[]): string {
  writeFileSync(join(dir, 's.qtest'), lines.join('\n') + '\n');
  return 's.qtest';
}

describe('irqscope doctor', () => {
  it('prints one line per finding and exits 1 when one is an error', async () => {
    const dir = tmp();
    const r = await runCli(['doctor', '--machine', 'virtio-net', '--script', script(dir, WITH_ERROR)], '', dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^DR-BUS-MASTER-OFF error 00:03.0 vector 0 #\d+: .*Bus Master Enable.* \[msix-semantics N3/);
    expect(lines[1]).toMatch(/^DR-PBA-WRITE warning 00:03.0 #\d+: the PBA is read-only/);
    expect(lines[2]).toMatch(/^2 findings, 1 error in \d+ events$/);
  });

  it('exits 0 with warnings only, and with nothing found', async () => {
    const dir = tmp();
    expect((await runCli(['doctor', '--machine', 'virtio-net', '--script', script(dir, WARNING_ONLY)], '', dir)).code).toBe(0);
    const clean = await runCli(['doctor', '--machine', 'virtio-net'], '', dir);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^no findings in \d+ events\n$/);
  });

  it('reads the same run from an --events file and from a saved session, as JSON', async () => {
    const dir = tmp();
    const s = script(dir, WITH_ERROR);
    await runCli(['qtest', '--machine', 'virtio-net', s, '--events', 'ev.jsonl'], '', dir);
    await runCli(['session', 'save', 'run.irqscope', '--machine', 'virtio-net', '--script', s], '', dir);
    const direct = await runCli(['doctor', '--machine', 'virtio-net', '--script', s, '--json'], '', dir);
    const fromEvents = await runCli(['doctor', '--events', 'ev.jsonl', '--json'], '', dir);
    const fromSession = await runCli(['doctor', '--session', 'run.irqscope', '--json'], '', dir);
    const report = JSON.parse(direct.stdout) as { findings: { rule: string; seqs: number[] }[] };
    expect(report.findings.map((f) => f.rule)).toEqual(['DR-BUS-MASTER-OFF', 'DR-PBA-WRITE']);
    expect(fromEvents.stdout).toBe(direct.stdout);
    expect(fromSession.stdout).toBe(direct.stdout);
    expect([direct.code, fromEvents.code, fromSession.code]).toEqual([1, 1, 1]);
  });

  it('names a bad --events line and refuses bad usage', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.jsonl'), '{"type":"log"}\n{"type":"event","seq":0,"timeNs":0,"kind":"Bogus"}\n');
    const bad = await runCli(['doctor', '--events', 'bad.jsonl'], '', dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad.jsonl:2: kind \"Bogus\" is not an event kind");
    expect((await runCli(['doctor'], '', dir)).stderr).toContain('give exactly one of --session FILE');
    expect((await runCli(['doctor', '--events', 'a', '--session', 'b'], '', dir)).code).toBe(2);
  });
});

describe('qtest doctor', () => {
  it('answers the findings so far on one line, mid-script', () => {
    const q = new QtestSession(loadPreset('virtio-net'));
    expect(q.execute('doctor')).toBe('OK none');
    for (const line of WARNING_ONLY) q.execute(line);
    expect(q.execute('doctor')).toMatch(/^OK 1 finding: DR-PBA-WRITE warning 00:03.0 #\d+: the PBA is read-only.*\]$/);
    expect(q.execute('doctor now')).toMatch(/^FAIL doctor: expected 0 arguments/);
  });
});

describe('docs/doctor.md', () => {
  it('documents every rule with its own section', () => {
    const doc = readFileSync(join(__dirname, '../../docs/doctor.md'), 'utf8');
    for (const rule of RULES) expect(doc).toContain(`## ${rule.id}\n`);
  });
});
