// NEXUS servers' own identity: the domain rules (a server caller from the store, what a server token may call, its
// own server only), the secret's shape and hash, server tokens and the claims adapter telling them apart.
import { describe, expect, it } from 'vitest';
import { actorOf } from '../../domain/audit.js';
import { credentialIdOfSecret } from '../../domain/credentials.js';
import {
  accessVerdict,
  namesAnotherServer,
  type ServerCaller,
  type StoredServerPrincipal,
  serverCaller,
} from '../../domain/identity.js';
import { subjectFromClaims } from '../../functions/http/claims.js';
import { hashSecret, newSecret, secretMatches } from '../../functions/identity/credential-secrets.js';
import { issueServerToken, verifyServerToken } from '../../functions/identity/server-tokens.js';
import { issueLocalToken, verifyLocalToken } from '../../functions/identity/tokens.js';

const subject = { kind: 'server', credentialId: 'crd_1', serverId: 'srv_1', accountId: 'acc_1' } as const;
const standing: StoredServerPrincipal = {
  credential: { credentialId: 'crd_1', accountId: 'acc_1', serverId: 'srv_1', revoked: false },
  server: { serverId: 'srv_1', accountId: 'acc_1', removing: false },
  account: { accountId: 'acc_1', disabled: false, deleted: false },
};
const server: ServerCaller = { kind: 'server', serverId: 'srv_1', accountId: 'acc_1', credentialId: 'crd_1' };

describe('serverCaller', () => {
  it('is the server while its credential, server and account stand', () => {
    expect(serverCaller(subject, standing)).toEqual(server);
  });

  it.each<[string, StoredServerPrincipal]>([
    ['a revoked credential', { ...standing, credential: { ...standing.credential!, revoked: true } }],
    ['a missing credential', { ...standing, credential: null }],
    ['a server being removed', { ...standing, server: { ...standing.server!, removing: true } }],
    ['a deleted server', { ...standing, server: null }],
    ['a disabled account', { ...standing, account: { ...standing.account!, disabled: true } }],
    [
      'a credential of another server',
      { ...standing, credential: { ...standing.credential!, serverId: 'srv_2' } },
    ],
    [
      'a credential of another account',
      { ...standing, credential: { ...standing.credential!, accountId: 'acc_2' } },
    ],
  ])('is nobody (401) for %s', (_name, stored) => {
    expect(serverCaller(subject, stored)).toBeNull();
  });
});

describe('accessVerdict and namesAnotherServer for a server token', () => {
  it('allows exactly the routes that say what a server token may do there, whatever their access', () => {
    for (const serverToken of ['account', 'ownServer', 'ownSessions'] as const) {
      expect(accessVerdict({ access: 'admin', serverToken }, server)).toEqual({ allowed: true });
      expect(accessVerdict({ access: 'user', serverToken }, server)).toEqual({ allowed: true });
    }
    for (const access of ['user', 'admin', 'operator'] as const) {
      const verdict = accessVerdict({ access }, server);
      expect(verdict.allowed).toBe(false);
      expect(!verdict.allowed && verdict.reason).toMatch(/server token/);
    }
  });

  it('leaves users as they were: the flag gives an account member no administrator route', () => {
    const member = { kind: 'user', userId: 'usr_1', accountId: 'acc_1', admin: false } as const;
    expect(accessVerdict({ access: 'admin', serverToken: 'ownServer' }, member).allowed).toBe(false);
    expect(accessVerdict({ access: 'user', serverToken: 'account' }, member).allowed).toBe(true);
  });

  it('sends another server id to 404 on ownServer routes only, and never for users', () => {
    expect(namesAnotherServer({ serverToken: 'ownServer' }, server, { serverId: 'srv_2' })).toBe(true);
    expect(namesAnotherServer({ serverToken: 'ownServer' }, server, { serverId: 'srv_1' })).toBe(false);
    expect(namesAnotherServer({ serverToken: 'ownSessions' }, server, { serverId: 'srv_2' })).toBe(false);
    const admin = { kind: 'user', userId: 'usr_1', accountId: 'acc_1', admin: true } as const;
    expect(namesAnotherServer({ serverToken: 'ownServer' }, admin, { serverId: 'srv_2' })).toBe(false);
  });

  it('names a server as the actor of what its token changed, a user by its user id', () => {
    expect(actorOf(server)).toEqual({ type: 'server', id: 'srv_1' });
    expect(actorOf({ kind: 'user', userId: 'usr_1', accountId: 'acc_1', admin: false })).toEqual({
      type: 'user',
      id: 'usr_1',
    });
  });
});

describe('secrets', () => {
  const key = new Uint8Array(32).fill(7);

  it('are `<credentialId>.<43 base64url characters>` and name their credential', () => {
    const secret = newSecret('crd_abcdefghijklmnopqrst');
    expect(secret).toMatch(/^crd_abcdefghijklmnopqrst\.[A-Za-z0-9_-]{43}$/);
    expect(credentialIdOfSecret(secret)).toBe('crd_abcdefghijklmnopqrst');
    expect(newSecret('crd_abcdefghijklmnopqrst')).not.toBe(secret);
    for (const garbled of ['', 'crd_abc.x', secret.slice(0, -1), `${secret}x`, secret.replace('.', '-')]) {
      expect(credentialIdOfSecret(garbled), garbled).toBeNull();
    }
  });

  it('are stored as a keyed hash that only the same secret and key match', () => {
    const secret = newSecret('crd_abcdefghijklmnopqrst');
    const stored = hashSecret(key, secret);
    expect(stored).not.toContain(secret.split('.')[1]);
    expect(secretMatches(key, secret, stored)).toBe(true);
    expect(secretMatches(key, `${secret.slice(0, -1)}A`, stored)).toBe(secret.endsWith('A'));
    expect(secretMatches(new Uint8Array(32).fill(8), secret, stored)).toBe(false);
    expect(secretMatches(key, secret, null)).toBe(false);
  });
});

describe('server tokens and the claims adapter', () => {
  const key = new Uint8Array(32).fill(9);
  const now = new Date();

  it('verify with the server-token key only, and name the credential, server and account', async () => {
    const token = await issueServerToken(
      { credentialId: 'crd_1', serverId: 'srv_1', accountId: 'acc_1' },
      key,
      now,
    );
    const claims = await verifyServerToken(token, key);
    expect(claims).toMatchObject({ sub: 'crd_1', server: 'srv_1', account: 'acc_1', token_use: 'server' });
    expect(typeof claims?.exp).toBe('string');
    expect(subjectFromClaims(claims ?? undefined)).toEqual(subject);
    expect(await verifyServerToken(token, new Uint8Array(32).fill(1))).toBeNull();
    // Not a local user token, though both are HS256: another issuer.
    expect(await verifyLocalToken(token, Buffer.from(key).toString('latin1'))).toBeNull();
  });

  it('never takes a user token for a server token, nor a server token missing a part for anyone', async () => {
    const local = await issueLocalToken(
      { sub: 'usr_1', account: 'acc_1', admin: true, operator: false },
      'k',
      now,
    );
    expect(await verifyServerToken(local, key)).toBeNull();
    expect(subjectFromClaims({ sub: 'usr_1', account: 'acc_1', server: 'srv_1' })).toEqual({
      kind: 'user',
      userId: 'usr_1',
      accountId: 'acc_1',
    });
    expect(subjectFromClaims({ sub: 'crd_1', account: 'acc_1', token_use: 'server' })).toBeNull();
    expect(subjectFromClaims({ sub: 'crd_1', server: 'srv_1', token_use: 'server' })).toBeNull();
  });
});
