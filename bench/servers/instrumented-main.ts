// Boots the real demo (dist/main.js) unchanged, with Node's event-loop delay histogram beside
// it, so the bench can tell whether a login storm blocks the loop without any hook in src/.
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { EventLoopReply, EventLoopRequest } from '../lib/event-loop.js';

// 10 ms is the default sampling timer: fine enough to catch a blocked loop, cheap to run.
const RESOLUTION_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

/**
 * The histogram records the whole time between two ticks of its timer, so an idle loop reads
 * ~10 ms: the delay is what exceeds the resolution (as fastify's under-pressure computes it).
 */
function delayMs(nanoseconds: number): number {
  return Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);
}

function reply(message: EventLoopReply): void {
  process.send?.(message);
}

process.on('message', (message: EventLoopRequest) => {
  if (message.type === 'eld-start') {
    histogram.reset();
    histogram.enable();
    reply({ type: 'eld-started' });
  } else if (message.type === 'eld-stop') {
    histogram.disable();
    // With no sample yet the histogram reports NaN/huge sentinels; no sample means no delay seen.
    if (histogram.count === 0) {
      reply({ type: 'eld', p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 });
      return;
    }
    reply({
      type: 'eld',
      p50Ms: delayMs(histogram.percentile(50)),
      p99Ms: delayMs(histogram.percentile(99)),
      maxMs: delayMs(histogram.max),
      meanMs: delayMs(histogram.mean),
    });
  }
});
// The demo's own handles decide when the process ends, not the bench's channel.
process.channel?.unref();

const entry = resolve(process.env.BENCH_DEMO_ENTRY ?? 'dist/main.js');
await import(pathToFileURL(entry).href);
