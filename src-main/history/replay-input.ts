// Re-drives a machine with the input that caused one event of a run. Events that
// start an operation (a config write, a table access, a device-side notify, a use
// count change, a reset) name their input completely; everything they set off
// (mask updates, deliveries, BAR mappings, pending clears) the machine's own code
// produces again, and the caller checks that it matches the run event for event.
// Events that change no state (refused and unclaimed accesses, breakpoints, saves)
// are copied into the log as they are.
import type { Machine } from '../machine/machine';
import type { EventLog } from '../machine/event-log';
import { DropReason, INTX_HELD, PENDED_BY_LOAD, ResetScope } from '../../src-shared/timeline/event-kinds';
import { EventKind, eventField as F } from '../../src-shared/timeline/event-schema';

export type ReplayResult = { ok: true } | { ok: false; error: string };

/** Runs the input behind event `seq` of `run` on `machine`, whose log is caught up to `seq`. */
export function replayInput(machine: Machine, run: EventLog, seq: number): ReplayResult {
  const i = run.indexOf(seq);
  const kind = run.kind[i]!;
  const bdf = run.bdf[i]!;
  const vector = run.vector[i]!;
  machine.clock.now = run.time[i]!;
  machine.log.currentOrigin = run.origin[i]! as typeof machine.log.currentOrigin;
  const fn = machine.fn(bdf);
  const msix = fn?.msix ?? null;
  const need = <T>(x: T | null, what: string): T => {
    if (x === null) throw new ReplayError(`event #${seq} names ${what} the machine does not have`);
    return x;
  };
  try {
    switch (kind) {
      case EventKind.ConfigWrite:
        machine.bus.configWrite(bdf, F.ConfigWrite.offset(run, i), F.ConfigWrite.size(run, i), F.ConfigWrite.value(run, i));
        break;
      case EventKind.TableWrite:
        need(msix, 'an MSI-X table').tableWrite(F.TableWrite.offset(run, i), 4, F.TableWrite.value(run, i), F.TableWrite.access(run, i));
        break;
      case EventKind.TableRead:
        need(msix, 'an MSI-X table').tableRead(F.TableRead.offset(run, i), 4, F.TableRead.access(run, i));
        break;
      case EventKind.PbaRead:
        need(msix, 'an MSI-X PBA').pbaRead(F.PbaRead.offset(run, i), 4, F.PbaRead.access(run, i));
        break;
      case EventKind.PbaWrite:
        need(msix, 'an MSI-X PBA').pbaWrite(F.PbaWrite.offset(run, i), 4, F.PbaWrite.value(run, i), F.PbaWrite.access(run, i));
        break;
      case EventKind.NotifyDropped:
        if (F.NotifyDropped.reason(run, i) === DropReason.IntxDisabled) need(fn, 'a device').raise(vector);
        else need(msix, 'MSI-X').notify(vector);
        break;
      case EventKind.NotifyDelivered:
      case EventKind.NotifyToMemory:
      case EventKind.NotifyPended:
        // A pending bit msix_load set is part of the load, not a notify of its own.
        if (kind === EventKind.NotifyPended && F.NotifyPended.pending(run, i) === PENDED_BY_LOAD) break;
        need(msix, 'MSI-X').notify(vector);
        break;
      case EventKind.IntxChanged:
        // A raise held by INTx Disable (D1) is a raise all the same.
        if (F.IntxChanged.level(run, i) !== 1 && F.IntxChanged.held(run, i) !== INTX_HELD) return copy(machine, run, i);
        need(fn, 'a device').raise(vector);
        break;
      case EventKind.UseCountChanged: {
        const m = need(msix, 'MSI-X');
        if (F.UseCountChanged.count(run, i) > m.useCount[vector]!) m.use(vector);
        else m.unuse(vector);
        break;
      }
      case EventKind.Reset:
        if (F.Reset.scope(run, i) === ResetScope.System) machine.systemReset();
        else if (F.Reset.scope(run, i) === ResetScope.Msix) need(msix, 'MSI-X').reset();
        else need(fn, 'a device').reset();
        break;
      case EventKind.StateLoaded:
        return { ok: false, error: `event #${seq} loads saved MSI-X state (msix_load), which the event stream does not hold: the state after it cannot be rebuilt` };
      default:
        return copy(machine, run, i);
    }
  } catch (err) {
    if (err instanceof ReplayError) return { ok: false, error: err.message };
    throw err;
  }
  return { ok: true };
}

class ReplayError extends Error {}

function copy(machine: Machine, run: EventLog, i: number): ReplayResult {
  machine.log.copy(run, i);
  return { ok: true };
}
