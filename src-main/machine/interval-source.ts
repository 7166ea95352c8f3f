// A periodic interrupt source of a device model, on the virtual clock.
import type { Timer } from './clock';

export interface IntervalSource {
  readonly bdf: number;
  readonly vector: number;
  readonly ratePerSecond: number;
  readonly timer: Timer;
}
