/** Messages between the bench and `servers/instrumented-main.ts` over the child's IPC channel. */
export type EventLoopRequest = { type: 'eld-start' } | { type: 'eld-stop' };

/** perf_hooks.monitorEventLoopDelay percentiles since the last `eld-start`, in milliseconds. */
export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export type EventLoopReply = { type: 'eld-started' } | ({ type: 'eld' } & EventLoopDelay);
