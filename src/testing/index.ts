// testing/ — helpers for the tests an app writes, published as `nest-session-auth/testing`.
// Not imported by the library itself, so an app's production build never loads supertest.
export { signIn, type SignedInAgent, type SignInOptions } from './sign-in.js';
export { InMemoryUserDirectory, type TestUser } from './in-memory-user.directory.js';
export { InMemorySecondFactors } from './in-memory-second-factors.js';
export { totpCode } from './totp-code.js';
