// The debugger's part of the handler table: breakpoints, continue, step and run
// until a vector's next event, over the session's target. Every change is
// announced to all clients (debuggerChanged) so each window shows the same state.
import { RequestError, valueOf, type Handlers, type LiveTarget } from './handler-kit';
import type { BreakpointInfo, Parsed } from '../../src-shared/debugger/breakpoints';
import type { TargetDebugger } from '../target/target';
import { operations } from '../operations/operations';

/** What the debugger's handlers see of the session: the live target, and telling every client of a change. */
export interface DebuggerAccess extends LiveTarget {
  announceDebugger(): void;
}

export type DebuggerRequest =
  | 'debuggerState'
  | 'addBreakpoint'
  | 'replaceBreakpoint'
  | 'removeBreakpoint'
  | 'setBreakpointEnabled'
  | 'pause'
  | 'continue'
  | 'step'
  | 'runUntilVectorEvent'
  | 'cancelRun';

/**
 * The machine checks a spec against its devices and answers `vectors: 5 out of
 * range…`; the reply names that field inside the spec.
 */
function specError(error: string): RequestError {
  const m = /^([a-zA-Z.]+): (.*)$/s.exec(error);
  return m === null ? new RequestError('spec', error) : new RequestError(`spec.${m[1]}`, m[2]!);
}

function noSuchBreakpoint(debug: TargetDebugger, id: number): RequestError {
  const ids = debug.list().map((b) => `#${b.id}`);
  return new RequestError('id', `no breakpoint #${id} (${ids.length === 0 ? 'there are none' : `there are ${ids.join(', ')}`})`);
}

export function debuggerHandlers(session: DebuggerAccess): Pick<Handlers, DebuggerRequest> {
  const debug = () => session.target.debugger;

  const changed = <T>(value: T): T => {
    session.announceDebugger();
    return value;
  };
  const breakpoint = (parsed: Parsed<BreakpointInfo>): BreakpointInfo => {
    if (!parsed.ok) throw specError(parsed.error);
    return changed(parsed.value);
  };

  return {
    debuggerState: () => debug().state(),
    addBreakpoint: ({ spec, enabled }) => {
      const full = debug().noRoom();
      if (full !== null) throw new RequestError('', full);
      return breakpoint(debug().add(spec, enabled ?? true));
    },
    replaceBreakpoint: ({ id, spec }) => {
      if (!debug().list().some((b) => b.id === id)) throw noSuchBreakpoint(debug(), id);
      return breakpoint(debug().replace(id, spec));
    },
    removeBreakpoint: ({ id }) => {
      if (!debug().remove(id)) throw noSuchBreakpoint(debug(), id);
      return changed({ removed: id });
    },
    setBreakpointEnabled: ({ id, enabled }) => {
      const info = debug().setEnabled(id, enabled);
      if (info === null) throw noSuchBreakpoint(debug(), id);
      return changed(info);
    },
    pause: () => {
      valueOf(operations.pause(session.target));
      return changed(debug().state());
    },
    // "The machine is not paused" concerns the request as a whole, so it names no field.
    continue: () => changed(valueOf(operations.continue(session.target))),
    step: () => changed(valueOf(operations.step(session.target))),
    runUntilVectorEvent: ({ target }) => changed(valueOf(operations.runUntil(session.target, target))),
    cancelRun: () => changed({ cancelled: valueOf(operations.cancelRun(session.target)) }),
  };
}
