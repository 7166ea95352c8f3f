import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCommand } from '../../src-main/cli/export-command';
import { sessionCommand } from '../../src-main/cli/session-command';
import { runCommand } from '../cli/cli-harness';
import { finalValue, readVcd, triggers } from './vcd-reader';
import { NIC_VECTOR_1_MASKED } from '../session/nic-bring-up';
import { perfettoType, TYPE_INSTANT } from '../../src-main/export/perfetto-proto';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'irqscope-export-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = [
  ...NIC_VECTOR_1_MASKED,
  'msix_notify 00:03.0 1',
  'writel 0xe000001c 0',
  'msix_notify 00:03.0 1',
  'clock_step 1000',
].join('\n');

describe('irqscope export', () => {
  it('exports a qtest run as VCD on stdout, the replies on stderr', async () => {
    writeFileSync(join(dir, 'run.qtest'), SCRIPT);
    const r = await runCommand(exportCommand, ['--format', 'vcd', '--machine', 'virtio-net', '--script', 'run.qtest'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').slice(-3)).toEqual(['OK', 'OK 1000', '']);
    const vcd = readVcd(r.stdout);
    const v1 = 'machine.nic0_00_03_0.vector_1';
    expect(finalValue(vcd, `${v1}.masked`)).toBe('0');
    expect(finalValue(vcd, `${v1}.pending`)).toBe('0');
    expect(triggers(vcd, `${v1}.delivered`)).toHaveLength(2); // the pended one on unmask, then the direct one
  });

  it('exports a saved session to a file, in each format', async () => {
    writeFileSync(join(dir, 'run.qtest'), SCRIPT);
    await runCommand(sessionCommand, ['save', 's.irqsession', '--machine', 'virtio-net', '--script', 'run.qtest'], dir);
    for (const format of ['csv', 'perfetto', 'perfetto-json', 'vcd']) {
      const r = await runCommand(exportCommand, ['--format', format, '--session', 's.irqsession', '--out', `t.${format}`], dir);
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    const csv = readFileSync(join(dir, 't.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('seq,time_ns,kind,origin,bdf,vector,detail,a,b,c,text');
    expect(csv.filter((l) => l.includes(',NotifyDelivered,'))).toHaveLength(2);
    const trace = JSON.parse(readFileSync(join(dir, 't.perfetto-json'), 'utf8')) as { traceEvents: { ph: string }[] };
    expect(trace.traceEvents.filter((e) => e.ph === 'i')).toHaveLength(csv.length - 2);
    const Trace = perfettoType('Trace');
    const packets = (Trace.toObject(Trace.decode(readFileSync(join(dir, 't.perfetto')))) as { packet: { track_event?: { type: number } }[] }).packet;
    expect(packets.filter((p) => p.track_event?.type === TYPE_INSTANT)).toHaveLength(csv.length - 2);
    // The script's events before its clock_step share t=0: each has its own step of the timescale.
    expect(readVcd(readFileSync(join(dir, 't.vcd'), 'utf8')).timescale).toBe('10 ps');
  });

  it('exports only the events a display filter selects', async () => {
    writeFileSync(join(dir, 'run.qtest'), SCRIPT);
    const r = await runCommand(exportCommand, ['--format', 'csv', '--machine', 'virtio-net', '--script', 'run.qtest', '--filter', 'kind == delivered'], dir);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\r\n');
    expect(rows.slice(1).map((l) => l.split(',')[2])).toEqual(['NotifyDelivered', 'NotifyDelivered']);
    expect(await runCommand(exportCommand, ['--format', 'csv', '--machine', 'virtio-net', '--filter', 'kind =='], dir)).toMatchObject({ code: 'usage', stderr: expect.stringMatching(/^--filter: column \d+: /) });
  });

  it('refuses bad usage and damaged sessions', async () => {
    expect(await runCommand(exportCommand, ['--machine', 'virtio-net'], dir)).toMatchObject({ code: 'usage', stderr: '--format must be one of vcd, perfetto, perfetto-json, csv' });
    expect(await runCommand(exportCommand, ['--format', 'svg', '--machine', 'virtio-net'], dir)).toMatchObject({ stderr: "--format must be one of vcd, perfetto, perfetto-json, csv, not 'svg'" });
    expect(await runCommand(exportCommand, ['--format', 'csv', '--machine', 'virtio-net', '--axis', 'wall'], dir)).toMatchObject({ code: 'usage' });
    expect(await runCommand(exportCommand, ['--format', 'vcd', '--machine', 'virtio-net', '--axis', 'seq'], dir)).toMatchObject({
      code: 'usage',
      stderr: "--axis seq is for perfetto and perfetto-json: a vcd export's time is virtual time, where every event has its own time step",
    });
    expect(await runCommand(exportCommand, ['--format', 'csv', '--session', 'a', '--machine', 'b'], dir)).toMatchObject({ stderr: '--session and --machine exclude each other' });
    expect(await runCommand(exportCommand, ['--format', 'csv'], dir)).toMatchObject({ code: 'usage', stderr: expect.stringMatching(/^export from --session FILE/) });
    writeFileSync(join(dir, 'junk.irqsession'), 'hello');
    expect(await runCommand(exportCommand, ['--format', 'csv', '--session', 'junk.irqsession'], dir)).toEqual({
      code: 1,
      stdout: '',
      stderr: `irqscope export: ${join(dir, 'junk.irqsession')}: not an irqscope session file (no IRQSCOPE signature)\n`,
    });
  });
});
