// Which CPUs a NotifyDelivered event says its message reached, as the local APIC
// recorded it: one physical APIC ID as itself, the CPUs of a logical, broadcast or
// lowest-priority message as a set (CPU_SET_FLAG in the detail). The APIC resolves the
// targets once, when it delivers (LocalApic.targets); the breakpoint matcher and the
// event text read its record here instead of resolving them again.
import { CPU_SET_FLAG } from './event-kinds';

/** The CPUs reached, bit i for CPU i (APIC ID i). */
export function deliveredCpuSet(detail: number, a: number): number {
  if ((detail & CPU_SET_FLAG) !== 0) return a >>> 0;
  return a < 32 ? (1 << a) >>> 0 : 0;
}
