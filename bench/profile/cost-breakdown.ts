/**
 * Turns a V8 CPU profile of a server under load into microseconds of CPU per request by component
 * (issue 15, point 2). Each sample is charged to the first frame, from the leaf up, that belongs
 * to a known component: JSON.stringify called by the store serializer is the store's, a
 * `setHeader` called by helmet is helmet's. Node's own frames (`node:*`) and V8 builtins are
 * skipped on the way up and used only when no library frame is on the stack.
 */

/** The parts of a `.cpuprofile` this reads. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** A component, and how to tell its frames. Order matters: the first rule that matches wins. */
interface ComponentRule {
  component: Component;
  matches(url: string, name: string): boolean;
}

export const COMPONENTS = [
  'Nest routing, guards and pipes',
  'express-session: cookie parse',
  'express-session: unsign and sign',
  'express-session: SHA-1 hashes',
  'express-session: on-headers',
  'express-session: load, save, rest',
  'store client and JSON',
  'CSRF',
  'helmet',
  'CORS',
  'lifecycle step',
  'the module’s middleware glue',
  'body parser',
  'Express router',
  'response',
  'the route itself',
  'Node HTTP and sockets',
  'native, outside JavaScript',
  'GC',
  'other',
] as const;

export type Component = (typeof COMPONENTS)[number];

const inPackage = (pkg: string) => (url: string) => url.includes(`/node_modules/${pkg}/`);
const inDist =
  (...paths: string[]) =>
  (url: string) =>
    paths.some((path) => url.includes(`/dist/${path}`) || url.includes(`/dist-bench/src/${path}`));

const RULES: ComponentRule[] = [
  { component: 'GC', matches: (_url, name) => name === '(garbage collector)' },
  {
    component: 'helmet',
    matches: (url) => inPackage('helmet')(url) || inDist('security/security-headers')(url),
  },
  { component: 'CSRF', matches: inDist('security/csrf') },
  { component: 'CORS', matches: (url) => inDist('security/cors')(url) || inPackage('cors')(url) },
  {
    component: 'lifecycle step',
    matches: inDist(
      'session/session-lifecycle',
      'session/credential-versions',
      'session/session-expiry',
    ),
  },
  { component: 'express-session: cookie parse', matches: inPackage('cookie') },
  { component: 'express-session: unsign and sign', matches: inPackage('cookie-signature') },
  { component: 'express-session: on-headers', matches: inPackage('on-headers') },
  {
    component: 'express-session: SHA-1 hashes',
    matches: (url, name) => inPackage('express-session')(url) && name === 'hash',
  },
  {
    component: 'express-session: load, save, rest',
    matches: (url) =>
      inPackage('express-session')(url) || inDist('session/session.middleware')(url),
  },
  {
    component: 'store client and JSON',
    matches: (url) =>
      inPackage('@redis/client')(url) ||
      inPackage('connect-redis')(url) ||
      inPackage('cluster-key-slot')(url) ||
      inDist('stores/')(url),
  },
  { component: 'the module’s middleware glue', matches: inDist('session-pipeline.middleware') },
  {
    component: 'body parser',
    matches: (url) =>
      ['body-parser', 'raw-body', 'type-is', 'content-type', 'iconv-lite'].some((pkg) =>
        inPackage(pkg)(url),
      ),
  },
  {
    component: 'response',
    matches: (url) =>
      url.includes('/node_modules/express/lib/response.js') ||
      ['etag', 'fresh', 'send', 'vary'].some((pkg) => inPackage(pkg)(url)) ||
      url.includes('/@nestjs/platform-express/adapters/'),
  },
  {
    component: 'Express router',
    matches: (url) =>
      ['express', 'router', 'finalhandler', 'parseurl', 'path-to-regexp', 'qs'].some((pkg) =>
        inPackage(pkg)(url),
      ),
  },
  {
    component: 'Nest routing, guards and pipes',
    matches: (url) =>
      inPackage('@nestjs/core')(url) ||
      inPackage('@nestjs/common')(url) ||
      inPackage('@nestjs/platform-express')(url) ||
      inPackage('rxjs')(url) ||
      inPackage('class-validator')(url) ||
      inPackage('class-transformer')(url) ||
      inDist('access/', 'core/')(url),
  },
  {
    component: 'the route itself',
    matches: (url) =>
      !url.includes('/node_modules/') && (url.includes('/dist/') || url.includes('/dist-bench/')),
  },
];

/** Node's frames: used only when nothing above them is a library's. */
function nodeComponent(url: string, name: string): Component | undefined {
  if (url === 'node:_http_outgoing' || url.startsWith('node:internal/http')) return 'response';
  if (name === '(program)') return 'native, outside JavaScript';
  if (url.startsWith('node:')) return 'Node HTTP and sockets';
  return undefined;
}

const IGNORED = new Set(['(idle)', '(root)']);

/**
 * Functions that wrap the response's own: express-session's `res.end` (and the callbacks that
 * finish it) and on-headers' `res.writeHead`. Only their own time is theirs; what runs under them is the response's.
 */
function isResponseWrapper(url: string, name: string): boolean {
  if (inPackage('on-headers')(url)) return name === 'writeHead';
  // ontouch, onsave and ondestroy call writeend once the store answered.
  const wrappers = ['end', 'writeend', 'writetop', 'ontouch', 'onsave', 'ondestroy'];
  return inPackage('express-session')(url) && wrappers.includes(name);
}

export interface CostBreakdown {
  /** Main-thread CPU per request (the profile's non-idle samples), in microseconds. */
  mainThreadMicrosPerRequest: number;
  /** µs per request by component; they add up to `mainThreadMicrosPerRequest`. */
  micros: Record<Component, number>;
  /** Samples taken, and the sampled interval (ms). */
  samples: number;
  profiledMs: number;
}

export function costBreakdown(profile: CpuProfile, requests: number): CostBreakdown {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const memo = new Map<number, Component | null>();
  const componentOf = (id: number): Component | null => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    let fallback: Component | undefined;
    let result: Component | null = null;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { url, functionName } = byId.get(at)!.callFrame;
      if (IGNORED.has(functionName) && at === id) break;
      if (at !== id && isResponseWrapper(url, functionName)) continue;
      const rule = RULES.find((candidate) => candidate.matches(url, functionName));
      if (rule) {
        result = rule.component;
        break;
      }
      fallback ??= nodeComponent(url, functionName);
    }
    result ??= fallback ?? (IGNORED.has(byId.get(id)!.callFrame.functionName) ? null : 'other');
    memo.set(id, result);
    return result;
  };

  const profiledMicros = profile.endTime - profile.startTime;
  const perSample = profiledMicros / profile.samples.length;
  const micros = Object.fromEntries(COMPONENTS.map((name) => [name, 0])) as Record<
    Component,
    number
  >;
  let busy = 0;
  for (const id of profile.samples) {
    const component = componentOf(id);
    if (!component) continue;
    micros[component] += perSample / requests;
    busy += perSample / requests;
  }
  return {
    mainThreadMicrosPerRequest: busy,
    micros,
    samples: profile.samples.length,
    profiledMs: profiledMicros / 1000,
  };
}
