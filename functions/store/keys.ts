// The single-table design: every key, index and entity type of the portal's DynamoDB table, in one place.
//
// Attributes: pk, sk (base keys); gsi1pk/gsi1sk, gsi2pk/gsi2sk (overloaded indexes); duePk/dueSk (sparse
// index of work the hourly check must do, keyed by due time); entity (type of every item); ttl (epoch
// seconds, only on history items that may be forgotten; TTL never decides that a seat is free).
//
// | entity        | pk                    | sk                                      | GSI / notes
// |---------------|-----------------------|-----------------------------------------|-----------------------------------------
// | Account       | ACCOUNT#<acc>         | ACCOUNT                                 | name; enabledAdmins (domain/users.ts)
// | User          | ACCOUNT#<acc>         | USER#<userId>                           | gsi1: USERS#<acc> / <email>; profileVersion, disabled
// |               |                       |                                         | deletedAt while its deletion runs
// | EmailLogin    | EMAIL#<email>         | EMAIL                                   | uniqueness of email + local password hash
// | License       | ACCOUNT#<acc>         | CATALOG#LICENSE#<licenseId>             | due: license expiry (validUntil); used
// | CodeLock      | CODE#<activationCode> | CODE                                    | uniqueness of activation codes
// | Assignment    | ACCOUNT#<acc>         | CATALOG#ASSIGNMENT#<lic>#<assignmentId> | role caps and their used counters
// | Server        | ACCOUNT#<acc>         | CATALOG#SERVER#<serverId>               | live, adminConnection, removing
// | Holding       | ACCOUNT#<acc>         | CATALOG#HOLDING#<serverId>#<licenseId>  | a server's acquired license (System seat)
// | Settings      | ACCOUNT#<acc>         | CATALOG#SETTINGS                        | license-manager settings
// | Expiry        | ACCOUNT#<acc>         | CATALOG#~EXPIRY#<holdsUntil>#<sesId>    | one per live session (its SeatHolder)
// |               |                       |                                         | due: <holdsUntil> (the hourly check's reclaim)
// | Activation    | ACCOUNT#<acc>         | ACTIVATION#<activationId>               |
// | Idempotency   | ACCOUNT#<acc>         | IDEMPOTENCY#<licenseId>#<keyHash>       | activation retries
// | Session       | ACCOUNT#<acc>         | SESSION#<sessionId>                     | gsi1: LICENSE_SESSIONS#<lic> / <startedAt>#<id>
// |               |                       |                                         | gsi2: LIVE_SESSIONS#<acc> / <startedAt>#<id>
// |               |                       |                                         | once ended, gsi2: ENDED_SESSIONS#<acc> / <endedAt>#<id>
// | SeatLock      | ACCOUNT#<acc>         | SEAT#<userId>#<product>#<machineId>     | one seat per user + PC + product
// | Denial        | ACCOUNT#<acc>         | DENIAL#<at>#<licenseId>#<rand>          | refused sign-ins, for reports
// | Rollup        | ACCOUNT#<acc>         | ROLLUP#<licenseId>#<hourStart>#<role>   | hourly usage history
// | RollupState   | ACCOUNT#<acc>         | ROLLUP_STATE                            | counts open at the last rolled-up hour
// | AuditEvent    | ACCOUNT#<acc>         | AUDIT#<at>#<eventId>                    | the audit log (ttl: 400 days), newest
// |               |                       |                                         | first: Query sk BETWEEN, backwards
// | HourlyRun     | OPS                   | HOURLY_CHECK                            | time of the latest hourly check
// | HourlyLease   | OPS                   | HOURLY_LEASE                            | the run that works now, until when
// | DemoSeed      | OPS                   | DEMO_SEED                               | marks that the local demo data exists
// | Operator      | OPERATOR#<userId>     | OPERATOR                                | a back-office operator (local: + hash)
// | RateCounter   | RATE#<limit>#<keyHash>| RATE                                    | a rate-limit window; ttl = window end
// | Credential    | CREDENTIAL#<credId>   | CREDENTIAL                              | a server's own secret (hash only)
// |               |                       |                                         | gsi1: SERVER_CREDENTIALS#<acc>#<srv> /
// |               |                       |                                         | <createdAt>#<credId> (removed on revoke)
//
// Every authenticated request reads its caller: a user with one BatchGetItem of User + Account (consistent
// reads), an operator with a one-key BatchGetItem of Operator. Deleting an account must delete or
// mark its users and itself (the identity read refuses a missing or deleted account).
// A sign-in's catalogue: ONE Query pk = ACCOUNT#<acc> AND sk BETWEEN 'CATALOG#' AND 'CATALOG#~EXPIRY#<now>#\uffff'
// returns the licenses, assignments, servers, holdings and settings (sorting before '~') and exactly the Expiry
// items of the sessions expired at <now> (docs/seat-protocol.md). The live sessions of a server or user:
// Query begins_with(sk, 'CATALOG#~EXPIRY#') (strongly consistent). Sessions of a license: gsi1. Live and
// ended sessions of an account by time: gsi2. Work due by time T: Query the due index duePk = DUE#<type>#<shard>
// AND dueSk <= T. Never a Scan.
// A NEXUS server's own token reads Credential + Server + Account with one consistent BatchGetItem; a credential
// has its own partition because a secret names only its credential.

