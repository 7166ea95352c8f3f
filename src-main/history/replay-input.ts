// Re-drives a machine with the input that caused one event of a run. Events that
// start an operation (a config write, a table access, a device-side notify, a use
// count change, a reset) name their input completely; everything they set off
// (mask updates, deliveries, BAR mappings, pending clears) the machine's own code
// produces again, and the caller checks that it matches the run event for event.
// Events that change no state (refused and unclaimed accesses, breakpoints, saves)
// are copied into the log as they are.
import type { Machine } from '../machine/machine';
import type { EventLog } from '../machine/event-log';
import { DropReason, INTX_HELD, PENDED_BY_LOAD } from '../../src-shared/timeline/event-kinds';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { RESET_MSIX } from '../machine/pci/interrupt-events';

const RESET_SYSTEM = 1;

export type ReplayResult = { ok: true } | { ok: false; error: string };

/** Runs the input behind event `seq` of `run` on `machine`, whose log is caught up to `seq`. */
export function replayInput(machine: Machine, run: EventLog, seq: number): ReplayResult {
  const i = run.indexOf(seq);
  const kind = run.kind[i]!;
  const detail = run.detail[i]!;
  const bdf = run.bdf[i]!;
  const vector = run.vector[i]!;
  const a = run.a[i]!;
  const b = run.b[i]!;
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
        machine.bus.configWrite(bdf, a, detail, b);
        break;
      case EventKind.TableWrite:
        need(msix, 'an MSI-X table').tableWrite(a, 4, b, detail);
        break;
      case EventKind.TableRead:
        need(msix, 'an MSI-X table').tableRead(a, 4, detail);
        break;
      case EventKind.PbaRead:
        need(msix, 'an MSI-X PBA').pbaRead(a, 4, detail);
        break;
      case EventKind.PbaWrite:
        need(msix, 'an MSI-X PBA').pbaWrite(a, 4, b, detail);
        break;
      case EventKind.NotifyDropped:
        if (detail === DropReason.IntxDisabled) need(fn, 'a device').raise(vector);
        else need(msix, 'MSI-X').notify(vector);
        break;
      case EventKind.NotifyDelivered:
      case EventKind.NotifyToMemory:
      case EventKind.NotifyPended:
        // A pending bit msix_load set is part of the load, not a notify of its own.
        if (kind === EventKind.NotifyPended && detail === PENDED_BY_LOAD) break;
        need(msix, 'MSI-X').notify(vector);
        break;
      case EventKind.IntxChanged:
        // A raise held by INTx Disable (D1) is a raise all the same.
        if (a !== 1 && detail !== INTX_HELD) return copy(machine, run, i);
        need(fn, 'a device').raise(vector);
        break;
      case EventKind.UseCountChanged: {
        const m = need(msix, 'MSI-X');
        if (a > m.useCount[vector]!) m.use(vector);
        else m.unuse(vector);
        break;
      }
      case EventKind.Reset:
        if (detail === RESET_SYSTEM) machine.systemReset();
        else if (detail === RESET_MSIX) need(msix, 'MSI-X').reset();
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
  machine.log.append(run.kind[i]!, run.detail[i]!, run.bdf[i]!, run.vector[i]!, run.a[i]!, run.b[i]!, run.c[i]!);
  return { ok: true };
}
