// Exports as jobs of the host: started over the contract, streamed in slices that
// leave the event loop free, reported to every client, cancelled, and delivered the
// two ways the hosts have (a download the browser fetches, a file Electron writes).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { BAR1, NIC, TWO_DEVICES, bringUpNic, hostWith, value } from './fixtures';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { MAX_EXPORT_JOBS } from '../../src-main/host/export-jobs';
import { EventHistory } from '../../src-main/host/event-history';
import { exportBytes } from '../../src-main/export/timeline-export';
import { historyTimeline, ExportError } from '../../src-main/export/timeline-source';
import type { AppHost } from '../../src-main/host/app-host';
import type { ExportProgress, StreamName, StreamPayload } from '../../src-shared/ipc/contract';
import { readVcd, triggers } from '../export/vcd-reader';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'irqscope-export-jobs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A host whose history holds `events` or more, and a client that records every export report. */
function busyHost(events = 1000): { host: AppHost; reports: ExportProgress[] } {
  const host = hostWith(TWO_DEVICES);
  bringUpNic(host);
  value(host.dispatch('startSource', { bdf: NIC, vector: 0, ratePerSecond: 1_000_000 }));
  while (host.session.machine.log.total < events) host.session.machine.step(1e6);
  value(host.dispatch('stopSource', { bdf: NIC, vector: 0 }));
  const reports: ExportProgress[] = [];
  host.session.attach({
    ready: () => true,
    send: <S extends StreamName>(stream: S, payload: StreamPayload<S>) => {
      if (stream === 'exportProgress') reports.push(payload as ExportProgress);
    },
  });
  return { host, reports };
}

const ended = async (host: AppHost, id: number): Promise<ExportProgress> => (await host.session.exports.ended(id))!;

