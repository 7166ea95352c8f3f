// The operations layer: every operation a user can ask of a target, declared once,
// with a typed outcome. The IPC handlers, the qtest session and the CLI all call
// these, so a rule (a device-side action waits in the debugger's queue while paused;
// a rate is bounded; a vector must exist) holds the same way on every path.
//
// Each surface reads its own syntax — zod schemas for IPC payloads (the contract's
// params, which name the operation's inputs), qtest's number rules for a line — and
// then hands a typed input here; what only the target can judge (no such device,
// a vector it lacks, a full queue) is judged once, by the operation and the target.
// qtest's continue, step and until are the one exception: they call the machine's
// debugger itself, to run in slices of firings that the line pump drives (an Underway,
// so a long run answers Ctrl+C and shows progress), which a Target's debugger does not
// offer; the debugger is where their rules live on every path.
import type { SourceInfo } from '../../src-shared/ipc/contract';
import type { ResumeResult, VectorRef } from '../../src-shared/debugger/breakpoints';
import { done, refuse, type ActionDone, type Outcome, type Target } from '../target/target';
import { sourceRateProblem } from './limits';

/** What the operations need of a target (the qtest session hands them its machine's adapter, which has no qtest of its own). */
export type OperationTarget = Pick<Target, 'act' | 'useCount' | 'startSource' | 'stopSource' | 'reset' | 'debugger'>;

export interface VectorInput {
  bdf: number;
  vector: number;
}

export interface SourceInput extends VectorInput {
  ratePerSecond: number;
}

/** A use or unuse: the use count it left (null while it waits in the queue) and its queue place. */
export interface UseDone extends ActionDone {
  useCount: number | null;
}

function used(target: OperationTarget, input: VectorInput, outcome: Outcome<ActionDone>): Outcome<UseDone> {
  if (!outcome.ok) return outcome;
  return done({ ...outcome.value, useCount: outcome.value.queued === null ? target.useCount(input.bdf, input.vector) : null });
}

function resumed(result: ResumeResult, field = ''): Outcome<{ paused: boolean; ran: number }> {
  return result.ok ? done({ paused: result.paused, ran: result.ran }) : refuse(field, result.error);
}

export const operations = {
  /** D1: the device model raises cause `vector` (MSI-X, MSI or INTx, whichever is on). */
  fire: (target: OperationTarget, { bdf, vector }: VectorInput): Outcome<ActionDone> => target.act({ kind: 'raise', bdf, vector }),
  /** The reference's msix_notify. */
  notify: (target: OperationTarget, { bdf, vector }: VectorInput): Outcome<ActionDone> => target.act({ kind: 'notify', bdf, vector }),
  /** Plain MSI's msi_notify. */
  msiNotify: (target: OperationTarget, { bdf, vector }: VectorInput): Outcome<ActionDone> => target.act({ kind: 'msiNotify', bdf, vector }),
  /** msix_vector_use (V1): device-side, so it waits while paused, as fire does. */
  use: (target: OperationTarget, input: VectorInput): Outcome<UseDone> => used(target, input, target.act({ kind: 'use', ...input })),
  /** msix_vector_unuse (V2). */
  unuse: (target: OperationTarget, input: VectorInput): Outcome<UseDone> => used(target, input, target.act({ kind: 'unuse', ...input })),
  /** A periodic source. Each surface bounds the rate lower for itself (limits.ts); none passes the machine's own bound. */
  startSource: (target: OperationTarget, { bdf, vector, ratePerSecond }: SourceInput): Outcome<SourceInfo> => {
    const problem = sourceRateProblem(ratePerSecond);
    if (problem !== null) return refuse('ratePerSecond', `${problem}, got ${ratePerSecond}`);
    return target.startSource(bdf, vector, ratePerSecond);
  },
  stopSource: (target: OperationTarget, { bdf, vector }: VectorInput): Outcome<boolean> => target.stopSource(bdf, vector),
  /** QEMU's system_reset. */
  reset: (target: OperationTarget): Outcome<null> => target.reset(),
  pause: (target: OperationTarget): Outcome<null> => {
    const paused = target.debugger.pauseNow();
    return paused.ok ? done(null) : refuse('', paused.error);
  },
  continue: (target: OperationTarget) => resumed(target.debugger.continue()),
  step: (target: OperationTarget) => resumed(target.debugger.step()),
  /** Up to the next event of `vector` (by default the vector paused at). */
  runUntil: (target: OperationTarget, vector?: VectorRef) => resumed(target.debugger.runUntilVectorEvent(vector), vector === undefined || !target.debugger.paused ? '' : 'target'),
  cancelRun: (target: OperationTarget): Outcome<'step' | 'until-vector'> => {
    const r = target.debugger.cancelRun();
    return r.ok ? done(r.value) : refuse('', r.error);
  },
} as const;

export type OperationName = keyof typeof operations;
