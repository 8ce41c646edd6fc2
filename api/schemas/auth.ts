import type { UserView } from '../../db/users.js';
import { z } from 'zod';
import { Roles } from '../../core/domain.js';
import { Instant } from './common.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Lower-case letters, upper-case letters, digits, everything else (symbols, spaces, non-ASCII). */
const CHARACTER_CLASSES = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];

export const characterClassCount = (password: string): number =>
  CHARACTER_CLASSES.filter((c) => c.test(password)).length;

/** Email as stored: trimmed and lower-cased before it is validated, compared or saved. */
export const EmailInput = z.string().trim().toLowerCase().email().max(254).meta({ example: 'ada@example.com' });

export const NewPassword = z
  .string()
  .min(PASSWORD_MIN)
  .max(PASSWORD_MAX)
  .refine((p) => characterClassCount(p) >= 2, {
    message: 'password must mix at least two of: lower-case letters, upper-case letters, digits, other characters',
  })
  .meta({
    description: `${PASSWORD_MIN}–${PASSWORD_MAX} characters, from at least two of the classes lower-case, upper-case, digits, other characters`,
    example: 'correct-horse-7',
  });

export const RegisterBody = z
  .object({
    email: EmailInput,
    password: NewPassword,
    name: z.string().trim().min(1).max(120).meta({ example: 'Ada Lovelace' }),
  })
  .meta({ example: { email: 'ada@example.com', password: 'correct-horse-7', name: 'Ada Lovelace' } });

export const LoginBody = z.object({
  // Not format-checked: a malformed email simply fails to log in (same 401 as a wrong password).
  email: z.string().trim().toLowerCase().min(1).max(254).meta({ example: 'ada@example.com' }),
  password: z.string().min(1).max(1024),
});

export const ChangePasswordBody = z
  .object({
    currentPassword: z.string().min(1).max(1024),
    newPassword: NewPassword,
  })
  .refine((b) => b.newPassword !== b.currentPassword, { path: ['newPassword'], message: 'must differ from the current password' })
  .meta({ example: { currentPassword: 'correct-horse-7', newPassword: 'battery-staple-8' } });

export const UserSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(Roles),
    createdAt: Instant,
  })
  .meta({ id: 'User' });

export const UserEnvelope = z.object({ user: UserSchema }).meta({ id: 'UserEnvelope' });

export const AuthResult = z
  .object({
    user: UserSchema,
    token: z.string().meta({ description: 'JWT; send as `Authorization: Bearer <token>`' }),
    expiresAt: Instant,
  })
  .meta({ id: 'AuthResult' });

export const toUser = (u: UserView): z.input<typeof UserSchema> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
});
