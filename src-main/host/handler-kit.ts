// What every handler module shares: the refusal type, the handler table's type, and running
// an action under an origin. Its own module so the handler modules and the table that joins
// them depend on it rather than on each other.
import type { Machine } from '../machine/machine';
import type { RequestResult, ValidParams } from '../../src-shared/ipc/contract';
import type { RequestName } from '../../src-shared/ipc/names';
import type { Origin } from '../../src-shared/timeline/event-kinds';

/** A request the machine refuses: `field` is the params field at fault ('' when it is the request as a whole). */
export class RequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export type Handlers = {
  [N in RequestName]: (params: ValidParams<N>) => RequestResult<N>;
};

/** Runs `act` with events attributed to `origin`. */
export function as<T>(machine: Machine, origin: Origin, act: () => T): T {
  const saved = machine.log.currentOrigin;
  machine.log.currentOrigin = origin;
  try {
    return act();
  } finally {
    machine.log.currentOrigin = saved;
  }
}