describe('export jobs in the host', () => {
  it('writes where the host chooses (Electron), the whole history, reporting progress to every client', async () => {
    const { host, reports } = busyHost(200_000);
    const path = join(dir, 'out.csv');
    const asked: string[] = [];
    host.session.exports.chooseFile = (fileName) => (asked.push(fileName), Promise.resolve(path));
    const started = value(host.dispatch('exportTimeline', { format: 'csv' }));
    expect(started).toMatchObject({ fileName: 'two-devices.csv', mimeType: 'text/csv', delivery: 'host', events: host.session.history.retained });
    // The machine goes on; the export holds the history as it was asked for.
    host.session.machine.memory.write(BAR1 + 12, 4, 1);
    const last = await ended(host, started.id);
    expect(asked).toEqual(['two-devices.csv']);
    expect(last).toMatchObject({ state: 'done', progress: 1, events: started.events });
    const text = readFileSync(path, 'utf8');
    expect(last.bytes).toBe(Buffer.byteLength(text));
    expect(text.split('\r\n')).toHaveLength(started.events + 2);
    const states = reports.filter((r) => r.id === started.id).map((r) => r.state);
    expect(states[0]).toBe('waiting');
    expect(states.at(-1)).toBe('done');
    // In between, it said how far it was, in order.
    const running = reports.filter((r) => r.state === 'running').map((r) => r.progress);
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((p, i) => p > 0 && p < 1 && (i === 0 || p >= running[i - 1]!))).toBe(true);
  });

  it('never holds the event loop: other work runs while a long export is half done', async () => {
    const { host } = busyHost(200_000);
    host.session.exports.chooseFile = () => Promise.resolve(join(dir, 'out.pftrace'));
    let latest = 0;
    host.session.attach({ ready: () => true, send: (stream, p) => void (stream === 'exportProgress' && (latest = (p as ExportProgress).progress)) });
    const started = value(host.dispatch('exportTimeline', { format: 'perfetto' }));
    const seen: number[] = [];
    const ticker = setInterval(() => seen.push(latest), 1);
    const last = await ended(host, started.id);
    clearInterval(ticker);
    expect(last.state).toBe('done');
    // The timer ran during the export, at points where it was neither begun nor over.
    expect(seen.some((p) => p > 0 && p < 1)).toBe(true);
  });

  it('cancels: the file never appears, and every client hears it', async () => {
    const { host, reports } = busyHost(200_000);
    const path = join(dir, 'out.json');
    host.session.exports.chooseFile = () => Promise.resolve(path);
    const started = value(host.dispatch('exportTimeline', { format: 'perfetto-json' }));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (reports.some((r) => r.id === started.id && r.state === 'running')) clearInterval(poll), resolve();
      }, 1);
    });
    expect(value(host.dispatch('cancelExport', { id: started.id }))).toEqual({ cancelled: true });
    expect(await ended(host, started.id)).toMatchObject({ state: 'cancelled' });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(value(host.dispatch('cancelExport', { id: started.id }))).toEqual({ cancelled: false });
  });

  it('a save dialog the user closes cancels the export', async () => {
    const { host } = busyHost();
    host.session.exports.chooseFile = () => Promise.resolve(null);
    const started = value(host.dispatch('exportTimeline', { format: 'vcd' }));
    expect(await ended(host, started.id)).toMatchObject({ state: 'cancelled', bytes: 0 });
  });

  it('fails with the reason when another machine is loaded meanwhile, or the file cannot be written', async () => {
    const { host } = busyHost(100_000);
    host.session.exports.chooseFile = () => Promise.resolve(join(dir, 'out.csv'));
    const started = value(host.dispatch('exportTimeline', { format: 'csv' }));
    value(host.dispatch('loadMachine', { source: 'preset', preset: 'virtio-net' }));
    expect(await ended(host, started.id)).toMatchObject({ state: 'failed', error: 'another machine was loaded while exporting' });
    expect(readdirSync(dir)).toEqual([]);
    host.session.exports.chooseFile = () => Promise.resolve(join(dir, 'no', 'such', 'dir.csv'));
    const second = value(host.dispatch('exportTimeline', { format: 'csv' }));
    expect(await ended(host, second.id)).toMatchObject({ state: 'failed', error: expect.stringContaining('ENOENT') });
  });

  it(`runs at most ${MAX_EXPORT_JOBS} at once, refusing more with why`, () => {
    const { host } = busyHost();
    for (let k = 0; k < MAX_EXPORT_JOBS; k++) value(host.dispatch('exportTimeline', { format: 'csv' }));
    expect(host.dispatch('exportTimeline', { format: 'csv' })).toEqual({ ok: false, error: `exportTimeline.format: ${MAX_EXPORT_JOBS} exports are already under way: wait for one, or cancel it` });
    for (let id = 1; id <= MAX_EXPORT_JOBS; id++) value(host.dispatch('cancelExport', { id }));
    expect(host.session.exports.active).toBe(0);
  });

  it('takes a display filter: only its events are rows; one that does not parse is refused where it fails', async () => {
    const { host } = busyHost();
    const path = join(dir, 'pended.csv');
    host.session.exports.chooseFile = () => Promise.resolve(path);
    value(host.dispatch('writeMmio', { address: BAR1 + 12, size: 4, value: 1 }));
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    value(host.dispatch('fireVector', { bdf: NIC, vector: 0 }));
    const started = value(host.dispatch('exportTimeline', { format: 'csv', filter: 'vector == 0 && kind == pended' }));
    expect(await ended(host, started.id)).toMatchObject({ state: 'done' });
    const rows = readFileSync(path, 'utf8').trimEnd().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',')[2])).toEqual(['NotifyPended', 'NotifyPended']);
    expect(host.dispatch('exportTimeline', { format: 'csv', filter: 'vector == ' })).toEqual({ ok: false, error: expect.stringMatching(/^exportTimeline\.filter: column \d+: /) });
    expect(host.session.exports.active).toBe(0);
  });

  it('refuses an unknown format or axis, and the seq axis for VCD, naming the field', () => {
    const { host } = busyHost();
    expect(host.dispatch('exportTimeline', { format: 'svg' })).toEqual({ ok: false, error: 'exportTimeline.format: must be one of vcd, perfetto, perfetto-json, csv' });
    expect(host.dispatch('exportTimeline', { format: 'csv', axis: 'ms' })).toEqual({ ok: false, error: 'exportTimeline.axis: must be ns or seq' });
    expect(host.dispatch('exportTimeline', { format: 'vcd', axis: 'seq' })).toEqual({ ok: false, error: 'exportTimeline.axis: the seq axis is for perfetto and perfetto-json' });
    expect(host.session.exports.active).toBe(0);
  });

  it('an export of a history that evicts what it has not read yet fails rather than leave a hole', () => {
    const { host } = busyHost(1000);
    const history = new EventHistory(1 << 16);
    history.ingest(host.session.machine.log);
    const source = historyTimeline(history, host.session.machine);
    value(host.dispatch('startSource', { bdf: NIC, vector: 0, ratePerSecond: 1_000_000 }));
    host.session.machine.step(80e6);
    history.ingest(host.session.machine.log);
    expect(history.firstSeq).toBeGreaterThan(source.firstSeq);
    expect(() => exportBytes(source, 'csv', { axis: 'ns' })).toThrow(ExportError);
    expect(() => exportBytes(source, 'csv', { axis: 'ns' })).toThrow(/were overwritten while exporting \(the machine went on logging\); pause it first/);
  });
});

