// The handler table: one function per contract request, over the session's
// Machine. Params arrive already shape-checked by zod (dispatch.ts); what only the
// machine can judge (no such device, past the end of config space) is checked
// here before anything is touched, and reported as a RequestError naming the field.
import { sourceVectorError, type Machine } from '../machine/machine';
import type { PciFunction } from '../machine/pci/pci-function';
import type { MsixEngine } from '../machine/msix/msix-engine';
import type { MsiEngine } from '../machine/msi/msi-engine';
import { loadMachineText } from '../machine/machine-builder';
import { formatBdf } from '../machine/pci/pci-bus';
import { PciBridge } from '../machine/pci/pci-bridge';
import { UNMAPPED } from '../machine/pci/bar';
import { AccessStatus, type AddressSpace } from '../machine/address-space';
import { RequestError, as, type Handlers } from './handler-kit';
import type { MachineSession } from './machine-session';
import type { PresetLibrary } from './presets';
import { createPciTextHandlers } from './pci-text-handlers';
import { debuggerHandlers } from './debugger-handlers';
import { sessionHandlers } from './session-handlers';
import { timelineHandlers } from './timeline-handlers';
import { comparisonHandlers } from './comparison-handlers';
import type { AccessResult, DeviceInfo, RequestResult, VectorSnapshot } from '../../src-shared/ipc/contract';
import { Origin } from '../../src-shared/timeline/event-kinds';
import { vectorWhy } from '../../src-shared/doctor/vector-why';

export interface HostContext {
  session: MachineSession;
  presets: PresetLibrary;
}

const hex = (n: number): string => `0x${n.toString(16)}`;
/** Slower, and the period (ns) passes 2^53: its due time is no longer exact, then no longer finite, and a session cannot save it. */
const STATUS_NAMES = { [AccessStatus.Ok]: 'ok', [AccessStatus.Refused]: 'refused', [AccessStatus.Unclaimed]: 'unclaimed' } as const;

function requireFunction(machine: Machine, bdf: number): PciFunction {
  const fn = machine.fn(bdf);
  if (fn === null) throw new RequestError('bdf', `no device at ${formatBdf(bdf)}`);
  return fn;
}

function requireMsix(machine: Machine, bdf: number): { fn: PciFunction; msix: MsixEngine } {
  const fn = requireFunction(machine, bdf);
  if (fn.msix === null) throw new RequestError('bdf', `${formatBdf(bdf)} (${fn.name}) has no MSI-X capability`);
  return { fn, msix: fn.msix };
}

function checkConfigAccess(fn: PciFunction, offset: number, size: number): void {
  const space = fn.config.size;
  if (offset + size > space) {
    throw new RequestError('offset', `${hex(offset)}+${size} is past the end of the ${space}-byte config space of ${formatBdf(fn.bdf)}`);
  }
  if (offset % size !== 0) throw new RequestError('offset', `${hex(offset)} is not aligned to the access size ${size}`);
}

function checkFits(value: number, size: number): void {
  if (size < 4 && value >= 2 ** (8 * size)) throw new RequestError('value', `${hex(value)} does not fit in ${size} byte${size === 1 ? '' : 's'}`);
}

function address(bar: { mappedAt: number }, offset: number): number | null {
  return bar.mappedAt === UNMAPPED ? null : bar.mappedAt + offset;
}

