// Asks the host for the window the canvas draws, at most one request in flight: a
// view or a stream that changes faster than the host answers is sampled, once per
// answer, at its latest state (the live stream aggregated per frame).
import type { RequestParams } from '../../src-shared/ipc/contract';
import type { TimelineWindow } from '../../src-shared/timeline/window';

export type WindowParams = RequestParams<'timelineWindow'>;
export type WindowRequest = (params: WindowParams) => Promise<TimelineWindow | undefined>;

export class WindowFetcher {
  private inFlight = false;
  private wanted: WindowParams | null = null;
  /** Requests sent (a test and the bench read it). */
  requests = 0;

  constructor(
    private readonly request: WindowRequest,
    private readonly received: (window: TimelineWindow) => void,
  ) {}

  /** Asks for `params` now, or as soon as the request in flight is answered. */
  want(params: WindowParams): void {
    this.wanted = params;
    if (!this.inFlight) void this.send();
  }

  private async send(): Promise<void> {
    while (this.wanted !== null) {
      const params = this.wanted;
      this.wanted = null;
      this.inFlight = true;
      this.requests++;
      try {
        const window = await this.request(params);
        if (window !== undefined) this.received(window);
      } finally {
        this.inFlight = false;
      }
    }
  }
}