export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'ttl',
  indexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'due', partitionKey: 'duePk', sortKey: 'dueSk' },
  ],
} as const;

export type IndexName = (typeof TABLE_DESIGN.indexes)[number]['indexName'];

export type EntityType =
  | 'Account'
  | 'User'
  | 'EmailLogin'
  | 'License'
  | 'CodeLock'
  | 'Assignment'
  | 'Server'
  | 'Holding'
  | 'Activation'
  | 'Idempotency'
  | 'Settings'
  | 'Expiry'
  | 'Session'
  | 'SeatLock'
  | 'Denial'
  | 'Rollup'
  | 'RollupState'
  | 'AuditEvent'
  | 'HourlyRun'
  | 'HourlyLease'
  | 'DemoSeed'
  | 'Operator'
  | 'RateCounter'
  | 'Credential';

export interface Key {
  pk: string;
  sk: string;
}

const accountPk = (accountId: string) => `ACCOUNT#${accountId}`;

/**
 * Licenses, assignments, servers, holdings, settings and the Expiry items share this sort-key prefix, so a
 * sign-in reads everything it decides on (its "catalogue") with ONE Query (see catalogRange).
 */
const CATALOG = 'CATALOG#';
/** '~' sorts after every letter: Expiry items come after the rest of the catalogue, in time order. */
const EXPIRY = `${CATALOG}~EXPIRY#`;

