/** Messages between the bench and `servers/instrumented-main.ts` over the child's IPC channel. */
export type DemoRequest = { type: 'eld-start' } | { type: 'eld-stop' } | { type: 'cv-reads' };

/** perf_hooks.monitorEventLoopDelay percentiles since the last `eld-start`, in milliseconds. */
export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * How the instrumented demo runs `CredentialVersions.isCurrent` (BENCH_CV_CHECK, set by the
 * bench only): `shipped` leaves it as built, `off` answers true without looking, `uncached`
 * reads the store on every request. The two others exist to price the shipped one.
 */
export type CredentialCheckMode = 'shipped' | 'off' | 'uncached';

/** Credential versions the demo has read from its store since it started. */
export interface CredentialReads {
  reads: number;
  /** The demo's touch interval, resolved from its environment: the version cache's lifetime. */
  touchIntervalMs: number;
}

export type DemoReply =
  | { type: 'eld-started' }
  | ({ type: 'eld' } & EventLoopDelay)
  | ({ type: 'cv-reads' } & CredentialReads);
