// What every handler module shares: the refusal type, the handler table's type, the
// narrow views of the session each group is given, and turning an operation's outcome
// into a reply. Its own module so the handler modules and the table that joins them
// depend on it rather than on each other.
import type { RequestResult, ValidParams, MachineStatus } from '../../src-shared/ipc/contract';
import type { RequestName } from '../../src-shared/ipc/names';
import type { Outcome, Target } from '../target/target';

/** A request the target refuses: `field` is the params field at fault ('' when it is the request as a whole). */
export class RequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A handler answers at once, or later (a Promise) when its target is another process (QEMU). */
export type Handlers = {
  [N in RequestName]: (params: ValidParams<N>) => RequestResult<N> | Promise<RequestResult<N>>;
};

/** The live target: what handlers that act on it see of the session. */
export interface LiveTarget {
  readonly target: Target;
}

/** Swapping the target for another (load, import, open): what handlers that replace it see of the session. */
export interface TargetSwap {
  replace(loaded: { target: Target; name: string; preset: string | null }): void;
  status(): MachineStatus;
}

/** The value of an outcome, or its refusal thrown as the request's error (naming the field). */
export function valueOf<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new RequestError(outcome.field, outcome.error);
  return outcome.value;
}
