// A config write to read-only bits says what took effect and what was ignored:
// in setpci's answers (app and qtest), and in the ConfigWrite event itself.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NIC, TWO_DEVICES, hostWith, value } from './fixtures';
import { loadMachineText } from '../../src-main/machine/machine-builder';
import { QtestSession } from '../../src-main/qtest/qtest-session';
import { eventRecord } from '../../src-shared/timeline/event-record';
import { describeWriteEffect, writeEffect } from '../../src-shared/registers/write-effect';
import { runSetpci } from '../../src-shared/pci-text/setpci';
import { configAccessor } from '../../src-main/pci-tools/machine-pci-view';

function qtest(): { q: QtestSession; run: (line: string) => string | null; machine: ReturnType<typeof build> } {
  const machine = build();
  const q = new QtestSession(machine);
  return { q, run: (line) => q.execute(line), machine };
}

function build() {
  const built = loadMachineText(readFileSync(join(__dirname, '../../machines/virtio-net.json'), 'utf8'));
  if (!built.ok) throw new Error(built.errors.join('\n'));
  return built.machine;
}

describe('write effects', () => {
  it('the sentence: read-only register, read-only bits, write-1-to-clear', () => {
    expect(describeWriteEffect(writeEffect(0x1af4, 0x1234, 0x1af4, { writable: 0, w1c: 0 }), 4)).toBe('read-only: wrote 0x1234, it still reads 0x1af4');
    expect(describeWriteEffect(writeEffect(0, 0xffff, 0x0547, { writable: 0x0547, w1c: 0 }), 4)).toBe(
      'wrote 0xffff, took effect as 0x0547: bits 0xfab8 are read-only and kept their value',
    );
    expect(describeWriteEffect(writeEffect(0x0006, 0x0006, 0x0006, { writable: 0x0547, w1c: 0 }), 4)).toBeNull();
    // Writing 1 to a set W1C bit clears it: that took effect, nothing to say.
    expect(describeWriteEffect(writeEffect(0x2000, 0x2000, 0, { writable: 0, w1c: 0xf900 }), 4)).toBeNull();
  });

  it('the ConfigWrite event records the value written and the value that took effect', () => {
    const machine = build();
    machine.bus.configWrite(NIC, 4, 2, 0xffff);
    const log = machine.log;
    const rec = eventRecord(log.slice(log.total - 1, log.total), 0);
    expect(rec).toMatchObject({ kind: 'ConfigWrite', a: 4, b: 0xffff, c: 0x0547 });
    expect(rec.text).toBe('config write [0x4] = 0xffff (2 bytes), took effect as 0x547');
    machine.bus.configWrite(NIC, 4, 2, 0x0006);
    expect(eventRecord(log.slice(log.total - 1, log.total), 0).text).toBe('config write [0x4] = 0x6 (2 bytes)');
  });

  it('qtest setpci answers what was ignored after OK, and fails on a missing device', () => {
    const { run } = qtest();
    expect(run('setpci -s 00:03.0 VENDOR_ID.w=0x1234')).toBe('OK # 00:03.0 VENDOR_ID.w: read-only: wrote 0x1234, it still reads 0x1af4');
    expect(run('setpci -s 00:03.0 COMMAND=ffff')).toBe('OK # 00:03.0 COMMAND: wrote 0xffff, took effect as 0x0547: bits 0xfab8 are read-only and kept their value');
    expect(run('setpci -s 00:03.0 COMMAND=0x6')).toBe('OK');
    expect(run('setpci -s 00:07.0 COMMAND')).toBe('FAIL setpci: No devices selected for operation group 1: no device matches (devices: 00:00.0, 00:03.0)');
  });

  it('the app: setpci notes in the reply; a missing device is an error (exit 1), not a warning', () => {
    const host = hostWith(TWO_DEVICES);
    expect(value(host.dispatch('setpci', { line: 'VENDOR_ID.w=0x1234', bdf: NIC }))).toMatchObject({
      exitCode: 0,
      notes: ['00:03.0 VENDOR_ID.w: read-only: wrote 0x1234, it still reads 0x1af4'],
    });
    const missing = value(host.dispatch('setpci', { line: '-s 00:07.0 COMMAND=6' }));
    expect(missing.exitCode).toBe(1);
    expect(missing.errors[0]).toMatch(/^setpci: No devices selected for operation group 1: no device matches/);
  });

  it('the setpci CLI keeps pciutils’ behaviour: a warning, exit 0, no notes on stderr', () => {
    const r = runSetpci(['-s', '00:07.0', 'COMMAND'], configAccessor(build()));
    expect(r).toMatchObject({ exitCode: 0, errors: ['setpci: Warning: No devices selected for operation group 1.'] });
  });
});
