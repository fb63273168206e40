import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Six digits, or a recovery code as shown (`a1b2c-3d4e5-f6a7b-8c9d0`, spaces and case free). */
const CODE = /^(\d{6}|[0-9A-Fa-f\s-]{20,32})$/;
const CODE_MESSAGE =
  'code must be the 6-digit code from the authenticator app, or a recovery code such as ' +
  'a1b2c-3d4e5-f6a7b-8c9d0';

/** Body of `POST /auth/second-factor`, `…/disable`: a TOTP code or a recovery code. */
export class SecondFactorCodeDto {
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code!: string;

  /** Where a form sign-in returns to; used only when it is a same-origin path. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  next?: string;
}

/** Body of `POST /auth/second-factor/enrol/confirm`: the first code of the new secret. */
export class SecondFactorConfirmDto {
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6-digit code from the authenticator app' })
  code!: string;
}

/** Body of `POST /auth/second-factor/recovery-codes`: a code, unless the sign-in is recent. */
export class RecoveryCodesDto {
  @IsOptional()
  @IsString()
  @Matches(CODE, { message: CODE_MESSAGE })
  code?: string;
}
