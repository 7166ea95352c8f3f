// The debugger's part of the handler table: breakpoints, continue, step and run
// until a vector's next event, over the session's machine. Every change is
// announced to all clients (debuggerChanged) so each window shows the same state.
import type { Machine } from '../machine/machine';
import type { MachineSession } from './machine-session';
import { RequestError, type Handlers } from './handler-kit';
import type { ResumeOutcome } from '../../src-shared/ipc/contract';
import type { BreakpointInfo, Parsed, ResumeResult } from '../../src-shared/debugger/breakpoints';

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

function noSuchBreakpoint(machine: Machine, id: number): RequestError {
  const ids = machine.debugger.list().map((b) => `#${b.id}`);
  return new RequestError('id', `no breakpoint #${id} (${ids.length === 0 ? 'there are none' : `there are ${ids.join(', ')}`})`);
}

export function debuggerHandlers(session: MachineSession): Pick<Handlers, DebuggerRequest> {
  const debug = () => session.machine.debugger;

  const changed = <T>(value: T): T => {
    session.announceDebugger();
    return value;
  };
  const breakpoint = (parsed: Parsed<BreakpointInfo>): BreakpointInfo => {
    if (!parsed.ok) throw specError(parsed.error);
    return changed(parsed.value);
  };
  const resumed = (result: ResumeResult, field: string): ResumeOutcome => {
    if (!result.ok) throw new RequestError(field, result.error);
    return changed({ paused: result.paused, ran: result.ran });
  };

  return {
    debuggerState: () => debug().state(),
    addBreakpoint: ({ spec, enabled }) => {
      const full = debug().noRoom();
      if (full !== null) throw new RequestError('', full);
      return breakpoint(debug().add(spec, enabled ?? true));
    },
    replaceBreakpoint: ({ id, spec }) => {
      if (!debug().list().some((b) => b.id === id)) throw noSuchBreakpoint(session.machine, id);
      return breakpoint(debug().replace(id, spec));
    },
    removeBreakpoint: ({ id }) => {
      if (!debug().remove(id)) throw noSuchBreakpoint(session.machine, id);
      return changed({ removed: id });
    },
    setBreakpointEnabled: ({ id, enabled }) => {
      const info = debug().setEnabled(id, enabled);
      if (info === null) throw noSuchBreakpoint(session.machine, id);
      return changed(info);
    },
    pause: () => {
      const paused = debug().pauseNow();
      if (!paused.ok) throw new RequestError('', paused.error);
      return changed(debug().state());
    },
    // "The machine is not paused" concerns the request as a whole, so it names no field.
    continue: () => resumed(debug().continue(), ''),
    step: () => resumed(debug().step(), ''),
    runUntilVectorEvent: ({ target }) => resumed(debug().runUntilVectorEvent(target), target === undefined || !debug().paused ? '' : 'target'),
    cancelRun: () => {
      const result = debug().cancelRun();
      if (!result.ok) throw new RequestError('', result.error);
      return changed({ cancelled: result.value });
    },
  };
}
