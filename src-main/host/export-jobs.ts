// Timeline exports as jobs of the host: each reads the events the history held when
// it was asked for (the machine runs on meanwhile), streams its file in slices that
// leave the event loop to everyone else, tells every client how far it is, and can
// be cancelled. Where the file goes depends on the host: Electron asks for a path
// with its save dialog and writes it (chooseFile); the browser host has no disk to
// write to, so the job waits for the page to download /TOKEN/export/ID and streams
// into that response, which the browser saves where the user says.
import type { Machine } from '../machine/machine';
import type { EventHistory } from './event-history';
import { RequestError } from './handler-kit';
import { exportPieces } from '../export/timeline-export';
import { historyTimeline, type EventPredicate, type TimelineSource } from '../export/timeline-source';
import { ExportCancelled, fileSink, runExport, type ExportSink } from '../export/export-run';
import { EXPORT_MIME_TYPES, type ExportFormat, type TimeAxis } from '../../src-shared/timeline/export-formats';
import type { ExportProgress, ExportStarted } from '../../src-shared/ipc/contract';

/** Exports waiting or running at once. */
export const MAX_EXPORT_JOBS = 4;
/** How long a download waits for the page to fetch it (ms). */
export const DOWNLOAD_WAIT_MS = 60_000;
/** Least time between two progress reports of one job (ms). */
const PROGRESS_EVERY_MS = 100;

export interface ExportRequest {
  format: ExportFormat;
  axis: TimeAxis;
  filter?: EventPredicate;
}

interface Job {
  readonly info: ExportStarted;
  readonly format: ExportFormat;
  readonly source: TimelineSource;
  readonly request: ExportRequest;
  readonly abort: AbortController;
  state: ExportProgress['state'];
  expiry: ReturnType<typeof setTimeout> | null;
  readonly finished: Promise<ExportProgress>;
  settle(last: ExportProgress): void;
}

/** What the jobs read: the session's history and the machine it is of. */
export interface ExportedSession {
  readonly history: EventHistory;
  readonly machine: Machine;
}

export class ExportJobs {
  /** Set by a host that writes files itself: asks where (null: the user said no). Unset, the client downloads. */
  chooseFile: ((fileName: string, format: ExportFormat) => Promise<string | null>) | null = null;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  constructor(
    private readonly session: ExportedSession,
    private readonly notify: (progress: ExportProgress) => void,
    private readonly fileName: (format: ExportFormat) => string,
  ) {}

  get active(): number {
    return this.jobs.size;
  }

  /** Starts an export of everything the history holds now: to the file the host asks for, or as a download. */
  start(request: ExportRequest): ExportStarted {
    const choose = this.chooseFile;
    const job = this.create(request, choose === null ? 'download' : 'host');
    if (choose === null) {
      job.expiry = setTimeout(() => this.end(job, 'failed', 0, 'the download was never fetched'), DOWNLOAD_WAIT_MS);
    } else {
      void choose(job.info.fileName, request.format).then(
        (path) => (path === null ? this.end(job, 'cancelled', 0) : this.run(job, () => fileSink(path))),
        (err: unknown) => this.end(job, 'failed', 0, String(err)),
      );
    }
    return job.info;
  }

  private create(request: ExportRequest, delivery: ExportStarted['delivery']): Job {
    if (this.jobs.size >= MAX_EXPORT_JOBS) throw new RequestError('format', `${MAX_EXPORT_JOBS} exports are already under way: wait for one, or cancel it`);
    this.session.history.ingest(this.session.machine.log);
    const source = historyTimeline(this.session.history, this.session.machine);
    const info: ExportStarted = {
      id: this.nextId++,
      fileName: this.fileName(request.format),
      mimeType: EXPORT_MIME_TYPES[request.format],
      events: source.endSeq - source.firstSeq,
      delivery,
    };
    let settle!: (last: ExportProgress) => void;
    const finished = new Promise<ExportProgress>((resolve) => (settle = resolve));
    const job: Job = { info, format: request.format, source, request, abort: new AbortController(), state: 'waiting', expiry: null, finished, settle };
    this.jobs.set(info.id, job);
    this.report(job, 0, 0);
    return job;
  }

  /** The waiting download `id` for the browser host to stream into its response; null when there is none. */
  claim(id: number): { info: ExportStarted; run: (sink: ExportSink) => Promise<void> } | null {
    const job = this.jobs.get(id);
    if (job === undefined || job.state !== 'waiting' || job.info.delivery !== 'download') return null;
    if (job.expiry !== null) clearTimeout(job.expiry);
    job.expiry = null;
    job.state = 'running';
    return { info: job.info, run: (sink) => this.run(job, () => sink) };
  }

  /** The last report of export `id` once it has ended (done, cancelled or failed); null for no such export. */
  ended(id: number): Promise<ExportProgress> | null {
    return this.jobs.get(id)?.finished ?? null;
  }

  cancel(id: number): boolean {
    const job = this.jobs.get(id);
    if (job === undefined) return false;
    if (job.state === 'waiting') this.end(job, 'cancelled', 0);
    else job.abort.abort();
    return true;
  }

  private async run(job: Job, sink: () => ExportSink): Promise<void> {
    job.state = 'running';
    let last = -Infinity;
    let bytes = 0;
    try {
      const pieces = exportPieces(job.source, job.format, { axis: job.request.axis, filter: job.request.filter });
      ({ bytes } = await runExport(pieces, sink(), {
        signal: job.abort.signal,
        onProgress: (progress, written) => {
          bytes = written;
          const now = performance.now();
          if (now - last < PROGRESS_EVERY_MS) return;
          last = now;
          this.report(job, progress, written);
        },
      }));
      this.end(job, 'done', bytes);
    } catch (err) {
      if (err instanceof ExportCancelled) this.end(job, 'cancelled', bytes);
      else this.end(job, 'failed', bytes, err instanceof Error ? err.message : String(err));
    }
  }

  private end(job: Job, state: 'done' | 'cancelled' | 'failed', bytes: number, error?: string): void {
    if (!this.jobs.has(job.info.id)) return;
    if (job.expiry !== null) clearTimeout(job.expiry);
    this.jobs.delete(job.info.id);
    job.state = state;
    job.settle(this.report(job, state === 'done' ? 1 : 0, bytes, error));
  }

  private report(job: Job, progress: number, bytes: number, error?: string): ExportProgress {
    const report: ExportProgress = { id: job.info.id, fileName: job.info.fileName, state: job.state, progress, bytes, events: job.info.events, ...(error === undefined ? {} : { error }) };
    this.notify(report);
    return report;
  }
}
