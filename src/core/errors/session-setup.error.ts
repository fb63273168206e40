/** A boot-time setup mistake: the message says what to change. */
export class SessionSetupError extends Error {
  /**
   * @param path The option at fault (`cookie.sameSite`), when there is one: the message names it
   *   by path for `forRoot` options and by variable for options read from the environment.
   */
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(`SessionModule: ${message}`);
    this.name = 'SessionSetupError';
  }
}
