// The one exhaustive table from domain error codes to HTTP statuses, and the error body of API.md.
import { BusyError, DomainError, type ErrorCode, RateLimitedError } from '../../domain/errors.js';

export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_license_file: 400,
  unauthorized: 401,
  forbidden: 403,
  server_unlicensed: 403,
  not_found: 404,
  email_taken: 409,
  seats_exhausted: 409,
  license_expired: 409,
  idempotency_key_reused: 409,
  seats_overcommitted: 409,
  roaming_not_allowed: 409,
  unsupported_media_type: 415,
  payload_too_large: 413,
  rate_limited: 429,
  busy: 503,
  user_disabled: 403,
  last_admin: 409,
};

export interface HttpResult {
  statusCode: number;
  /** JSON body; ignored when text is set. */
  body?: unknown;
  /** A non-JSON body (text/plain, text/csv); set content-type in headers. */
  text?: string;
  headers?: Record<string, string>;
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export function errorResult(error: unknown): { result: HttpResult; internal: boolean } {
  if (error instanceof DomainError) {
    const headers: Record<string, string> = {};
    if (error instanceof BusyError || error instanceof RateLimitedError) {
      headers['retry-after'] = String(error.retryAfterSeconds);
    }
    return {
      result: { statusCode: STATUS_OF[error.code], body: errorBody(error.code, error.message), headers },
      internal: false,
    };
  }
  return {
    result: {
      statusCode: 500,
      body: errorBody(
        'internal_error',
        'Something went wrong on our side; try again, and report it if it persists.',
      ),
    },
    internal: true,
  };
}
