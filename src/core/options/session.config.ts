import { registerAs } from '@nestjs/config';
import { SessionSetupError } from '../errors/session-setup.error.js';
import type { SessionModuleOptions } from './session-options.interface.js';
import {
  optionsFromEnvironment,
  SESSION_ENVIRONMENT,
  storeKindFromEnv,
} from './session-env.table.js';

/**
 * The `session` configuration namespace, read from the environment at boot.
 * Use it with `SessionModule.forRootAsync({ inject: [sessionConfig.KEY], useFactory: (c) => c })`.
 */
export const sessionConfig = registerAs('session', (): SessionModuleOptions => {
  return sessionOptionsFromEnv(process.env);
});

/**
 * Maps the environment onto `SessionModuleOptions` through SESSION_ENVIRONMENT. It reads text
 * into values and nothing more: defaults and bounds are the resolver's, which then names the
 * variable (not the option path) in its errors. A value is never echoed: it may be a secret.
 */
export function sessionOptionsFromEnv(env: NodeJS.ProcessEnv): SessionModuleOptions {
  const set = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]),
  );
  const kind = storeKindFromEnv(set);
  const options: Record<string, unknown> = { secrets: [] };
  for (const row of SESSION_ENVIRONMENT) {
    const raw = set[row.env];
    if (raw === undefined || (row.kinds && !row.kinds.includes(kind ?? ''))) continue;
    const parsed = row.parse(raw);
    if ('problem' in parsed) {
      throw new SessionSetupError(`invalid environment: ${row.env} ${parsed.problem}`, row.path);
    }
    if (parsed.value !== undefined) setPath(options, row.path, parsed.value);
  }
  if (kind) setPath(options, 'store.kind', kind);
  optionsFromEnvironment.add(options);
  return options as unknown as SessionModuleOptions;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}
