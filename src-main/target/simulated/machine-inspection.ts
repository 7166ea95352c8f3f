// A simulated Machine seen as a TargetInspection: its functions as DeviceInfo, config
// space images, vector tables and the APIC's counts. Used for the live machine and for
// the history's replica (the machine right after an earlier event) alike.
import type { Machine } from '../../machine/machine';
import type { PciFunction } from '../../machine/pci/pci-function';
import type { MsiEngine } from '../../machine/msi/msi-engine';
import type { MsixEngine } from '../../machine/msix/msix-engine';
import { PciBridge } from '../../machine/pci/pci-bridge';
import { UNMAPPED } from '../../machine/pci/bar';
import { formatBdf } from '../../../src-shared/pci-text/bdf';
import type { ConfigSpaceImage, DeviceInfo, InterruptCounts, SourceInfo } from '../../../src-shared/ipc/contract';
import { deviceStates } from '../../history/device-state';
import { done, refuse, type DeviceStateJson, type Outcome, type TargetInspection, type VectorState } from '../target';

export function requireFunction(machine: Machine, bdf: number): Outcome<PciFunction> {
  const fn = machine.fn(bdf);
  return fn === null ? refuse('bdf', `no device at ${formatBdf(bdf)}`) : done(fn);
}

export function requireMsix(machine: Machine, bdf: number): Outcome<MsixEngine> {
  const fn = requireFunction(machine, bdf);
  if (!fn.ok) return fn;
  return fn.value.msix === null ? refuse('bdf', `${formatBdf(bdf)} (${fn.value.name}) has no MSI-X capability`) : done(fn.value.msix);
}

export function describeFunction(fn: PciFunction): DeviceInfo {
  const m = fn.msix;
  const msi = fn.msi;
  return {
    ...(msi === null ? {} : { msi: { vectors: msi.vectorsCapable, capOffset: msi.capOffset, is64bit: msi.is64bit, perVectorMask: msi.perVectorMask } }),
    ...(fn instanceof PciBridge ? { bridge: { secondary: fn.secondaryBus, subordinate: fn.subordinateBus } } : {}),
    bdf: fn.bdf,
    address: formatBdf(fn.bdf),
    name: fn.name,
    vendor: fn.config.read(0x00, 2),
    device: fn.config.read(0x02, 2),
    classCode: fn.config.read(0x08, 4) >>> 8,
    configSize: fn.config.size,
    bars: fn.bars
      .filter((b) => b !== null)
      .map((b) => ({ index: b.index, type: b.type, size: b.size, prefetchable: b.prefetchable, mappedAt: b.mappedAt === UNMAPPED ? null : b.mappedAt })),
    msix:
      m === null
        ? null
        : {
            vectors: m.vectors,
            capOffset: m.capabilityOffset,
            tableBar: m.layout.tableBar,
            tableOffset: m.layout.tableOffset,
            pbaBar: m.layout.pbaBar,
            pbaOffset: m.layout.pbaOffset,
          },
  };
}

export function sourcesOf(machine: Machine, bdf?: number): SourceInfo[] {
  return machine
    .listSources()
    .filter((s) => bdf === undefined || s.bdf === bdf)
    .map((s) => ({ bdf: s.bdf, vector: s.vector, ratePerSecond: s.ratePerSecond }));
}

function address(bar: { mappedAt: number } | null | undefined, offset: number): number | null {
  return bar === null || bar === undefined || bar.mappedAt === UNMAPPED ? null : bar.mappedAt + offset;
}

function msixState(machine: Machine, fn: PciFunction, msix: MsixEngine): VectorState {
  const n = msix.vectors;
  const now = Array.from({ length: n }, (_, v) => ({
    enabled: msix.enabled,
    functionMask: msix.functionMaskBit,
    vectorBit: msix.maskBit(v),
    pending: msix.isPending(v),
    useCount: msix.useCount[v]!,
  }));
  return {
    bdf: fn.bdf,
    vectors: n,
    enabled: msix.enabled,
    functionMask: msix.functionMaskBit,
    functionMasked: msix.functionMasked,
    table: Array.from(msix.table),
    pba: Array.from(msix.pba),
    useCount: Array.from(msix.useCount),
    delivered: Array.from(msix.delivered),
    sources: sourcesOf(machine, fn.bdf),
    tableAddress: address(fn.bars[msix.layout.tableBar], msix.layout.tableOffset),
    pbaAddress: address(fn.bars[msix.layout.pbaBar], msix.layout.pbaOffset),
    now,
  };
}

/** Plain MSI in the vector view's shape: one entry per vector the capability has, address and data as MG1 builds them. */
function msiState(machine: Machine, fn: PciFunction, msi: MsiEngine): VectorState {
  const n = msi.vectorsCapable;
  const table: number[] = [];
  for (let v = 0; v < n; v++) table.push(msi.addressLo, msi.addressHi, msi.dataFor(v), msi.isMasked(v) ? 1 : 0);
  const useCount = Array.from({ length: n }, (_, v) => (v < msi.vectorsEnabled ? 1 : 0));
  return {
    bdf: fn.bdf,
    kind: 'msi',
    vectors: n,
    enabled: msi.enabled,
    functionMask: false,
    functionMasked: !msi.enabled,
    table,
    pba: [msi.pendingBits],
    useCount,
    delivered: Array.from(msi.delivered.subarray(0, n)),
    sources: sourcesOf(machine, fn.bdf),
    tableAddress: null,
    pbaAddress: null,
    now: useCount.map((use, v) => ({ enabled: msi.enabled, functionMask: false, vectorBit: msi.isMasked(v), pending: msi.isPending(v), useCount: use })),
  };
}

export class MachineInspection implements TargetInspection {
  constructor(protected readonly machine: Machine) {}

  get timeNs(): number {
    return this.machine.clock.now;
  }

  devices(): DeviceInfo[] {
    // The contract names a function by bus/dev.fn: the app sees domain 0000 (README, The platform against QEMU q35).
    return this.machine.functions().filter((fn) => fn.domain === 0).map(describeFunction);
  }

  functionCount(): number {
    return this.machine.functions().length;
  }

  hasDevice(bdf: number): boolean {
    return this.machine.fn(bdf) !== null;
  }

  configSpace(bdf: number): Outcome<ConfigSpaceImage> {
    const fn = requireFunction(this.machine, bdf);
    if (!fn.ok) return fn;
    const config = fn.value.config;
    return done({ bdf, bytes: Array.from(config.bytes), writable: Array.from(config.writable), w1c: Array.from(config.w1c) });
  }

  vectors(bdf: number): Outcome<VectorState> {
    const found = requireFunction(this.machine, bdf);
    if (!found.ok) return found;
    const fn = found.value;
    if (fn.msix === null && fn.msi !== null) return done(msiState(this.machine, fn, fn.msi));
    const msix = requireMsix(this.machine, bdf);
    return msix.ok ? done(msixState(this.machine, fn, msix.value)) : msix;
  }

  interruptCounts(): InterruptCounts {
    return { cpus: this.machine.apic.cpus, rows: this.machine.apic.countRows() };
  }

  deviceStates(bdf?: number): DeviceStateJson[] {
    return deviceStates(this.machine, bdf);
  }
}
