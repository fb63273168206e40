// Boots the real demo (dist/main.js) unchanged, with Node's event-loop delay histogram beside
// it, so the bench can tell whether a login storm blocks the loop without any hook in src/.
// It also counts the credential versions the demo reads from its store and, for two bench-only
// variants (BENCH_CV_CHECK), swaps the per-request credential-version check of the built code.
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { SessionData } from 'express-session';
// The library's SessionData fields (profile, credentialVersion), as its barrel brings them.
import type {} from '../../src/core/session-data.augmentation.js';
import type { CredentialCheckMode, DemoReply, DemoRequest } from '../lib/demo-ipc.js';

type CredentialVersionsModule = typeof import('../../src/session/credential-versions.js');
type SessionConfigModule = typeof import('../../src/core/options/session.config.js');
type ResolverModule = typeof import('../../src/core/options/session-options.resolver.js');

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

function reply(message: DemoReply): void {
  process.send?.(message);
}

const entry = resolve(process.env.BENCH_DEMO_ENTRY ?? 'dist/main.js');
const dist = dirname(entry);
const importDist = <T>(path: string): Promise<T> =>
  import(pathToFileURL(join(dist, path)).href) as Promise<T>;

function checkMode(raw: string | undefined): CredentialCheckMode {
  if (raw === undefined || raw === '' || raw === 'shipped') return 'shipped';
  if (raw === 'off' || raw === 'uncached') return raw;
  throw new Error(`bench: BENCH_CV_CHECK=${raw}; use shipped, off or uncached`);
}

// The same module instance dist/main.js imports (one URL, one module), so patching its
// prototype before the demo boots changes the check every request runs, and nothing in src/.
const { CredentialVersions } = await importDist<CredentialVersionsModule>(
  'session/credential-versions.js',
);
const versions = CredentialVersions.prototype;
let credentialReads = 0;
// Every store read of a version goes through fresh(). A plain wrapper, not an async one: each
// variant pays the same one extra call, and no extra await.
const fresh = versions.fresh;
versions.fresh = function (this: InstanceType<typeof CredentialVersions>, userId: string) {
  credentialReads++;
  return fresh.call(this, userId);
};
const mode = checkMode(process.env.BENCH_CV_CHECK);
if (mode === 'off') {
  versions.isCurrent = async () => true;
} else if (mode === 'uncached') {
  // The shipped method without its cache lookup: one store read per request.
  versions.isCurrent = async function (
    this: InstanceType<typeof CredentialVersions>,
    session: Partial<SessionData>,
  ) {
    const userId = session.profile?.id;
    if (userId === undefined || !this.enabled) return true;
    return (await this.fresh(userId)) === (session.credentialVersion ?? 0);
  };
}

const { sessionOptionsFromEnv } = await importDist<SessionConfigModule>(
  'core/options/session.config.js',
);
const { resolveSessionOptions } = await importDist<ResolverModule>(
  'core/options/session-options.resolver.js',
);
/**
 * Resolved by the demo's own two functions from its environment, when asked: by then main.js
 * has loaded any `.env` into it.
 */
function touchIntervalMs(): number {
  return resolveSessionOptions(sessionOptionsFromEnv(process.env)).timeouts.touchIntervalMs;
}

process.on('message', (message: DemoRequest) => {
  if (message.type === 'cv-reads') {
    reply({ type: 'cv-reads', reads: credentialReads, touchIntervalMs: touchIntervalMs() });
  } else if (message.type === 'eld-start') {
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

await import(pathToFileURL(entry).href);
