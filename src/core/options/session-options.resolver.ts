import { randomBytes } from 'node:crypto';
import { SessionSetupError } from '../errors/session-setup.error.js';
import { isExactOrigin } from './cors-origins.js';
import {
  booleanOption,
  choiceOption,
  describe,
  fail,
  numberOption,
  OptionProblem,
  textOption,
} from './option-checks.js';
import type { ResolvedSessionOptions } from './resolved-session-options.js';
import { optionsFromEnvironment } from './session-env.table.js';
import type {
  SameSiteSetting,
  SessionModuleOptions,
  SessionStoreOptions,
} from './session-options.interface.js';
import { SECRET_COMMAND, secretWeakness } from './secret-strength.js';
import { OPTION_RULES } from './session-options.rules.js';
import { resolveStoreOptions } from './store-options.resolver.js';
import { isTrustProxyEntry, trustProxyEntries } from './trust-proxy.js';

export { SessionSetupError };
export type { ResolvedSessionOptions };

/**
 * Fills every default and checks every bound (OPTION_RULES), then refuses combinations that
 * cannot work or are unsafe, in production above all. The one place options are decided, for
 * `forRoot`, `forRootAsync` and the environment alike. A mistake throws a SessionSetupError
 * that names the option (`cookie.sameSite`), or the variable when the options came from
 * `sessionOptionsFromEnv` (`COOKIE_SAMESITE`), and says how to fix it.
 */
export function resolveSessionOptions(options: SessionModuleOptions): ResolvedSessionOptions {
  try {
    return resolve(options);
  } catch (err) {
    if (!(err instanceof OptionProblem)) throw err;
    const fromEnv = optionsFromEnvironment.has(options);
    const kind = (options.store as Partial<SessionStoreOptions> | undefined)?.kind;
    throw new SessionSetupError(describe(err.template, fromEnv, kind), err.path);
  }
}

function resolve(o: SessionModuleOptions): ResolvedSessionOptions {
  const production = booleanOption('production', o.production);
  const { secrets, generatedSecret } = resolveSecrets(o.secrets, production);
  const store = resolveStoreOptions(o.store, production);
  const cookie = resolveCookie(o.cookie ?? {}, production);
  const idleSeconds = numberOption('timeouts.idleSeconds', o.timeouts?.idleSeconds);
  const touchFraction = numberOption('timeouts.touchFraction', o.timeouts?.touchFraction);
  const csrfCookieName =
    textOption('csrf.cookieName', o.csrf?.cookieName) ?? csrfCookieDefault(cookie.name);
  if (csrfCookieName === cookie.name) {
    fail(
      'csrf.cookieName',
      `{{csrf.cookieName}} must differ from the session cookie name (${cookie.name}).`,
    );
  }
  return {
    secrets,
    generatedSecret,
    production,
    store,
    maxSessionsPerUser:
      o.maxSessionsPerUser === undefined
        ? undefined
        : numberOption('maxSessionsPerUser', o.maxSessionsPerUser),
    cookie,
    timeouts: {
      idleSeconds,
      absoluteSeconds: numberOption('timeouts.absoluteSeconds', o.timeouts?.absoluteSeconds),
      touchFraction,
      touchIntervalMs: Math.round(idleSeconds * 1000 * touchFraction),
      recentLoginSeconds: numberOption(
        'timeouts.recentLoginSeconds',
        o.timeouts?.recentLoginSeconds,
      ),
    },
    rememberMe: {
      enabled: booleanOption('rememberMe.enabled', o.rememberMe?.enabled),
      ttlSeconds: numberOption('rememberMe.ttlSeconds', o.rememberMe?.ttlSeconds),
      raceWindowSeconds: numberOption(
        'rememberMe.raceWindowSeconds',
        o.rememberMe?.raceWindowSeconds,
      ),
    },
    csrf: {
      enabled: booleanOption('csrf.enabled', o.csrf?.enabled),
      cookieName: csrfCookieName,
      headerName: textOption('csrf.headerName', o.csrf?.headerName)!,
    },
    cors: { origins: resolveCorsOrigins(o.cors?.origins ?? [], production) },
    loginThrottle: resolveLoginThrottle(o.loginThrottle ?? {}),
    passwordHash: {
      memoryCost: numberOption('passwordHash.memoryCost', o.passwordHash?.memoryCost),
      timeCost: numberOption('passwordHash.timeCost', o.passwordHash?.timeCost),
      parallelism: numberOption('passwordHash.parallelism', o.passwordHash?.parallelism),
    },
    audit: { log: booleanOption('audit.log', o.audit?.log) },
    secondFactor: {
      pendingSeconds: numberOption('secondFactor.pendingSeconds', o.secondFactor?.pendingSeconds),
      issuer: textOption('secondFactor.issuer', o.secondFactor?.issuer)!,
      pageUrl: textOption('secondFactor.pageUrl', o.secondFactor?.pageUrl)!,
    },
    trustProxy: resolveTrustProxy(o.trustProxy, production),
    loginUrl: textOption('loginUrl', o.loginUrl)!,
    securityHeaders: booleanOption('securityHeaders', o.securityHeaders),
  };
}

