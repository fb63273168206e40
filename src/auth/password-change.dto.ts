import { IsString, Length } from 'class-validator';

/** Body of `POST /auth/password`. */
export class PasswordChangeDto {
  // Bounded before hashing, like the login password.
  @IsString()
  @Length(1, 128, { message: 'currentPassword must be 1 to 128 characters' })
  currentPassword!: string;

  // 12 to 128 characters of anything: no composition rules, long passphrases welcome
  // (ASVS 5.0 V6.2.1, V6.2.5, V6.2.9). Not trimmed: checked exactly as typed (V6.2.8).
  @IsString()
  @Length(12, 128, { message: 'newPassword must be 12 to 128 characters' })
  newPassword!: string;
}
