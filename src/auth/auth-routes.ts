import { Controller, type Type } from '@nestjs/common';
import { DEFAULT_ROUTES_PATH } from '../core/http/session-routes.js';
import { AuthController } from './auth.controller.js';
import { PasswordController } from './password.controller.js';
import { SecondFactorController } from './second-factor.controller.js';
import { SessionsController } from './sessions.controller.js';

/** The module's controllers, all at `@Controller('auth')`. */
const AUTH_CONTROLLERS: readonly Type[] = [
  AuthController,
  SessionsController,
  PasswordController,
  SecondFactorController,
];

const byPath = new Map<string, readonly Type[]>();

/**
 * The module's controllers mounted at `path`. For another path than `auth`, each is a subclass
 * that only replaces `@Controller`'s path: routes, guards, pipes and constructor injection are
 * inherited through the metadata Nest reads. One set per path, so two apps in one process (tests)
 * with different paths each get their own, and the same path reuses the same classes.
 */
export function authControllers(path: string): readonly Type[] {
  if (path === DEFAULT_ROUTES_PATH) return AUTH_CONTROLLERS;
  let controllers = byPath.get(path);
  if (!controllers) {
    controllers = AUTH_CONTROLLERS.map((base) => {
      const named = { [base.name]: class extends base {} }[base.name];
      Controller(path)(named);
      return named;
    });
    byPath.set(path, controllers);
  }
  return controllers;
}
