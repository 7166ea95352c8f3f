// Which CPUs a NotifyDelivered event says its message reached, as the local APIC
// recorded it: one physical APIC ID as itself, the CPUs of a logical, broadcast or
// lowest-priority message as a set (the event's cpuSet field). The APIC resolves the
// targets once, when it delivers (LocalApic.targets); the breakpoint matcher and the
// event text read its record here instead of resolving them again.

/** The CPUs reached, bit i for CPU i (APIC ID i), from a NotifyDelivered's cpuSet and target fields. */
export function deliveredCpuSet(cpuSet: number, target: number): number {
  if (cpuSet !== 0) return target >>> 0;
  return target < 32 ? (1 << target) >>> 0 : 0;
}