function describe(fn: PciFunction): DeviceInfo {
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

function access(space: AddressSpace, value: number): AccessResult {
  return { value: value >>> 0, high: space.readHigh >>> 0, status: STATUS_NAMES[space.lastStatus] };
}

export function createHandlers({ session, presets }: HostContext): Handlers {
  const m = (): Machine => session.machine;

  const load = (text: string, name: string, preset: string | null, field: string): RequestResult<'loadMachine'> => {
    const built = loadMachineText(text);
    if (!built.ok) throw new RequestError(field, built.errors.join('; '));
    session.replace({ machine: built.machine, name: built.machine.description.name ?? name, preset });
    return session.status();
  };

  return {
    status: () => session.status(),
    interruptCounts: () => ({ cpus: session.shown.apic.cpus, rows: session.shown.apic.countRows() }),
    listPresets: () => presets.list(),
    loadMachine: (p) => {
      if (p.source === 'text') return load(p.text, p.fileName ?? 'machine', null, 'text');
      const text = presets.read(p.preset);
      if (text === undefined) {
        const known = presets.list().map((x) => x.name);
        throw new RequestError('preset', `no preset named '${p.preset}' (presets: ${known.join(', ')})`);
      }
      return load(text, p.preset, p.preset, 'preset');
    },
    resetMachine: () => {
      as(m(), Origin.User, () => m().systemReset());
      return session.status();
    },
    // The contract names a function by bus/dev.fn: the app sees domain 0000 (README, The platform against QEMU q35).
    listDevices: () => session.shown.functions().filter((fn) => fn.domain === 0).map(describe),
    readConfigSpace: ({ bdf }) => {
      const fn = requireFunction(session.shown, bdf);
      return { bdf, bytes: Array.from(fn.config.bytes), writable: Array.from(fn.config.writable), w1c: Array.from(fn.config.w1c) };
    },
    readConfig: ({ bdf, offset, size }) => {
      const fn = requireFunction(m(), bdf);
      checkConfigAccess(fn, offset, size);
      return { value: as(m(), Origin.User, () => m().bus.configRead(bdf, offset, size)) };
    },
    writeConfig: ({ bdf, offset, size, value }) => {
      const fn = requireFunction(m(), bdf);
      checkConfigAccess(fn, offset, size);
      checkFits(value, size);
      as(m(), Origin.User, () => m().bus.configWrite(bdf, offset, size, value));
      return { value: fn.config.read(offset, size) };
    },
    readMmio: ({ address: addr, size }) => {
      const value = as(m(), Origin.User, () => m().memory.read(addr, size));
      return access(m().memory, value);
    },
    writeMmio: ({ address: addr, size, value, high }) => {
      if (high !== undefined && size !== 8) throw new RequestError('high', `only an 8-byte write has high bytes (size is ${size})`);
      checkFits(value, size);
      as(m(), Origin.User, () => m().memory.write(addr, size, value, high ?? 0));
      return { ...access(m().memory, 0), high: 0 };
    },
    readPort: ({ port, size }) => {
      if (port + size > 0x10000) throw new RequestError('port', `${hex(port)}+${size} runs past the end of I/O space`);
      const value = as(m(), Origin.User, () => m().io.read(port, size));
      return access(m().io, value);
    },
    writePort: ({ port, size, value }) => {
      if (port + size > 0x10000) throw new RequestError('port', `${hex(port)}+${size} runs past the end of I/O space`);
      checkFits(value, size);
      as(m(), Origin.User, () => m().io.write(port, size, value));
      return { ...access(m().io, 0), high: 0 };
    },
    vectorSnapshot: ({ bdf }) => snapshot(session, bdf),
    fireVector: ({ bdf, vector }) => {
      requireFunction(m(), bdf);
      const before = m().log.total;
      // Through the debugger: while the machine is paused, device-side work waits for continue or step.
      const outcome = m().debugger.perform({ kind: 'raise', bdf, vector });
      // The device is there (checked above): what is left to refuse is a full queue, not a field.
      if (!outcome.ok) throw new RequestError('', outcome.error);
      return { events: m().log.total - before, queued: outcome.status === 'done' ? null : outcome.position };
    },
    useVector: ({ bdf, vector }) => {
      const { msix } = requireMsix(m(), bdf);
      const used = as(m(), Origin.User, () => msix.use(vector));
      if (!used.ok) throw new RequestError('vector', used.error);
      return { useCount: msix.useCount[vector]! };
    },
    unuseVector: ({ bdf, vector }) => {
      const { msix } = requireMsix(m(), bdf);
      if (vector >= msix.vectors) throw new RequestError('vector', `vector ${vector} out of range 0..${msix.vectors - 1}`);
      as(m(), Origin.User, () => msix.unuse(vector));
      return { useCount: msix.useCount[vector]! };
    },
    startSource: ({ bdf, vector, ratePerSecond }) => {
      const fn = requireFunction(m(), bdf);
      const problem = sourceVectorError(fn, vector);
      if (problem !== null) throw new RequestError('vector', problem);
      const source = m().startSource(fn, vector, ratePerSecond);
      return { bdf, vector, ratePerSecond: source.ratePerSecond };
    },
    stopSource: ({ bdf, vector }) => {
      requireFunction(m(), bdf);
      return { stopped: m().stopSource(bdf, vector) };
    },
    qtest: ({ line }) => ({ reply: session.qtest(line) }),
    doctorFindings: () => session.doctorReport(),
    viewAt: ({ seq }) => {
      const viewed = session.viewAt(seq);
      if (!viewed.ok) throw new RequestError('seq', viewed.error);
      return { seq };
    },
    ...createPciTextHandlers(session),
    ...debuggerHandlers(session),
    ...sessionHandlers(session),
    ...timelineHandlers(session),
    ...comparisonHandlers(session),
  };
}

/** Plain MSI in the vector view's shape: one entry per vector the capability has, address and data as MG1 builds them. */
function msiSnapshot(session: MachineSession, fn: PciFunction, msi: MsiEngine): VectorSnapshot {
  const n = msi.vectorsCapable;
  const table: number[] = [];
  for (let v = 0; v < n; v++) table.push(msi.addressLo, msi.addressHi, msi.dataFor(v), msi.isMasked(v) ? 1 : 0);
  const useCount = Array.from({ length: n }, (_, v) => (v < msi.vectorsEnabled ? 1 : 0));
  const track = session.deviceTrack(fn.bdf);
  const why = useCount.map((use, v) =>
    vectorWhy({ enabled: msi.enabled, functionMask: false, vectorBit: msi.isMasked(v), pending: msi.isPending(v), useCount: use }, track?.vectors.get(v)),
  );
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
    lastEventTime: Array.from(session.vectorLastEventTimes(fn.bdf, n).subarray(0, n)),
    sources: sourcesOf(session.machine, fn.bdf),
    tableAddress: null,
    pbaAddress: null,
    why,
    dropped: track?.droppedTotal ?? 0,
  };
}

