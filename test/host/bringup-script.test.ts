// The Script tab's starter script, written from the loaded machine's devices, is a
// working bring-up on every preset: run through qtest, vector 0 pends, then is
// delivered on unmask.
import { describe, expect, it } from 'vitest';
import { hostOn, value } from './fixtures';
import { starterScript } from '../../src-shared/qtest/bringup-script';

describe('the starter script fits the machine', () => {
  for (const preset of ['virtio-net', 'e1000e', 'nvme']) {
    it(`${preset}: every line answers OK, vector 0 pends while masked and is delivered on unmask`, () => {
      const host = hostOn({ source: 'preset', preset });
      const devices = value(host.dispatch('listDevices', {}));
      const script = starterScript(devices);
      const replies = script
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((line) => value(host.dispatch('qtest', { line })).reply);
      expect(replies.every((r) => r !== null && r.startsWith('OK'))).toBe(true);
      const readsOfPba = replies.filter((_, i, all) => i === all.length - 1 || i === all.length - 3);
      expect(readsOfPba).toEqual(['OK 0x0000000000000001', 'OK 0x0000000000000000']);
      const msix = devices.find((d) => d.msix !== null)!;
      expect(value(host.dispatch('vectorSnapshot', { bdf: msix.bdf })).delivered[0]).toBe(1);
      expect(script).toContain(`setpci -s ${msix.address} CAP_MSIX+2.w=0x8000:0xc000`);
    });
  }

  it('a machine without MSI-X, or without devices, gets a script that says so', () => {
    expect(starterScript([])).toBe('# This machine has no PCI devices.\n');
    const plain = { bdf: 0x28, address: '00:05.0', name: 'plain', vendor: 0x8086, device: 0x1234, classCode: 0x010000, configSize: 256 as const, bars: [], msix: null };
    expect(starterScript([plain])).toContain('setpci -s 00:05.0 VENDOR_ID DEVICE_ID COMMAND STATUS');
  });
});
