// The app's own test, written with nest-session-auth/testing against the running app.
import { signIn } from 'nest-session-auth/testing';
import { USER } from './users.js';

async function check(): Promise<void> {
  const agent = await signIn(process.env.APP_URL ?? '', USER);
  const notes = await agent.get('/notes');
  const added = await agent.post('/notes');
  console.log(
    JSON.stringify({ notes: notes.status, owner: notes.body.owner, added: added.status }),
  );
}

check().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
