import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { Type } from 'class-transformer';
import { SessionSetupError } from './session-options.resolver.js';

/** The environment variables the session namespace reads, as class-validator sees them. */
export class SessionEnvironment {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsOptional()
  @IsString()
  SESSION_SECRET?: string;

  @IsOptional()
  @IsIn(['redis', 'memory', 'postgres'])
  SESSION_STORE?: string;

  @IsOptional()
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^[^,\s]+:\d{1,5}(,\s*[^,\s]+:\d{1,5})*$/, {
    message:
      '$property must be comma-separated host:port pairs such as 10.0.0.1:6379,10.0.0.2:6379',
  })
  REDIS_CLUSTER_NODES?: string;

  @IsOptional()
  @IsString()
  REDIS_CLUSTER_USERNAME?: string;

  @IsOptional()
  @IsString()
  REDIS_CLUSTER_PASSWORD?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  REDIS_CLUSTER_TLS?: string;

  // Read only for SESSION_STORE=postgres: with another store it may be the app's own MySQL URL.
  @ValidateIf((env: SessionEnvironment) => env.SESSION_STORE === 'postgres')
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, {
    message: '$property must be a postgres:// URL such as postgres://app:secret@127.0.0.1:5432/app',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9:_{}.-]{1,64}$/, {
    message: '$property must be 1-64 characters of A-Z a-z 0-9 : _ { } . -',
  })
  SESSION_KEY_PREFIX?: string;

  @IsOptional()
  @Matches(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, {
    message: '$property must be a valid cookie name token',
  })
  SESSION_COOKIE_NAME?: string;

  @IsOptional()
  @Type(() => Number)
  @Max(31_536_000)
  @Min(1)
  // Last, so it runs first: 'soon' should read "must be an integer", not "must not be greater".
  @IsInt()
  SESSION_IDLE_TIMEOUT?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(31_536_000)
  @Min(1)
  @IsInt()
  SESSION_ABSOLUTE_TIMEOUT?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(10_000)
  @Min(1)
  @IsInt()
  SESSION_MAX_PER_USER?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(0.5)
  @Min(0)
  @IsNumber({}, { message: '$property must be a number from 0 to 0.5, e.g. 0.1' })
  SESSION_TOUCH_FRACTION?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(31_536_000)
  @Min(1)
  @IsInt()
  SESSION_RECENT_LOGIN_WINDOW?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(1000)
  @Min(1)
  @IsInt()
  LOGIN_ACCOUNT_MAX_FAILURES?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(86_400)
  @Min(1)
  @IsInt()
  LOGIN_ACCOUNT_LOCKOUT?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(86_400)
  @Min(1)
  @IsInt()
  LOGIN_ACCOUNT_LOCKOUT_MAX?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(1_000_000)
  @Min(1)
  @IsInt()
  LOGIN_IP_MAX_FAILURES?: number;

  @IsOptional()
  @Type(() => Number)
  @Max(86_400)
  @Min(1)
  @IsInt()
  LOGIN_IP_WINDOW?: number;

  @IsOptional()
  @IsIn(['true', 'false'])
  AUDIT_LOG?: string;

  @IsOptional()
  @Type(() => Number)
  @Max(60_000)
  @Min(50)
  @IsInt()
  SESSION_STORE_TIMEOUT_MS?: number;

  @IsOptional()
  @IsIn(['auto', 'true', 'false'])
  COOKIE_SECURE?: string;

  @IsOptional()
  @IsIn(['lax', 'strict', 'none'])
  COOKIE_SAMESITE?: string;

  @IsOptional()
  @Matches(/^\.?[A-Za-z0-9.-]+$/, { message: '$property must be a host name such as example.com' })
  COOKIE_DOMAIN?: string;

  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  @IsOptional()
  @Matches(/^\/(?![/\\])/, { message: '$property must be a path on this site such as /login' })
  LOGIN_URL?: string;

  /** Comma-separated exact origins; each is checked by resolveSessionOptions. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  CSRF_ENABLED?: string;

  @IsOptional()
  @Matches(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, { message: 'must be a valid cookie name token' })
  CSRF_COOKIE_NAME?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'must be a header name such as X-XSRF-TOKEN' })
  CSRF_HEADER_NAME?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  SECURITY_HEADERS?: string;
}

/**
 * Validates `env` and returns it typed. A bad value stops the boot with one line that names the
 * variable; the value itself is never echoed, since it may be a secret.
 */
export function validateSessionEnvironment(env: NodeJS.ProcessEnv): SessionEnvironment {
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = plainToInstance(SessionEnvironment, defined, { excludeExtraneousValues: false });
  const errors = validateSync(parsed, { stopAtFirstError: true });
  if (errors.length > 0) {
    // class-validator's messages start with the property name: "SESSION_STORE must be one of …".
    const lines = errors.map(
      (e) => Object.values(e.constraints ?? {})[0] ?? `${e.property} is invalid`,
    );
    throw new SessionSetupError(`invalid environment: ${lines.join('; ')}`);
  }
  return parsed;
}
