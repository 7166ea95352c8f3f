// The PCI hierarchy as the device tree draws it: root buses, the slots and
// functions on each bus, and under every bridge the bus it leads to.
import type { DeviceInfo } from '../../src-shared/ipc/contract';

export interface SlotNode {
  device: number;
  functions: FunctionNode[];
}

export interface FunctionNode {
  info: DeviceInfo;
  /** The bus behind a bridge, when something sits on it. */
  secondary: BusNode | null;
}

export interface BusNode {
  number: number;
  slots: SlotNode[];
}

/** Buses no bridge leads to are roots (bus 00, and the extra root buses of imported systems). */
export function busTree(devices: readonly DeviceInfo[]): BusNode[] {
  const byBus = new Map<number, DeviceInfo[]>();
  for (const d of devices) byBus.set(d.bdf >>> 8, [...(byBus.get(d.bdf >>> 8) ?? []), d]);
  const led = new Set(devices.flatMap((d) => (d.bridge && d.bridge.secondary !== d.bdf >>> 8 ? [d.bridge.secondary] : [])));
  const placed = new Set<number>();
  const build = (number: number): BusNode => {
    placed.add(number);
    const bySlot = new Map<number, FunctionNode[]>();
    for (const info of [...(byBus.get(number) ?? [])].sort((a, b) => a.bdf - b.bdf)) {
      const below = info.bridge && byBus.has(info.bridge.secondary) && !placed.has(info.bridge.secondary) ? build(info.bridge.secondary) : null;
      const slot = (info.bdf >>> 3) & 0x1f;
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), { info, secondary: below }]);
    }
    return { number, slots: [...bySlot.entries()].sort((x, y) => x[0] - y[0]).map(([device, functions]) => ({ device, functions })) };
  };
  const roots = [...byBus.keys()].filter((n) => !led.has(n)).sort((a, b) => a - b);
  const trees = roots.map(build);
  // A bus whose bridge is itself unreachable still shows, as a root.
  for (const n of [...byBus.keys()].sort((a, b) => a - b)) if (!placed.has(n)) trees.push(build(n));
  return trees;
}