export const keys = {
  account: (accountId: string): Key => ({ pk: accountPk(accountId), sk: 'ACCOUNT' }),

  user: (accountId: string, userId: string): Key => ({ pk: accountPk(accountId), sk: `USER#${userId}` }),
  usersPrefix: (accountId: string): Key => ({ pk: accountPk(accountId), sk: 'USER#' }),
  usersByEmail: (accountId: string, email: string) => ({ gsi1pk: `USERS#${accountId}`, gsi1sk: email }),
  emailLogin: (email: string): Key => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),

  license: (accountId: string, licenseId: string): Key => ({
    pk: accountPk(accountId),
    sk: `${CATALOG}LICENSE#${licenseId}`,
  }),
  licensesPrefix: (accountId: string): Key => ({ pk: accountPk(accountId), sk: `${CATALOG}LICENSE#` }),
  catalog: (accountId: string): Key => ({ pk: accountPk(accountId), sk: CATALOG }),
  /**
   * The catalogue as of `asOf` (ISO time): sk BETWEEN from AND to gives everything but the Expiry items of
   * sessions that hold their seat after asOf.
   */
  catalogRange: (accountId: string, asOf: string) => ({
    pk: accountPk(accountId),
    from: CATALOG,
    to: `${EXPIRY}${asOf}#\uffff`,
  }),
  settings: (accountId: string): Key => ({ pk: accountPk(accountId), sk: `${CATALOG}SETTINGS` }),
  expiry: (accountId: string, holdsUntil: string, sessionId: string): Key => ({
    pk: accountPk(accountId),
    sk: `${EXPIRY}${holdsUntil}#${sessionId}`,
  }),
  /** Every Expiry item of the account: its live sessions, strongly consistent. */
  expiryPrefix: (accountId: string): Key => ({ pk: accountPk(accountId), sk: EXPIRY }),
  codeLock: (activationCode: string): Key => ({ pk: `CODE#${activationCode}`, sk: 'CODE' }),

  assignment: (accountId: string, licenseId: string, assignmentId: string): Key => ({
    pk: accountPk(accountId),
    sk: `${CATALOG}ASSIGNMENT#${licenseId}#${assignmentId}`,
  }),
  assignmentsPrefix: (accountId: string, licenseId?: string): Key => ({
    pk: accountPk(accountId),
    sk: licenseId ? `${CATALOG}ASSIGNMENT#${licenseId}#` : `${CATALOG}ASSIGNMENT#`,
  }),

  server: (accountId: string, serverId: string): Key => ({
    pk: accountPk(accountId),
    sk: `${CATALOG}SERVER#${serverId}`,
  }),
  serversPrefix: (accountId: string): Key => ({ pk: accountPk(accountId), sk: `${CATALOG}SERVER#` }),
  holding: (accountId: string, serverId: string, licenseId: string): Key => ({
    pk: accountPk(accountId),
    sk: `${CATALOG}HOLDING#${serverId}#${licenseId}`,
  }),
  holdingsPrefix: (accountId: string, serverId: string): Key => ({
    pk: accountPk(accountId),
    sk: `${CATALOG}HOLDING#${serverId}#`,
  }),
  /** Every holding of the account (the hourly check finds the servers holding an expiring Server license). */
  allHoldingsPrefix: (accountId: string): Key => ({ pk: accountPk(accountId), sk: `${CATALOG}HOLDING#` }),

  activation: (accountId: string, activationId: string): Key => ({
    pk: accountPk(accountId),
    sk: `ACTIVATION#${activationId}`,
  }),
  idempotency: (accountId: string, licenseId: string, keyHash: string): Key => ({
    pk: accountPk(accountId),
    sk: `IDEMPOTENCY#${licenseId}#${keyHash}`,
  }),

  session: (accountId: string, sessionId: string): Key => ({
    pk: accountPk(accountId),
    sk: `SESSION#${sessionId}`,
  }),
  sessionsOfLicense: (licenseId: string, startedAt: string, sessionId: string) => ({
    gsi1pk: `LICENSE_SESSIONS#${licenseId}`,
    gsi1sk: `${startedAt}#${sessionId}`,
  }),
  sessionsOfLicensePk: (licenseId: string) => `LICENSE_SESSIONS#${licenseId}`,
  /** Live sessions of an account by start time (newest first for the Sessions page; rollups by window). */
  liveSessionsOfAccount: (accountId: string, startedAt: string, sessionId: string) => ({
    gsi2pk: `LIVE_SESSIONS#${accountId}`,
    gsi2sk: `${startedAt}#${sessionId}`,
  }),
  liveSessionsOfAccountPk: (accountId: string) => `LIVE_SESSIONS#${accountId}`,
  /** Ended sessions by end time, per account: usage rollups read only what ended inside their window. */
  endedSessionsOfAccount: (accountId: string, endedAt: string, sessionId: string) => ({
    gsi2pk: `ENDED_SESSIONS#${accountId}`,
    gsi2sk: `${endedAt}#${sessionId}`,
  }),
  endedSessionsOfAccountPk: (accountId: string) => `ENDED_SESSIONS#${accountId}`,
  /** User ids and products hold no '#', so a user's locks share the prefix SEAT#<userId>#. */
  seatLock: (accountId: string, userId: string, product: string, machineId: string): Key => ({
    pk: accountPk(accountId),
    sk: `SEAT#${userId}#${product}#${machineId}`,
  }),
  seatLocksOfUser: (accountId: string, userId: string): Key => ({
    pk: accountPk(accountId),
    sk: `SEAT#${userId}#`,
  }),

  /** Denials sort by time first: the hourly rollups read an account's window in one range. */
  denial: (accountId: string, licenseId: string, at: string, nonce: string): Key => ({
    pk: accountPk(accountId),
    sk: `DENIAL#${at}#${licenseId}#${nonce}`,
  }),
  denialsPrefix: (accountId: string): Key => ({ pk: accountPk(accountId), sk: 'DENIAL#' }),
  rollup: (accountId: string, licenseId: string, hourStart: string, role: string): Key => ({
    pk: accountPk(accountId),
    sk: `ROLLUP#${licenseId}#${hourStart}#${role}`,
  }),
  rollupsPrefix: (accountId: string, licenseId: string): Key => ({
    pk: accountPk(accountId),
    sk: `ROLLUP#${licenseId}#`,
  }),
  rollupState: (accountId: string): Key => ({ pk: accountPk(accountId), sk: 'ROLLUP_STATE' }),
  auditEvent: (accountId: string, at: string, eventId: string): Key => ({
    pk: accountPk(accountId),
    sk: `AUDIT#${at}#${eventId}`,
  }),
  auditPrefix: (accountId: string): Key => ({ pk: accountPk(accountId), sk: 'AUDIT#' }),
  /**
   * The audit records with `at` in [from, to) (ISO times as Date.toISOString writes them; either open): sk BETWEEN
   * from AND to (a record at exactly `to` sorts after 'AUDIT#<to>', so it is left out).
   */
  auditRange: (accountId: string, from?: string, to?: string) => ({
    pk: accountPk(accountId),
    from: `AUDIT#${from ?? ''}`,
    to: `AUDIT#${to ?? '~'}`,
  }),

  hourlyRun: (): Key => ({ pk: 'OPS', sk: 'HOURLY_CHECK' }),
  hourlyLease: (): Key => ({ pk: 'OPS', sk: 'HOURLY_LEASE' }),
  demoSeed: (): Key => ({ pk: 'OPS', sk: 'DEMO_SEED' }),

  /** A back-office operator; its id is its sign-in name (locally OPERATOR_USERNAME, in AWS the Cognito username). */
  operator: (userId: string): Key => ({ pk: `OPERATOR#${userId}`, sk: 'OPERATOR' }),
  /** A NEXUS server's credential: its own partition, so the secret (which names only the credential) finds it. */
  credential: (credentialId: string): Key => ({ pk: `CREDENTIAL#${credentialId}`, sk: 'CREDENTIAL' }),
  /** A server's credentials that are not revoked, oldest first (gsi1; a revocation removes these attributes). */
  credentialsOfServer: (accountId: string, serverId: string, createdAt: string, credentialId: string) => ({
    gsi1pk: `SERVER_CREDENTIALS#${accountId}#${serverId}`,
    gsi1sk: `${createdAt}#${credentialId}`,
  }),
  credentialsOfServerPk: (accountId: string, serverId: string) =>
    `SERVER_CREDENTIALS#${accountId}#${serverId}`,
  /** The counter of one rate limit for one key; keyHash hides the key (a username) and bounds its length. */
  rateCounter: (limitName: string, keyHash: string): Key => ({
    pk: `RATE#${limitName}#${keyHash}`,
    sk: 'RATE',
  }),
} as const;

