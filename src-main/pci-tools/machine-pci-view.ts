// The machine seen through the pci-text tools: a setpci accessor over the bus and
// lspci-printable snapshots of its functions.
import type { Machine } from '../machine/machine';
import type { PciFunction } from '../machine/pci/pci-function';
import { formatBdf, parseBdf } from '../machine/pci/pci-bus';
import type { ConfigAccessor } from '../../src-shared/pci-text/setpci';
import type { PrintableDevice } from '../../src-shared/pci-text/lspci-print';

export function configAccessor(machine: Machine): ConfigAccessor {
  return {
    readConfig: (bdf, offset, size) => machine.bus.configRead(bdf, offset, size),
    writeConfig: (bdf, offset, size, value) => machine.bus.configWrite(bdf, offset, size, value),
    listBdfs: () => machine.functions().map((fn) => fn.address),
    writeMasks: (bdf, offset, size) => {
      const config = machine.fn(bdf)?.config;
      const mask = (bytes: Uint8Array | undefined): number => {
        let v = 0;
        for (let i = size - 1; i >= 0; i--) v = v * 256 + (bytes?.[offset + i] ?? 0);
        return v;
      };
      return { writable: mask(config?.writable), w1c: mask(config?.w1c) };
    },
  };
}

/** `withDomain`: lspci prints every address with its domain once any listed function is outside domain 0000 (or with -D). */
export function printableDevice(machine: Machine, fn: PciFunction, withDomain = false): PrintableDevice {
  const described = machine.description.devices.find((d) => parseBdf(d.bdf) === fn.address);
  const declared = (index: number) => described?.bars.find((b) => b.index === index);
  return {
    bdf: formatBdf(fn.address, withDomain),
    config: fn.config.bytes,
    barSizes: fn.bars.map((bar) => (bar === null || declared(bar.index)?.sizeAssumed ? undefined : bar.size)),
    title: described?.title,
    virtualBars: fn.bars.map((bar) => {
      const address = bar === null ? undefined : declared(bar.index)?.virtualAddress;
      return bar === null || address === undefined ? undefined : { address: BigInt(address), flags: bar.typeBits };
    }),
  };
}
