// The Users page's rules, apart from the browser: roles typed as a list, the form's checks before anything is
// sent, and a change sent as only what changed.
import type { operations, Schemas } from '../../client/index.js';

/** A user of the account as the API answers it. */
export type User = Schemas['User'];
/** The body of POST /v1/users. */
export type NewUser = operations['addUser']['requestBody']['content']['application/json'];
/** The body of PATCH /v1/users/{userId}. */
export type UserPatch = operations['updateUser']['requestBody']['content']['application/json'];

/** The built-in role every user is in; the API always keeps it. */
export const ALL_USERS = 'All Users';
/** The shortest password the API takes. */
export const MIN_PASSWORD = 12;

/** A user as people know them: "Dana Reyes (dana@acme.example)", or the email alone. */
export function userLabel(user: Pick<User, 'email' | 'name'>): string {
  return user.name ? `${user.name} (${user.email})` : user.email;
}

/** The roles a user was given, without the built-in All Users. */
export function ownRoles(user: Pick<User, 'roles'>): string[] {
  return user.roles.filter((role) => role !== ALL_USERS);
}

/** Roles typed as "Designers, Librarians": trimmed, each once (whatever its case), All Users left out. */
export function parseRoles(text: string): string[] {
  const seen = new Set<string>();
  const roles: string[] = [];
  for (const part of text.split(',')) {
    const role = part.trim().replace(/\s+/g, ' ');
    const key = role.toLowerCase();
    if (!role || key === ALL_USERS.toLowerCase() || seen.has(key)) continue;
    seen.add(key);
    roles.push(role);
  }
  return roles;
}

/** What the user form edits; roles as typed. */
export interface UserDraft {
  email: string;
  name: string;
  password: string;
  roles: string;
  admin: boolean;
}

/** An empty form for a new user. */
export const NEW_USER: UserDraft = { email: '', name: '', password: '', roles: '', admin: false };

/** The form filled with a user's values (no password: it is never shown, and only set at creation). */
export function draftOf(user: User): UserDraft {
  return {
    email: user.email,
    name: user.name,
    password: '',
    roles: ownRoles(user).join(', '),
    admin: user.admin,
  };
}

// A plain check that catches typos before the API (which decides) is asked: something@something.something.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The body of a new user, or the sentence saying which field to fix. */
export function newUserBody(draft: UserDraft): { body: NewUser } | { error: string } {
  const email = draft.email.trim();
  if (!EMAIL.test(email)) return { error: 'Enter the user’s email address (name@company.example).' };
  if (draft.password.length < MIN_PASSWORD)
    return { error: `The password must have at least ${MIN_PASSWORD} characters.` };
  const name = draft.name.trim();
  return {
    body: {
      email,
      password: draft.password,
      ...(name ? { name } : {}),
      roles: parseRoles(draft.roles),
      admin: draft.admin,
    },
  };
}

/** Only the fields the form changed (PATCH changes the named fields); null when nothing changed. */
export function userPatch(user: User, draft: UserDraft): UserPatch | null {
  const patch: UserPatch = {};
  const name = draft.name.trim();
  if (name !== user.name) patch.name = name;
  const roles = parseRoles(draft.roles);
  const before = ownRoles(user);
  const same = roles.length === before.length && roles.every((role) => before.some((had) => had === role));
  if (!same) patch.roles = roles;
  if (draft.admin !== user.admin) patch.admin = draft.admin;
  return Object.keys(patch).length ? patch : null;
}

/** "Designers, Librarians" or "All Users only". */
export function rolesText(user: Pick<User, 'roles'>): string {
  const own = ownRoles(user);
  return own.length ? own.join(', ') : `${ALL_USERS} only`;
}
