// Exports from the browser: a big history streams from the host into the browser's
// download while the page shows how far it is, keeps answering, and can cancel it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot, startHarness, type Harness } from './harness';
import { bringUp, NIC } from '../../bench/app-host-bring-up';
import { perfettoType } from '../../src-main/export/perfetto-proto';
import { machineOf } from '../target-machine';

let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await startHarness({ source: 'preset', preset: 'virtio-net' });
  bringUp(h.app);
  // A million deliveries in the host's history (what the machine's log holds until the next pump), made at once.
  const m = machineOf(h.app.session);
  m.startSource(m.fn(NIC)!, 0, 1_000_000);
  m.step(1e9);
  h.app.dispatch('stopSource', { bdf: NIC, vector: 0 });
  dir = mkdtempSync(join(tmpdir(), 'irqscope-e2e-export-'));
});

afterAll(async () => {
  await h?.close();
});

const byId = (id: string) => h.page.getByTestId(id);

describe('exports in the browser', () => {
  it('shows a long export\'s progress with a cancel button, the page answering meanwhile; Cancel stops it', async () => {
    await byId('session-menu').click();
    await byId('export-perfetto-json').click();
    const progress = byId('export-progress');
    await progress.waitFor();
    await expect.poll(async () => Number(await progress.locator('progress').getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(0);
    await screenshot(h.page, 'export-progress');
    // The page still answers: a tab switch lands while the export runs.
    await byId('tab-timeline').click();
    await expect.poll(() => byId('tab-timeline').getAttribute('aria-selected')).toBe('true');
    await byId('tab-devices').click();
    expect(await progress.count()).toBe(1);
    await byId('export-cancel').click();
    await expect.poll(() => byId('files-note').textContent()).toBe('export of virtio-net-like-nic-3-msi-x-vectors-in-bar1.json cancelled');
    expect(await progress.count()).toBe(0);
    expect(h.app.session.exports.active).toBe(0);
  });

  it('downloads the native Perfetto trace whole: an instant for every event the host holds', async () => {
    // A smaller history for a whole download: another machine, a tenth of a second of the source.
    h.app.dispatch('loadMachine', { source: 'preset', preset: 'virtio-net' });
    bringUp(h.app);
    const m = machineOf(h.app.session);
    m.startSource(m.fn(NIC)!, 0, 1_000_000);
    m.step(1e8);
    h.app.dispatch('stopSource', { bdf: NIC, vector: 0 });
    const arrived = h.page.waitForEvent('download');
    await byId('session-menu').click();
    await byId('export-perfetto').click();
    const download = await arrived;
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    expect(download.suggestedFilename()).toMatch(/\.pftrace$/);
    await expect.poll(() => byId('files-note').textContent(), { timeout: 60_000 }).toMatch(/^exported .*\.pftrace \([\d,]+ events, [\d.]+ MiB\)$/);
    const Trace = perfettoType('Trace');
    const packets = (Trace.toObject(Trace.decode(readFileSync(path))) as { packet: { track_event?: { type?: number } }[] }).packet;
    const instants = packets.filter((p) => p.track_event?.type === 3).length;
    expect(instants).toBe(h.app.session.history.retained);
    expect(instants).toBeGreaterThan(100_000);
  });
});
