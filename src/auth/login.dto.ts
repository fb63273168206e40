import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class LoginDto {
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  // Bounded before any hashing: a megabyte password would tie up argon2 for nothing.
  @IsString()
  @Length(1, 128, { message: 'password must be 1 to 128 characters' })
  password!: string;

  /** Where a form login returns to; used only when it is a same-origin path. */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  next?: string;

  /**
   * Keep this browser signed in beyond its session (a remember-me cookie). A form's checkbox
   * sends `on` (or its `value`, e.g. `true`); anything but a boolean is refused.
   */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'on' || value === 'true' ? true : value))
  @IsBoolean({ message: 'remember must be true or false' })
  remember?: boolean;
}
