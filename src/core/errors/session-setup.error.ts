/** A boot-time setup mistake: the message says what to change. */
export class SessionSetupError extends Error {
  constructor(message: string) {
    super(`SessionModule: ${message}`);
    this.name = 'SessionSetupError';
  }
}
