import { describe, expect, it } from 'vitest';
import { BAR1, NIC, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';

describe('doctorFindings', () => {
  it('reports what the doctor found in everything logged so far, live, and starts over with a new machine', () => {
    const host = hostWith(TWO_DEVICES);
    const d = host.dispatch;
    expect(value(d('doctorFindings', {})).findings).toEqual([]);
    bringUpNic(host);
    value(d('writeMmio', { address: BAR1 + 0x800, size: 4, value: 1 }));
    value(d('writeConfig', { bdf: NIC, offset: 0x04, size: 2, value: 0x0002 }));
    value(d('fireVector', { bdf: NIC, vector: 0 }));
    const report = value(d('doctorFindings', {}));
    expect(report.findings.map((f) => [f.rule, f.severity, f.device, f.vector])).toEqual([
      ['DR-BUS-MASTER-OFF', 'error', '00:03.0', 0],
      ['DR-PBA-WRITE', 'warning', '00:03.0', null],
    ]);
    expect(report.events).toBe(value(d('status', {})).total);
    value(d('loadMachine', { source: 'preset', preset: 'virtio-net' }));
    expect(value(d('doctorFindings', {})).findings).toEqual([]);
    expect(d('doctorFindings', { extra: 1 } as never).ok).toBe(false);
  });
});
