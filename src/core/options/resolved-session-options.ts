import type {
  CustomStoreOptions,
  LoginThrottleOptions,
  PasswordHashOptions,
  SameSiteSetting,
  SecondFactorOptions,
} from './session-options.interface.js';

/** The store settings with every default filled in, one shape per kind. */
export type ResolvedStoreOptions = { timeoutMs: number } & (
  | { kind: 'redis'; url: string; keyPrefix: string }
  | {
      kind: 'cluster';
      nodes: string[];
      username?: string;
      password?: string;
      tls: boolean;
      keyPrefix: string;
    }
  | { kind: 'postgres'; url: string; pruneIntervalSeconds: number }
  | { kind: 'memory'; max: number }
  | { kind: 'custom'; backend: CustomStoreOptions['backend'] }
);

/** The resolved settings of one store kind. */
export type ResolvedStoreOf<K extends ResolvedStoreOptions['kind']> = Extract<
  ResolvedStoreOptions,
  { kind: K }
>;

/** `SessionModuleOptions` after `resolveSessionOptions`: checked, with every default filled in. */
export interface ResolvedSessionOptions {
  secrets: string[];
  /** True when no secret was given and one was generated (development only). */
  generatedSecret: boolean;
  production: boolean;
  store: ResolvedStoreOptions;
  /** Undefined: no cap. */
  maxSessionsPerUser?: number;
  cookie: { name: string; secure: boolean; sameSite: SameSiteSetting; domain?: string };
  timeouts: {
    idleSeconds: number;
    absoluteSeconds: number;
    touchFraction: number;
    /** Milliseconds between two extensions of a session's expiry (idleSeconds × touchFraction). */
    touchIntervalMs: number;
    recentLoginSeconds: number;
  };
  rememberMe: { enabled: boolean; ttlSeconds: number; raceWindowSeconds: number };
  csrf: { enabled: boolean; cookieName: string; headerName: string };
  cors: { origins: string[] };
  loginThrottle: Required<LoginThrottleOptions>;
  passwordHash: Required<PasswordHashOptions>;
  audit: { log: boolean };
  secondFactor: Required<SecondFactorOptions>;
  trustProxy?: string | number | boolean;
  loginUrl: string;
  securityHeaders: boolean;
}