/**
 * The attributes of a LastEvaluatedKey of a Query on the table (no index) or on `index`: the index's keys plus
 * the table's, as DynamoDB returns them. Page tokens must hold exactly these (functions/store/paging.ts).
 */
export function keyAttributesOf(index?: IndexName): { partition: string; sort: string; all: string[] } {
  const table = [TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey];
  if (!index) return { partition: TABLE_DESIGN.partitionKey, sort: TABLE_DESIGN.sortKey, all: table };
  const found = TABLE_DESIGN.indexes.find((candidate) => candidate.indexName === index);
  if (!found) throw new Error(`no index ${index}`);
  return {
    partition: found.partitionKey,
    sort: found.sortKey,
    all: [found.partitionKey, found.sortKey, ...table],
  };
}

/** Shards spread due work over a few partitions so that no single GSI partition is hot. */
export const DUE_SHARDS = 4;
export type DueType = 'LICENSE' | 'SESSION';

function shardOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % DUE_SHARDS;
}

/** Due-index attributes: an item is due at dueAt (ISO time); the hourly check queries dueSk <= now. */
export function dueAttributes(type: DueType, id: string, dueAt: string) {
  return { duePk: `DUE#${type}#${shardOf(id)}`, dueSk: `${dueAt}#${id}` };
}

export function duePartitions(type: DueType): string[] {
  return Array.from({ length: DUE_SHARDS }, (_, shard) => `DUE#${type}#${shard}`);
}
