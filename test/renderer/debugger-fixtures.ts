// Debugger state as main reports it: breakpoints, a pause at a VectorUnmasked event of 00:03.0 v0.
import { NIC } from './fixtures';
import type { BreakpointInfo, BreakpointSpec, DebuggerState, PauseReport } from '../../src-shared/debugger/breakpoints';

export const UNMASK_0: BreakpointSpec = { kind: 'unmask', bdf: NIC, vectors: [0], causes: ['vector-bit', 'function-mask', 'enable', 'load'], tracepoint: false };
export const bp = (id: number, spec: BreakpointSpec = UNMASK_0, over: Partial<BreakpointInfo> = {}): BreakpointInfo => ({ id, spec, enabled: true, hits: 0, ...over });

export function pauseAt(seq: number, over: Partial<PauseReport> = {}): PauseReport {
  return {
    reason: 'breakpoint',
    breakpoint: bp(1, UNMASK_0, { hits: 1 }),
    event: {
      seq,
      record: { seq, timeNs: 5000, kind: 'VectorUnmasked', origin: 'user', bdf: '00:03.0', vector: 0, detail: 0, a: 0, b: 0, c: 0, fields: { vector: 0, cause: 0 }, text: 'vector 0 unmasked (vector bit)' },
    },
    vector: { bdf: NIC, vector: 0, masked: false, maskBit: false, pending: false, useCount: 1, delivered: 0, functionMask: false, enabled: true },
    markerSeq: seq + 1,
    ...over,
  };
}

export function state(over: Partial<DebuggerState> = {}): DebuggerState {
  return { breakpoints: [], nextId: 1, mode: 'run', until: null, paused: null, queue: [], ...over };
}

