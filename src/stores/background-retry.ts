// stores/ — where sessions live: the shared express-session Store rules and one folder per backend, each loading its driver only when chosen.
/**
 * Runs `work` until it succeeds, backing off between tries. The stores use it for a first
 * connection or setup step: the app keeps booting while its backend is down (guarded routes
 * answer 503, readiness says not ready), since exiting would only make a crash loop.
 */
export class BackgroundRetry {
  done = false;
  private retries = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Resolves once `work` has succeeded; never rejects (it keeps retrying). */
  readonly finished: Promise<void>;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly onFirstFailure: (err: Error) => void = () => undefined,
  ) {
    this.finished = new Promise((resolve) => this.attempt(resolve));
  }

  /** Runs `next` once `work` has succeeded, unless stopped by then. */
  onSuccess(next: () => void): void {
    void this.finished.then(() => {
      if (!this.stopped) next();
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private attempt(resolve: () => void): void {
    if (this.stopped) return;
    this.work().then(
      () => {
        this.done = true;
        resolve();
      },
      (err: unknown) => {
        if (this.retries === 0)
          this.onFirstFailure(err instanceof Error ? err : new Error(String(err)));
        this.timer = setTimeout(() => this.attempt(resolve), reconnectDelay(this.retries++));
        this.timer.unref();
      },
    );
  }
}

/** Backs off from 100 ms to 2 s between reconnection attempts, forever. */
export function reconnectDelay(retries: number): number {
  return Math.min(100 * 2 ** retries, 2000);
}
