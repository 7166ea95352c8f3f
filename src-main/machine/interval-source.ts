// A periodic interrupt source of a device model, on the virtual clock.
import type { Timer } from './clock';

export interface IntervalSource {
  /** The function's address (domain * 0x10000 + bus/dev.fn), as machine.fn takes it. */
  readonly bdf: number;
  readonly vector: number;
  readonly ratePerSecond: number;
  readonly timer: Timer;
}
