import {
  type ArgumentMetadata,
  Injectable,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { SessionAuthException, type SessionFieldError } from '../errors/session-auth.exception.js';
import { assertBodyDepth } from './body-depth.js';

/**
 * The validation of the module's own routes, whatever global pipes the app sets: unknown fields
 * are refused rather than dropped (a typo in a field name fails loudly), and a refusal is the
 * module's usual error body, `{ statusCode: 400, code: 'invalid_request', message, errors }`.
 * Apps that write their own login route on `AuthService` can use it too:
 * `@UsePipes(SessionValidationPipe)`.
 */
@Injectable()
export class SessionValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) =>
        new SessionAuthException('invalid_request', { errors: fieldErrors(errors) }),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') assertBodyDepth(value);
    return super.transform(value, metadata);
  }
}

/** class-validator's tree of errors as a flat list, nested fields named by their path. */
function fieldErrors(errors: ValidationError[], parent?: string): SessionFieldError[] {
  return errors.flatMap((error) => {
    const field = parent === undefined ? error.property : `${parent}.${error.property}`;
    return [
      ...Object.values(error.constraints ?? {}).map((message) => ({ field, message })),
      ...fieldErrors(error.children ?? [], field),
    ];
  });
}
