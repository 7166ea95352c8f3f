// Asks the host for what a view shows, at most one request in flight: a view or a
// stream that changes faster than the host answers is sampled, once per answer, at
// its latest state (the live stream aggregated per frame). The timeline's windows and
// the log view's rows both go through one.
export class LatestRequest<P, R> {
  private inFlight = false;
  private wanted: P | null = null;
  /** Requests sent (a test and the bench read it). */
  requests = 0;

  constructor(
    private readonly request: (params: P) => Promise<R | undefined>,
    private readonly received: (result: R, params: P) => void,
  ) {}

  /** Asks for `params` now, or as soon as the request in flight is answered. */
  want(params: P): void {
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
        const result = await this.request(params);
        if (result !== undefined) this.received(result, params);
      } finally {
        this.inFlight = false;
      }
    }
  }
}