function resolveSecrets(given: readonly string[] | undefined, production: boolean) {
  const secrets = (given ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
  if (secrets.length === 0) {
    if (production) {
      fail(
        'secrets',
        '{{secrets}} is required when {{production=true}}. ' +
          `Generate one with: ${SECRET_COMMAND}`,
      );
    }
    // Development only: a per-process secret means sessions end on restart, which is fine there.
    return { secrets: [randomBytes(32).toString('base64url')], generatedSecret: true };
  }
  for (const [i, secret] of secrets.entries()) {
    const weakness = production ? secretWeakness(secret) : undefined;
    if (weakness) {
      fail(
        'secrets',
        `{{secrets}} entry ${i + 1} is too weak for {{production=true}}: ${weakness}. ` +
          `Generate one with: ${SECRET_COMMAND}`,
      );
    }
  }
  return { secrets, generatedSecret: false };
}

/**
 * `__Host-XSRF-TOKEN` beside a `__Host-` session cookie: the browser then takes the CSRF cookie
 * only from this very host, over HTTPS, so a sibling subdomain cannot plant a pre-session token
 * of its choosing (only the Origin check would stop that login CSRF). Else `XSRF-TOKEN`, axios's
 * default name.
 */
function csrfCookieDefault(sessionCookieName: string): string {
  return sessionCookieName.startsWith('__Host-') ? '__Host-XSRF-TOKEN' : 'XSRF-TOKEN';
}

function resolveCookie(
  given: NonNullable<SessionModuleOptions['cookie']>,
  production: boolean,
): ResolvedSessionOptions['cookie'] {
  // The one Secure default: HTTPS-only in production, plain HTTP in development.
  const secure = given.secure ?? production;
  if (typeof secure !== 'boolean') fail('cookie.secure', '{{cookie.secure}} must be true or false');
  const sameSite = choiceOption('cookie.sameSite', given.sameSite) as SameSiteSetting;
  const name = textOption('cookie.name', given.name) ?? (secure ? '__Host-sid' : 'sid');
  const domain = textOption('cookie.domain', given.domain);
  // Browsers drop SameSite=None cookies that are not Secure, so the session would silently vanish.
  if (sameSite === 'none' && !secure) {
    fail(
      'cookie.sameSite',
      '{{cookie.sameSite=none}} requires a Secure cookie: set {{cookie.secure=true}} ' +
        '(and serve HTTPS).',
    );
  }
  // Browsers refuse __Host- cookies that are not Secure or carry a Domain.
  if (name.startsWith('__Host-') && (!secure || domain)) {
    fail(
      'cookie.name',
      `{{cookie.name=${name}}} needs {{cookie.secure=true}} and no {{cookie.domain}} ` +
        '(browsers reject __Host- cookies otherwise).',
    );
  }
  if (name.startsWith('__Secure-') && !secure) {
    fail('cookie.name', `{{cookie.name=${name}}} needs {{cookie.secure=true}}.`);
  }
  // No escape hatch: behind a TLS-terminating proxy, trustProxy makes the Secure cookie work; a
  // production build tried over plain HTTP on a laptop runs as development instead.
  if (production && !secure) {
    fail(
      'cookie.secure',
      '{{cookie.secure=false}} is refused when {{production=true}}: the session cookie would ' +
        'travel over plain HTTP. Serve HTTPS (behind a TLS proxy, set {{trustProxy}} to it) and ' +
        'leave {{cookie.secure}} unset.',
    );
  }
  return { name, secure, sameSite, domain };
}

function resolveLoginThrottle(
  given: NonNullable<SessionModuleOptions['loginThrottle']>,
): ResolvedSessionOptions['loginThrottle'] {
  const limits = {
    accountMaxFailures: numberOption('loginThrottle.accountMaxFailures', given.accountMaxFailures),
    accountLockoutSeconds: numberOption(
      'loginThrottle.accountLockoutSeconds',
      given.accountLockoutSeconds,
    ),
    accountMaxLockoutSeconds: numberOption(
      'loginThrottle.accountMaxLockoutSeconds',
      given.accountMaxLockoutSeconds,
    ),
    ipMaxFailures: numberOption('loginThrottle.ipMaxFailures', given.ipMaxFailures),
    ipWindowSeconds: numberOption('loginThrottle.ipWindowSeconds', given.ipWindowSeconds),
  };
  if (limits.accountMaxLockoutSeconds < limits.accountLockoutSeconds) {
    fail(
      'loginThrottle.accountMaxLockoutSeconds',
      '{{loginThrottle.accountMaxLockoutSeconds}} must be at least ' +
        `{{loginThrottle.accountLockoutSeconds}} (${limits.accountMaxLockoutSeconds} < ` +
        `${limits.accountLockoutSeconds})`,
    );
  }
  return limits;
}

function resolveCorsOrigins(origins: readonly string[], production: boolean): string[] {
  const list = origins.map((o) => o.trim()).filter((o) => o.length > 0);
  for (const [i, origin] of list.entries()) {
    if (!isExactOrigin(origin)) {
      fail(
        'cors.origins',
        `{{cors.origins}} entry ${i + 1} (${JSON.stringify(origin)}) is not an exact origin: ` +
          'write scheme://host[:port] such as https://app.example.com, with no path, no ' +
          'trailing slash and no *.',
      );
    }
    // A page served over HTTP can be rewritten by anyone on its network, then call the API with
    // the user's cookie; only development (localhost) has a reason to allow one.
    if (production && origin.startsWith('http:')) {
      fail(
        'cors.origins',
        `{{cors.origins}} entry ${i + 1} (${JSON.stringify(origin)}) is plain HTTP, refused ` +
          'when {{production=true}}: allow the https:// origin the app is served from.',
      );
    }
  }
  return list;
}

const TRUST_PROXY_FORMS =
  'loopback, linklocal, uniquelocal, an IP address or range such as 10.0.0.0/8 (comma-separated), or a hop count such as 1';

function resolveTrustProxy(
  value: unknown,
  production: boolean,
): ResolvedSessionOptions['trustProxy'] {
  if (value === undefined || value === false) return value;
  if (value === true) {
    // Trusting every hop lets any client forge X-Forwarded-For (its own rate-limit bucket per
    // request) and X-Forwarded-Proto. Naming the proxy does everything `true` does for it.
    if (production) {
      fail(
        'trustProxy',
        '{{trustProxy=true}} is refused when {{production=true}}: it believes X-Forwarded-For ' +
          'and X-Forwarded-Proto from any client. Name the proxy instead: {{trustProxy=loopback}} ' +
          'for nginx on this host, its address (10.0.0.5), or the hop count (1).',
      );
    }
    return value;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const bad = trustProxyEntries(value).find((entry) => !isTrustProxyEntry(entry));
    if (bad === undefined) return value;
    fail(
      'trustProxy',
      `{{trustProxy}} entry ${JSON.stringify(bad)} is not valid: write ${TRUST_PROXY_FORMS}.`,
    );
  }
  fail('trustProxy', `{{trustProxy}} must be ${TRUST_PROXY_FORMS}.`);
}

/** OWASP's argon2id parameters (m=19456 KiB, t=2, p=1): the `passwordHash` defaults. */
export const DEFAULT_PASSWORD_HASH_OPTIONS: Readonly<ResolvedSessionOptions['passwordHash']> = {
  memoryCost: OPTION_RULES['passwordHash.memoryCost'].default,
  timeCost: OPTION_RULES['passwordHash.timeCost'].default,
  parallelism: OPTION_RULES['passwordHash.parallelism'].default,
};
