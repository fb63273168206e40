import {
  booleanOption,
  choiceOption,
  fail,
  numberOption,
  requiredTextOption,
  textOption,
} from './option-checks.js';
import type { ResolvedStoreOptions } from './resolved-session-options.js';
import type { CustomStoreOptions, SessionStoreOptions } from './session-options.interface.js';

/** The `store` part of resolveSessionOptions: one shape per kind, and setups that cannot work. */
export function resolveStoreOptions(
  store: SessionStoreOptions | undefined,
  production: boolean,
): ResolvedStoreOptions {
  // Read loosely: options from the environment or from plain JavaScript may mix the kinds' fields.
  const given = (store ?? {}) as Record<string, unknown>;
  const kind = choiceOption('store.kind', given.kind) as SessionStoreOptions['kind'];
  const timeoutMs = numberOption('store.timeoutMs', given.timeoutMs);
  switch (kind) {
    case 'redis':
      return {
        kind,
        timeoutMs,
        url: requiredTextOption(
          'store.url#redis',
          given.url,
          '{{store.kind=redis}} needs {{store.url#redis}}, e.g. ' +
            '{{store.url#redis=redis://127.0.0.1:6379}} (or {{store.nodes#cluster=host1:6379,host2:6379}} ' +
            'for a Redis Cluster)',
        ),
        keyPrefix: textOption('store.keyPrefix', given.keyPrefix)!,
      };
    case 'cluster':
      return { kind, timeoutMs, ...clusterOptions(given) };
    case 'postgres':
      return {
        kind,
        timeoutMs,
        url: requiredTextOption(
          'store.url#postgres',
          given.url,
          '{{store.kind=postgres}} needs {{store.url#postgres}}, e.g. ' +
            '{{store.url#postgres=postgres://app:secret@127.0.0.1:5432/app}}',
        ),
        pruneIntervalSeconds: numberOption(
          'store.pruneIntervalSeconds',
          given.pruneIntervalSeconds,
        ),
      };
    case 'memory':
      if (production) {
        fail(
          'store.kind',
          '{{production=true}} refuses the in-process memory store: it loses every session on ' +
            'restart and is not shared between instances. Set {{store.url#redis=redis://host:6379}} ' +
            '(or {{store.kind=postgres}} with {{store.url#postgres}}).',
        );
      }
      return { kind, timeoutMs, max: numberOption('store.max', given.max) };
    case 'custom':
      if (typeof given.backend !== 'object' || given.backend === null) {
        fail(
          'store.backend',
          '{{store.kind=custom}} needs {{store.backend}}: the SessionBackend the app built',
        );
      }
      return { kind, timeoutMs, backend: given.backend as CustomStoreOptions['backend'] };
  }
}

function clusterOptions(given: Record<string, unknown>) {
  const nodes = clusterNodes(given.nodes);
  const keyPrefix = textOption('store.keyPrefix', given.keyPrefix)!;
  // A {hash tag} in the prefix maps every session key to the same slot, so to one master.
  if (/\{.*\}/.test(keyPrefix)) {
    fail(
      'store.keyPrefix',
      '{{store.keyPrefix}} holds a {hash tag}: on a Redis Cluster every session would land on ' +
        'one master. Use a prefix without braces, e.g. {{store.keyPrefix=sess:}}',
    );
  }
  const username = credential('store.username', given.username);
  const password = credential('store.password', given.password);
  if (username && !password) {
    fail(
      'store.username',
      '{{store.username}} needs {{store.password}}: Redis authenticates an ACL user with both',
    );
  }
  return { nodes, username, password, tls: booleanOption('store.tls', given.tls), keyPrefix };
}

/** Trimmed `host:port` entries; a bracketed IPv6 host such as `[::1]:7000` is fine. */
function clusterNodes(nodes: unknown): string[] {
  const list = (Array.isArray(nodes) ? nodes : [])
    .map((n) => String(n).trim())
    .filter((n) => n.length > 0);
  if (list.length === 0) {
    fail(
      'store.nodes',
      '{{store.kind=cluster}} needs {{store.nodes}}, e.g. {{store.nodes=10.0.0.1:6379,10.0.0.2:6379}}',
    );
  }
  for (const [i, node] of list.entries()) {
    const port = Number(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(node)?.[1]);
    // The entry is not echoed: a mistyped list may hold a password.
    if (!(port >= 1 && port <= 65535)) {
      fail('store.nodes', `{{store.nodes}} entry ${i + 1} is not host:port, e.g. 10.0.0.5:6379`);
    }
  }
  return list;
}

/** Free text (any character may appear in a password); empty counts as unset. */
function credential(path: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') fail(path, `{{${path}}} must be a string`);
  return value;
}