describe('export downloads from the browser host', () => {
  let web: WebHost;
  let host: AppHost;
  beforeEach(async () => {
    host = busyHost(50_000).host;
    web = await startWebHost({ session: host.session, dispatch: host.dispatch, rendererDir: dir, port: 0 });
  });
  afterEach(async () => {
    await web.close();
  });

  function get(path: string, abortAfterBytes = Infinity): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: web.port, path }, (res) => {
        const chunks: Buffer[] = [];
        let got = 0;
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          got += c.length;
          if (got >= abortAfterBytes) req.destroy();
        });
        const done = (): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        res.on('end', done);
        res.on('close', done);
      });
      req.on('error', (err) => (abortAfterBytes < Infinity ? undefined : reject(err)));
      req.end();
    });
  }

  it('streams a started export into the page\'s download, once, behind the token', async () => {
    const started = value(host.dispatch('exportTimeline', { format: 'vcd' }));
    expect(started.delivery).toBe('download');
    expect((await get(`/not-the-token/export/${started.id}`)).status).toBe(403);
    const finished = host.session.exports.ended(started.id)!;
    const expected = exportBytes(historyTimeline(host.session.history, host.session.machine), 'vcd', { axis: 'ns' }).toString('utf8');
    const r = await get(`/${web.token}/export/${started.id}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/x-vcd');
    expect(r.headers['content-disposition']).toBe('attachment; filename="two-devices.vcd"');
    const strip = (t: string): string => t.replace(/\$date[\s\S]*?\$end/, '');
    expect(strip(r.body.toString('utf8'))).toBe(strip(expected));
    expect(triggers(readVcd(r.body.toString('utf8')), 'machine.nic0_00_03_0.vector_0.delivered').length).toBeGreaterThan(40_000);
    expect(await finished).toMatchObject({ state: 'done', bytes: r.body.length });
    const again = await get(`/${web.token}/export/${started.id}`);
    expect(again.status).toBe(404);
    expect(again.body.toString()).toMatch(/no export \d+ waiting/);
  });

  it('a download the browser abandons ends the export as cancelled', async () => {
    const started = value(host.dispatch('exportTimeline', { format: 'perfetto-json' }));
    const finished = host.session.exports.ended(started.id)!;
    await get(`/${web.token}/export/${started.id}`, 1);
    expect(await finished).toMatchObject({ state: 'cancelled' });
  });
});
