import { describe, expect, it } from 'vitest';
import { PAGE_BYTES, PagePrefaulter } from '../../src-main/host/page-prefaulter';
import { EventHistory } from '../../src-main/host/event-history';
import { EventLog } from '../../src-main/machine/event-log';
import { Clock } from '../../src-main/machine/clock';
import { EventKind } from '../../src-shared/timeline/event-schema';
import { MarkerClass, laneKey } from '../../src-shared/timeline/lanes';

const MB = 1 << 20;

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the page prefaulter', () => {
  it('brings the pages of the slots asked for into memory from another thread, leaving what is written there as it is', async () => {
    const capacity = 1 << 20;
    // Two columns of 32 MiB and 4 MiB, filled from slot 100 on.
    const wide = new SharedArrayBuffer(capacity * 32);
    const narrow = new SharedArrayBuffer(capacity * 4);
    const values = new Int32Array(wide);
    for (let i = 0; i < values.length; i += PAGE_BYTES / 4) values[i] = i + 1;
    // Those writes brought the wide column in; the narrow one is still untouched.
    const prefaulter = new PagePrefaulter([wide, narrow], capacity, 100);
    const before = process.memoryUsage().rss;
    prefaulter.ahead(capacity);
    expect(prefaulter.requested).toBe(capacity);
    await until(() => process.memoryUsage().rss - before >= 3.5 * MB);
    prefaulter.close();
    for (let i = 0; i < values.length; i += PAGE_BYTES / 4) if (values[i] !== i + 1) throw new Error(`word ${i} changed`);
    expect(new Int32Array(narrow).every((v) => v === 0)).toBe(true);
  });

  it('a history under a flood has its ring brought in ahead of the events, and holds them as before', () => {
    const clock = new Clock();
    const log = new EventLog(clock, 1 << 16);
    const history = new EventHistory(1 << 22);
    const n = (1 << 18) + 5000;
    for (let i = 0; i < n; i++) {
      clock.now = i;
      log.put(EventKind.NotifyDelivered, 0, 0x18, 0, 0, 0, 0);
      if ((i & 0x7fff) === 0x7fff) history.ingest(log);
    }
    history.ingest(log);
    // A second of slots past the events is counted as the history's memory: it is resident.
    expect(history.bytes).toBeGreaterThanOrEqual((n + MB) * 27);
    expect(history.window(0, n, 10, [laneKey(0x18, 0)], 0).lanes[0]!.totals[MarkerClass.Delivered]).toBe(n);
  });
});
