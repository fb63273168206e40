import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { GuestOnly, SessionGuard, SessionModule, USER_DIRECTORY } from '../../src/index.js';
import { InMemoryUserDirectory, signIn as signInAgent } from '../../src/testing/index.js';
import { type RunningApp, signIn, startDemoApp, TEST_SECRET } from '../support/apps/demo-app.js';
import { nestLogs } from '../support/runner/capture-logger.js';

const BROWSER = { Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' };

describe("@GuestOnly() on the demo's sign-in page", () => {
  let running: RunningApp;
  let cookie: string;
  beforeAll(async () => {
    running = await startDemoApp({ SESSION_STORE: 'memory' });
    cookie = (await signIn(running.server)).cookie;
  });
  afterAll(() => running?.close());

  it('shows the form to a signed-out browser', async () => {
    const res = await request(running.server).get('/login').set(BROWSER);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<form');
  });

  it.each([
    ['/login', '/'],
    ['/login?next=%2Fprofile%3Ftab%3D2', '/profile?tab=2'],
    // Never off-site, whatever next says.
    ['/login?next=%2F%2Fevil.example', '/'],
    ['/login?next=https%3A%2F%2Fevil.example%2F', '/'],
    ['/login?next=%2F%5Cevil.example', '/'],
  ])('sends a signed-in browser from %s on to %s, with no body', async (path, location) => {
    const res = await request(running.server).get(path).set(BROWSER).set('Cookie', cookie);
    expect([res.status, res.headers.location, res.text ?? '']).toEqual([302, location, '']);
  });

  it('answers a signed-in API call 409 already_authenticated', async () => {
    const res = await request(running.server)
      .get('/login')
      .set('Accept', 'application/json')
      .set('Cookie', cookie);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      statusCode: 409,
      code: 'already_authenticated',
      message: 'You are already signed in. Sign out first to use this page.',
    });
  });
});

@Controller('register')
@UseGuards(SessionGuard)
class RegisterController {
  @GuestOnly()
  @Get()
  form(): { form: string } {
    return { form: 'sign up' };
  }

  @Get('done')
  done(): { done: boolean } {
    return { done: true };
  }
}

describe('@GuestOnly() with @UseGuards(SessionGuard) on a controller, no global guard', () => {
  let app: INestApplication;
  beforeAll(async () => {
    @Module({
      imports: [SessionModule.forRoot({ secrets: [TEST_SECRET], store: { kind: 'memory' } })],
      controllers: [RegisterController],
      providers: [
        {
          provide: USER_DIRECTORY,
          useValue: new InMemoryUserDirectory([
            { email: 'ada@example.com', password: 'a passphrase' },
          ]),
        },
      ],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .setLogger(nestLogs())
      .compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
  });
  afterAll(() => app?.close());

  it('opens the marked route to guests only, and leaves the rest guarded', async () => {
    const guest = request(app.getHttpServer());
    await guest.get('/register').expect(200, { form: 'sign up' });
    expect((await guest.get('/register/done')).status).toBe(401);

    const agent = await signInAgent(app, { email: 'ada@example.com', password: 'a passphrase' });
    const again = await agent.get('/register');
    expect([again.status, again.body.code]).toEqual([409, 'already_authenticated']);
    await agent.get('/register/done').expect(200, { done: true });
  });
});
