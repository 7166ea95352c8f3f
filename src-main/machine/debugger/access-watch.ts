// The machine logs only the accesses that mean something to MSI-X (table, PBA,
// refused, unclaimed). An access breakpoint needs to see the others too, so while
// one is enabled its address space gets a watch that logs an Access event for each
// access touching a watched range; the breakpoint then matches that event like any
// other. With no access breakpoint the space has no watch at all.
import type { AccessWatch, AddressSpace } from '../address-space';
import type { EventLog } from '../event-log';
import { ACCESS_IO, ACCESS_WRITE } from '../../../src-shared/timeline/event-kinds';
import { EventKind } from '../../../src-shared/timeline/event-schema';

export interface WatchedRange {
  start: number;
  end: number;
  read: boolean;
  write: boolean;
}

const NO_DEVICE = 0xffff;

export function accessWatch(space: AddressSpace, log: EventLog, isIo: boolean, ranges: readonly WatchedRange[]): AccessWatch | null {
  if (ranges.length === 0) return null;
  const ioFlag = isIo ? ACCESS_IO : 0;
  return (addr, size, value, write) => {
    const end = addr + size;
    for (const r of ranges) {
      if ((write ? r.write : r.read) && addr < r.end && end > r.start) {
        const owner = space.find(addr)?.bdf ?? NO_DEVICE;
        log.emit.access(owner, size | (write ? ACCESS_WRITE : 0) | ioFlag, addr, value);
        return;
      }
    }
  };
}
