// The app's own session fields, merged into the library's SessionData (README, "Use it").
export {};

declare module 'express-session' {
  interface SessionData {
    notes?: string[];
  }
}
