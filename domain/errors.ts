// Domain errors: named classes with a stable machine code; the HTTP edge maps each code to a status once.

export type ErrorCode =
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'email_taken'
  | 'seats_exhausted'
  | 'license_expired'
  | 'idempotency_key_reused'
  | 'seats_overcommitted'
  | 'roaming_not_allowed'
  | 'server_unlicensed'
  | 'invalid_license_file'
  | 'rate_limited'
  | 'busy'
  | 'user_disabled'
  | 'last_admin';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidRequestError extends DomainError {
  readonly code = 'invalid_request' as const;
}
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported_media_type' as const;
}
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large' as const;
}
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized' as const;
}
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden' as const;
}
export class NotFoundError extends DomainError {
  readonly code = 'not_found' as const;
  /** What was looked for, e.g. "license"; the message never says whether it exists in another account. */
  constructor(what: string) {
    // An account is looked for among all accounts (back office), everything else within the caller's account.
    super(
      what === 'account'
        ? 'No account with that id exists; check the id and try again.'
        : `No ${what} with that id exists in your account; check the id and try again.`,
    );
  }
}
export class EmailTakenError extends DomainError {
  readonly code = 'email_taken' as const;
  constructor() {
    super('A user with that email already exists; use another email address.');
  }
}
export class SeatsExhaustedError extends DomainError {
  readonly code = 'seats_exhausted' as const;
}
export class LicenseExpiredError extends DomainError {
  readonly code = 'license_expired' as const;
  /** validFrom: given when the license has not started yet (it is refused with the same code). */
  constructor(licenseId: string, validFrom?: string) {
    super(
      validFrom
        ? `License ${licenseId} is not valid until ${validFrom}; use it from then on.`
        : `License ${licenseId} has expired; renew it before using it.`,
    );
  }
}
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'idempotency_key_reused' as const;
  constructor() {
    super('This idempotency-key was already used with a different request body; use a new key.');
  }
}
export class SeatsOvercommittedError extends DomainError {
  readonly code = 'seats_overcommitted' as const;
}
export class RoamingNotAllowedError extends DomainError {
  readonly code = 'roaming_not_allowed' as const;
}
export class ServerUnlicensedError extends DomainError {
  readonly code = 'server_unlicensed' as const;
  constructor() {
    super('This server holds no valid Server license; acquire one before users sign in.');
  }
}
export class InvalidLicenseFileError extends DomainError {
  readonly code = 'invalid_license_file' as const;
}
/** API.md: a sign-in for a disabled user → 403 user_disabled. */
export class UserDisabledError extends DomainError {
  readonly code = 'user_disabled' as const;
  constructor() {
    super('This user is disabled and cannot sign in; ask an administrator of your account to enable them.');
  }
}
/** API.md: the account always keeps one enabled administrator → 409 last_admin. */
export class LastAdminError extends DomainError {
  readonly code = 'last_admin' as const;
}
/** A rate limit refused the request; retryAfterSeconds (whole seconds, ≥ 1) goes into the retry-after header. */
export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited' as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
export class BusyError extends DomainError {
  readonly code = 'busy' as const;
  /** retryAfterSeconds: what retry-after says; message: what is busy (defaults to contended seats). */
  constructor(
    readonly retryAfterSeconds = 1,
    message = 'The portal is busy with other requests for the same seats; retry after a moment.',
  ) {
    super(message);
  }
}
