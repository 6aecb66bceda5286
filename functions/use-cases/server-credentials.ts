// NEXUS servers' own credentials (API.md "Server credentials"): create one (its secret shown once), list, revoke,
// and exchange a secret for a server token, rate-limited per credential and per source address.
import type { AuditActor } from '../../domain/audit.js';
import { CREDENTIAL_ID_PREFIX, type Credential, credentialIdOfSecret } from '../../domain/credentials.js';
import { UnauthorizedError } from '../../domain/errors.js';
import { serverCaller } from '../../domain/identity.js';
import {
  SERVER_TOKEN_FAILURES_PER_ADDRESS,
  SERVER_TOKEN_FAILURES_PER_CREDENTIAL,
} from '../../domain/rate-limit.js';
import { hashSecret, newSecret, secretMatches } from '../identity/credential-secrets.js';
import type { ServerKeys } from '../identity/server-keys.js';
import { issueServerToken, SERVER_TOKEN_TTL_SECONDS } from '../identity/server-tokens.js';
import type { CredentialStore } from '../store/credentials.js';
import type { Page, PageRequest } from '../store/paging.js';
import type { PrincipalStore } from '../store/principals.js';
import type { RateLimiter, RateTicket } from '../store/rate-limits.js';

/** What the credential use cases read and write through. */
export interface ServerCredentialPorts {
  credentials: CredentialStore;
  /** The identity reads: an exchange issues a token only for a credential whose server and account stand. */
  principals: Pick<PrincipalStore, 'server'>;
  /** NotFoundError('server') when the server is missing, being removed or of another account. */
  servers: { require(accountId: string, serverId: string): Promise<unknown> };
  limiter: RateLimiter;
  keys(): Promise<ServerKeys>;
  newId(prefix: string): string;
}

/** A new credential: the one answer that carries its secret. */
export interface NewCredential {
  credentialId: string;
  secret: string;
  createdAt: string;
}

/** A server token for a NEXUS server (POST /v1/auth/server-token). */
export interface IssuedServerToken {
  accessToken: string;
  expiresIn: number;
  serverId: string;
}

const WRONG_SECRET = 'This secret is wrong or revoked; ask an administrator for a new credential.';
const TOO_MANY_FAILURES =
  'Too many failed exchanges for this credential or from this address; wait for the time in retry-after, then try again.';

/** The server credential use cases over `ports`. */
export function createServerCredentials(ports: ServerCredentialPorts) {
  return {
    /**
     * POST /v1/servers/{serverId}/credentials: a new credential of the account's server, written with its
     * `credential.created` record (the secret is never in it). NotFoundError('server').
     */
    async create(accountId: string, serverId: string, actor: AuditActor, now: Date): Promise<NewCredential> {
      const credentialId = ports.newId(CREDENTIAL_ID_PREFIX);
      const secret = newSecret(credentialId);
      const { hash } = await ports.keys();
      const credential: Credential = {
        credentialId,
        accountId,
        serverId,
        createdAt: now.toISOString(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await ports.credentials.create(credential, hashSecret(hash, secret), {
        eventId: ports.newId('evt'),
        accountId,
        at: credential.createdAt,
        actor,
        action: 'credential.created',
        targetId: credentialId,
        details: { serverId },
      });
      return { credentialId, secret, createdAt: credential.createdAt };
    },

    /** GET /v1/servers/{serverId}/credentials: a page of the server's credentials. NotFoundError('server'). */
    async list(accountId: string, serverId: string, page: PageRequest): Promise<Page<Credential>> {
      await ports.servers.require(accountId, serverId);
      return ports.credentials.listOfServer(accountId, serverId, page);
    },

    /**
     * DELETE /v1/servers/{serverId}/credentials/{credentialId}, with its `credential.revoked` record.
     * NotFoundError('server') or NotFoundError('credential').
     */
    async revoke(
      accountId: string,
      serverId: string,
      credentialId: string,
      actor: AuditActor,
      now: Date,
    ): Promise<void> {
      await ports.servers.require(accountId, serverId);
      await ports.credentials.revoke(accountId, serverId, credentialId, now, {
        eventId: ports.newId('evt'),
        accountId,
        at: now.toISOString(),
        actor,
        action: 'credential.revoked',
        targetId: credentialId,
        details: { serverId },
      });
    },

    /**
     * After DELETE /v1/servers/{serverId} answered its removal: revokes every credential of the removed server,
     * each with its `credential.revoked` record by the remover (API.md "the server's credentials are revoked").
     * How many this call revoked.
     */
    async revokeAllOfRemovedServer(
      accountId: string,
      serverId: string,
      actor: AuditActor,
      now: Date,
    ): Promise<number> {
      return ports.credentials.revokeAllOfServer(accountId, serverId, now, (credentialId) => ({
        eventId: ports.newId('evt'),
        accountId,
        at: now.toISOString(),
        actor,
        action: 'credential.revoked',
        targetId: credentialId,
        details: { serverId, reason: 'server_removed' },
      }));
    },

    /**
     * POST /v1/auth/server-token: the token for a right secret of a credential whose server and account stand.
     * Every exchange is counted as a failure first, per source address and per the credential it names, and taken
     * back when it succeeds, so parallel guesses cannot pass the limits (domain/rate-limit.ts). A wrong, garbled
     * or revoked secret, and one of a deleted server, all answer UnauthorizedError after the same work (one read,
     * one HMAC); RateLimitedError past a limit. `at`: real time (tokens and limits); `now`: the portal's clock
     * (lastUsedAt).
     */
    async exchange(secret: string, sourceAddress: string, at: Date, now: Date): Promise<IssuedServerToken> {
      const credentialId = credentialIdOfSecret(secret);
      const tickets: RateTicket[] = [
        await ports.limiter.take(SERVER_TOKEN_FAILURES_PER_ADDRESS, sourceAddress, at, TOO_MANY_FAILURES),
      ];
      if (credentialId) {
        tickets.push(
          await ports.limiter.take(SERVER_TOKEN_FAILURES_PER_CREDENTIAL, credentialId, at, TOO_MANY_FAILURES),
        );
      }
      const keys = await ports.keys();
      const stored = credentialId ? await ports.credentials.get(credentialId) : null;
      const usable = stored && !stored.revokedAt ? stored : null;
      const right = secretMatches(keys.hash, secret, usable?.secretHash ?? null);
      const caller =
        right && usable
          ? serverCaller(
              {
                kind: 'server',
                credentialId: usable.credentialId,
                serverId: usable.serverId,
                accountId: usable.accountId,
              },
              await ports.principals.server(usable.accountId, usable.serverId, usable.credentialId),
            )
          : null;
      if (!caller) throw new UnauthorizedError(WRONG_SECRET);
      await Promise.all(tickets.map((ticket) => ports.limiter.refund(ticket)));
      await ports.credentials.markUsed(caller.credentialId, now);
      const accessToken = await issueServerToken(caller, keys.token, at);
      return { accessToken, expiresIn: SERVER_TOKEN_TTL_SECONDS, serverId: caller.serverId };
    },
  };
}

export type ServerCredentials = ReturnType<typeof createServerCredentials>;
