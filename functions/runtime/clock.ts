// The portal's clock: real time in Lambda; the local runtime's tests may move it to exercise expiry.
let override: (() => Date) | null = null;

export function now(): Date {
  return override ? override() : new Date();
}

/** Tests and the local demo only: make now() answer another time; pass null to return to real time. */
export function setClock(fn: (() => Date) | null): void {
  override = fn;
}

/**
 * Real time, never moved by setClock: token lifetimes and rate-limit windows follow it, because token issuers
 * (Cognito) and DynamoDB's TTL live in real time while the licensing clock may be moved in tests and demos.
 */
export function wallClock(): Date {
  return new Date();
}
