// Scenario E: what a Nest user gets by following the usual "sessions in NestJS" tutorials
// instead of this library: `app.use(session(...))` in main.ts with connect-redis on a node-redis
// client, `resave: false`, `saveUninitialized: false`, a cookie maxAge (so express-session
// touches the key, one EXPIRE per request), a login route that sets `req.session.user` and a
// ten-line CanActivate guard. No CSRF, no timeouts, no revocation, no security headers: the
// figure to beat for "sessions in Nest", not a setup to copy.
import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  HttpCode,
  HttpStatus,
  Injectable,
  Module,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RedisStore } from 'connect-redis';
import type { Request } from 'express';
import session, { type Session } from 'express-session';
import { createClient } from 'redis';

interface NaiveUser {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
}

// A cast instead of `declare module 'express-session'`: the library already augments
// SessionData with its own fields, and the root tsconfig sees both files.
type NaiveRequest = Request & { session: Session & { user?: NaiveUser } };

@Injectable()
class AuthenticatedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<NaiveRequest>();
    if (!request.session.user) throw new UnauthorizedException();
    return true;
  }
}

@Controller()
class AuthController {
  // No password check, as in the baseline: the bench measures the guarded read, not the login.
  @HttpCode(HttpStatus.OK)
  @Post('login')
  login(@Req() req: NaiveRequest, @Body() body: { email?: string }): { user: NaiveUser } {
    const user = {
      id: 'u-naive',
      email: String(body?.email ?? 'naive@example.com'),
      displayName: 'Naive',
      roles: [],
    };
    req.session.user = user;
    return { user };
  }

  @UseGuards(AuthenticatedGuard)
  @Get('me')
  me(@Req() req: NaiveRequest): { user: NaiveUser | undefined } {
    return { user: req.session.user };
  }
}

@Module({ controllers: [AuthController], providers: [AuthenticatedGuard] })
class AppModule {}

const redisClient = createClient({ url: process.env.REDIS_URL });
redisClient.on('error', (error: Error) => console.error('redis:', error.message));
await redisClient.connect();

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
app.use(
  session({
    // The bench's session cookie name, so its login helper finds the cookie (tutorials keep
    // express-session's default `connect.sid`; the name changes nothing in the cost).
    name: 'sid',
    secret: process.env.SESSION_SECRET ?? '',
    resave: false,
    saveUninitialized: false,
    store: new RedisStore({ client: redisClient }),
    cookie: { httpOnly: true, maxAge: 30 * 60 * 1000 },
  }),
);
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
console.log(`naive-nest listening on ${await app.getUrl()}`);
