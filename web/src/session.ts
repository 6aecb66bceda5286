// The signed-in user: the bearer token kept in the tab's sessionStorage (gone when the tab closes) and what its
// claims say, for display only: the API decides who may do what from its own store.

const TOKEN_KEY = 'portal.token';
const EMAIL_KEY = 'portal.email';

/** What the page keeps of a sign-in. */
export interface Session {
  token: string;
  email: string;
  /** From the token's claims, for showing and hiding administrators' pages. */
  role: 'Administrator' | 'Operator' | 'Member';
  isAdmin: boolean;
}

/** The part of Storage the session needs (sessionStorage in the page, a Map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A JWT's payload, or {} when it cannot be read. */
export function decodeClaims(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const isTrue = (value: unknown) => value === true || value === 'true';

/** The session of a token: local tokens carry `admin`/`operator`, Cognito ID tokens `custom:admin`/`custom:operator`. */
export function sessionOf(token: string, email: string): Session {
  const claims = decodeClaims(token);
  const isAdmin = isTrue(claims.admin) || isTrue(claims['custom:admin']);
  const isOperator = isTrue(claims.operator) || isTrue(claims['custom:operator']);
  return { token, email, isAdmin, role: isAdmin ? 'Administrator' : isOperator ? 'Operator' : 'Member' };
}

/** The stored session, if any. */
export function loadSession(store: KeyValueStore): Session | null {
  const token = store.getItem(TOKEN_KEY);
  return token ? sessionOf(token, store.getItem(EMAIL_KEY) ?? '') : null;
}

/** Keeps a new session. */
export function saveSession(store: KeyValueStore, session: Session): void {
  store.setItem(TOKEN_KEY, session.token);
  store.setItem(EMAIL_KEY, session.email);
}

/** Forgets the session. */
export function clearSession(store: KeyValueStore): void {
  store.removeItem(TOKEN_KEY);
  store.removeItem(EMAIL_KEY);
}
