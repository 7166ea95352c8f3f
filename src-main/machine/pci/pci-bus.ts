// One PCI bus: 32 devices x 8 functions, and the bridges on it that lead to buses
// further down. A root bus has no bridge above it; any other bus takes its number
// from its bridge's Secondary Bus register, so it moves when software renumbers.
import type { PciFunction } from './pci-function';

/** What a bus needs of the bridge above it or on it (pci-bridge.ts implements it). */
export interface BusBridge extends PciFunction {
  readonly secondary: PciBus;
  readonly secondaryBus: number;
  leadsTo(bus: number): boolean;
}

import { formatBdf } from '../../../src-shared/pci-text/bdf';

export { formatBdf, parseBdf } from '../../../src-shared/pci-text/bdf';

export class PciBus {
  /** Indexed by devfn (device << 3 | function). */
  readonly functions: (PciFunction | null)[] = new Array<PciFunction | null>(256).fill(null);
  /** Bridges on this bus, in devfn order. */
  readonly bridges: BusBridge[] = [];

  constructor(
    /** The bridge this bus sits behind; null for a root bus. */
    readonly bridge: BusBridge | null,
    /** A root bus's fixed number. */
    private readonly rootNumber = 0,
  ) {}

  get number(): number {
    return this.bridge === null ? this.rootNumber : this.bridge.secondaryBus;
  }

  /** Places `fn` at its devfn; `bridge` when it is one, so config cycles can pass through it. */
  attach(fn: PciFunction, bridge: BusBridge | null): void {
    const devfn = fn.bdf & 0xff;
    if (this.functions[devfn] !== null) throw new RangeError(`${formatBdf(fn.address)} is taken`);
    this.functions[devfn] = fn;
    fn.upstream = this.bridge;
    if (bridge !== null) {
      this.bridges.push(bridge);
      this.bridges.sort((a, b) => (a.bdf & 0xff) - (b.bdf & 0xff));
    }
  }
}