function sourcesOf(machine: Machine, bdf: number): VectorSnapshot['sources'] {
  return machine
    .listSources()
    .filter((s) => s.bdf === bdf)
    .map((s) => ({ bdf: s.bdf, vector: s.vector, ratePerSecond: s.ratePerSecond }));
}

function snapshot(session: MachineSession, bdf: number): VectorSnapshot {
  const machine = session.shown;
  const found = requireFunction(machine, bdf);
  if (found.msix === null && found.msi !== null) return msiSnapshot(session, found, found.msi);
  const { fn, msix } = requireMsix(machine, bdf);
  const n = msix.vectors;
  const tableBar = fn.bars[msix.layout.tableBar];
  const pbaBar = fn.bars[msix.layout.pbaBar];
  const track = session.deviceTrack(bdf);
  const why = Array.from({ length: n }, (_, v) =>
    vectorWhy(
      { enabled: msix.enabled, functionMask: msix.functionMaskBit, vectorBit: msix.maskBit(v), pending: msix.isPending(v), useCount: msix.useCount[v]! },
      track?.vectors.get(v),
    ),
  );
  return {
    bdf,
    vectors: n,
    enabled: msix.enabled,
    functionMask: msix.functionMaskBit,
    functionMasked: msix.functionMasked,
    table: Array.from(msix.table),
    pba: Array.from(msix.pba),
    useCount: Array.from(msix.useCount),
    delivered: Array.from(msix.delivered),
    lastEventTime: Array.from(session.vectorLastEventTimes(bdf, n).subarray(0, n)),
    sources: sourcesOf(machine, bdf),
    tableAddress: tableBar ? address(tableBar, msix.layout.tableOffset) : null,
    pbaAddress: pbaBar ? address(pbaBar, msix.layout.pbaOffset) : null,
    why,
    dropped: track?.droppedTotal ?? 0,
  };
}
