import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import { isSessionError } from '../errors/session-auth.exception.js';
import { SessionValidationPipe } from './session-validation.pipe.js';

class NameDto {
  @IsString()
  name!: string;
}

describe('SessionValidationPipe', () => {
  it('refuses a deeply nested body with invalid_request before class-transformer walks it', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i += 1) deep = { deeper: deep };
    const refusal = await new SessionValidationPipe()
      .transform({ name: 'n', deep }, { type: 'body', metatype: NameDto })
      .catch((err: unknown) => err);
    expect(isSessionError(refusal, 'invalid_request')).toBe(true);
  });

  it('still validates a body of normal depth', async () => {
    const dto = await new SessionValidationPipe().transform(
      { name: 'n' },
      { type: 'body', metatype: NameDto },
    );
    expect(dto).toBeInstanceOf(NameDto);
  });
});
