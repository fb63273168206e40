// Scenario B: what the guarded route costs with the stock parts and no Nest: Express 5,
// express-session and connect-redis with their documented defaults (so one EXPIRE per request
// from express-session's touch), and a three-line guard.
import { RedisStore } from 'connect-redis';
import express, { type RequestHandler } from 'express';
import session, { type Session } from 'express-session';
import { createClient } from 'redis';

interface BaselineProfile {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
}

// A cast instead of `declare module 'express-session'`: the library already augments
// SessionData.profile with its own type, and the root tsconfig sees both files.
type BaselineSession = Session & { profile?: BaselineProfile };

const redis = createClient({ url: process.env.REDIS_URL });
redis.on('error', (error: Error) => console.error('redis:', error.message));
await redis.connect();

const app = express();
app.use(express.json());
app.use(
  session({
    name: 'sid',
    secret: process.env.SESSION_SECRET ?? '',
    resave: false,
    saveUninitialized: false,
    store: new RedisStore({ client: redis, prefix: 'baseline:' }),
    cookie: { httpOnly: true, sameSite: 'lax', secure: false, maxAge: 30 * 60 * 1000 },
  }),
);

const requireSession: RequestHandler = (req, res, next) => {
  if ((req.session as BaselineSession).profile) return next();
  res.status(401).json({ statusCode: 401, message: 'Unauthorized' });
};

app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

// No password check: this baseline is about the cost of a guarded read, not of logging in.
app.post('/login', (req, res, next) => {
  req.session.regenerate((error) => {
    if (error) return next(error);
    const email = String(req.body?.email ?? 'baseline@example.com');
    const profile: BaselineProfile = {
      id: 'u-baseline',
      email,
      displayName: 'Baseline',
      roles: [],
    };
    (req.session as BaselineSession).profile = profile;
    res.json({ profile });
  });
});

app.get('/me', requireSession, (req, res) => {
  res.json({ profile: (req.session as BaselineSession).profile });
});

const server = app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`express-session-baseline listening on port ${process.env.PORT}`);
});
process.once('SIGTERM', () => {
  server.close(() => void redis.quit().finally(() => process.exit(0)));
  server.closeAllConnections();
});
