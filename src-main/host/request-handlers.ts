// The handler table: one function per contract request, over the session's Target.
// Params arrive already shape-checked by zod (dispatch.ts); what only the target can
// judge (no such device, past the end of config space) it answers as a refusal naming
// the field, which becomes the request's error. Device-side work goes through the
// operations layer, the same as qtest's commands.
import { RequestError, valueOf, type Handlers, type LiveTarget, type TargetSwap } from './handler-kit';
import type { MachineSession } from './machine-session';
import type { PresetLibrary } from './presets';
import { createPciTextHandlers } from './pci-text-handlers';
import { debuggerHandlers } from './debugger-handlers';
import { sessionHandlers } from './session-handlers';
import { timelineHandlers } from './timeline-handlers';
import { qemuHandlers, type QemuAttacher } from './qemu-handlers';
import { operations, type UseDone } from '../operations/operations';
import { openMachineText } from '../target/simulated/open-simulated';
import type { RequestResult, UseResult, VectorSnapshot } from '../../src-shared/ipc/contract';
import { comparisonHandlers } from './comparison-handlers';
import { vectorWhy } from '../../src-shared/doctor/vector-why';
import type { TargetInspection } from '../target/target';
import type { DeviceTrack } from '../../src-shared/doctor/device-track';

export interface HostContext {
  session: MachineSession;
  presets: PresetLibrary;
  attach?: QemuAttacher;
}

/** What the vector view adds to a target's vector state: the session's history of each vector. */
interface VectorHistory {
  readonly shown: TargetInspection;
  deviceTrack(bdf: number): DeviceTrack | undefined;
  vectorLastEventTimes(bdf: number, vectors: number): Float64Array;
}

function snapshot(view: VectorHistory, bdf: number): VectorSnapshot {
  const { now, ...state } = valueOf(view.shown.vectors(bdf));
  const n = state.vectors;
  const track = view.deviceTrack(bdf);
  return {
    ...state,
    lastEventTime: Array.from(view.vectorLastEventTimes(bdf, n).subarray(0, n)),
    why: now.map((v, i) => vectorWhy(v, track?.vectors.get(i))),
    dropped: track?.droppedTotal ?? 0,
  };
}

/** Loading a machine file or preset: the running target stays until the new one has built. */
function loader(swap: TargetSwap) {
  return (text: string, name: string, preset: string | null, field: string): RequestResult<'loadMachine'> => {
    const built = openMachineText(text);
    if (!built.ok) throw new RequestError(field, built.errors.join('; '));
    swap.replace({ target: built.target, name: built.target.name ?? name, preset });
    return swap.status();
  };
}

type TargetRequest = 'readConfig' | 'writeConfig' | 'readMmio' | 'writeMmio' | 'readPort' | 'writePort' | 'fireVector' | 'useVector' | 'unuseVector' | 'startSource' | 'stopSource';

function targetHandlers(live: LiveTarget): Pick<Handlers, TargetRequest> {
  const t = () => live.target;
  return {
    readConfig: ({ bdf, offset, size }) => ({ value: valueOf(t().readConfig(bdf, offset, size)) }),
    writeConfig: ({ bdf, offset, size, value }) => ({ value: valueOf(t().writeConfig(bdf, offset, size, value)) }),
    readMmio: ({ address, size }) => valueOf(t().readMemory(address, size)),
    writeMmio: ({ address, size, value, high }) => {
      if (high !== undefined && size !== 8) throw new RequestError('high', `only an 8-byte write has high bytes (size is ${size})`);
      return valueOf(t().writeMemory(address, size, value, high ?? 0));
    },
    readPort: ({ port, size }) => valueOf(t().readPort(port, size)),
    writePort: ({ port, size, value }) => valueOf(t().writePort(port, size, value)),
    fireVector: (p) => valueOf(operations.fire(t(), p)),
    useVector: (p) => useReply(valueOf(t().asUser(() => operations.use(t(), p)))),
    unuseVector: (p) => useReply(valueOf(t().asUser(() => operations.unuse(t(), p)))),
    startSource: (p) => valueOf(operations.startSource(t(), p)),
    stopSource: (p) => ({ stopped: valueOf(operations.stopSource(t(), p)) }),
  };
}

/** A use that waits in the queue has no count yet: it says where it waits instead. */
function useReply(done: UseDone): UseResult {
  return done.queued === null ? { useCount: done.useCount ?? 0 } : { useCount: null, queued: done.queued };
}

export function createHandlers({ session, presets, attach }: HostContext): Handlers {
  const load = loader(session);
  return {
    status: () => session.status(),
    interruptCounts: () => session.shown.interruptCounts(),
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
      valueOf(session.target.asUser(() => operations.reset(session.target)));
      return session.status();
    },
    listDevices: () => session.shown.devices(),
    readConfigSpace: ({ bdf }) => valueOf(session.shown.configSpace(bdf)),
    vectorSnapshot: ({ bdf }) => snapshot(session, bdf),
    qtest: ({ line }) => {
      const reply = session.qtest(line);
      return reply instanceof Promise ? reply.then((r) => ({ reply: r })) : { reply };
    },
    doctorFindings: () => session.doctorReport(),
    viewAt: ({ seq }) => {
      const viewed = session.viewAt(seq);
      if (!viewed.ok) throw new RequestError('seq', viewed.error);
      return { seq };
    },
    ...targetHandlers(session),
    ...createPciTextHandlers(session),
    ...debuggerHandlers(session),
    ...sessionHandlers(session),
    ...timelineHandlers(session),
    ...qemuHandlers(session, attach),
    ...comparisonHandlers(session),
  };
}
