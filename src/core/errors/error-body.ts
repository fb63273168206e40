/** Body of every error the library answers: a stable `code` to switch on, a message to show. */
export interface SessionErrorBody {
  statusCode: number;
  code: string;
  message: string;
}

export function errorBody(statusCode: number, code: string, message: string): SessionErrorBody {
  return { statusCode, code, message };
}
