// Model-based test of the seat lifecycle against the real portal on DynamoDB Local: random steps, each sending
// one or more HTTP calls at once; after every step the portal's answers, counters, listings and server states
// equal the model's, and the invariants of docs/seat-protocol.md hold. The model is written here from API.md
// and docs/seat-protocol.md and imports nothing from domain/. FC_RUNS and FC_STEPS size it; FC_SEED (with
// FC_PATH) replays a failure; FC_STRICT_RACES=0 stops judging refusals racing a sign-out or the hourly check.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../functions/runtime/clock.js';
import { type ApiResponse, startTestPortal, type TestPortal } from '../support/portal.js';

const RUNS = Number(process.env.FC_RUNS ?? 25);
const STEPS = Number(process.env.FC_STEPS ?? 30);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SERVER = 'Altium NEXUS Server';
const CAL = 'Altium NEXUS Server CAL';
const CLIENT = 'Altium NEXUS';
/** API.md: `sessionTimeoutMinutes` defaults to 10. */
const DEFAULT_TIMEOUT = 10;
/**
 * Whether to judge refusals of sign-ins racing the end of an expired holder by someone else (a sign-out, the
 * hourly check): on by default (a reclaim whose holder ended meanwhile reads again, never refuses from stale
 * counters); FC_STRICT_RACES=0 turns it off to isolate another failure.
 */
const STRICT_RACES = process.env.FC_STRICT_RACES !== '0';

let portal: TestPortal;
/**
 * One clock for the whole file: hourly checks only move forward. Every step starts a second after the last,
 * as real requests of different steps would; within a step the clock stands still.
 */
let clock = Date.parse('2031-01-01T00:00:00.000Z');

beforeAll(async () => {
  portal = await startTestPortal();
  setClock(() => new Date(clock));
});
afterAll(async () => {
  setClock(null);
  await portal?.stop();
});

// ---------------------------------------------------------------- the model

type ServerState = 'unlicensed' | 'licensed' | 'admin_only' | 'lapsed';

interface MLicense {
  licenseId: string;
  product: string;
  seats: number;
  validFrom: number;
  validUntil: number;
}
interface MAssignment {
  assignmentId: string;
  licenseId: string;
  role: string;
  cap: number | 'all';
  allowRoaming: boolean;
  /** After a cap was lowered below its use: the use it may keep until sessions end (nothing new meanwhile). */
  overflow: number;
}
interface MUser {
  userId: string;
  roles: string[];
  admin: boolean;
}
interface MServer {
  serverId: string;
  /** The Server licenses it acquired. */
  holds: string[];
  /** The lapse (latest end of its Server licenses) the hourly check counted, if any. */
  lapseCounted: number | null;
}
interface MSession {
  sessionId: string;
  serverId: string;
  licenseId: string;
  /** null for the administrative connection. */
  assignmentId: string | null;
  userId: string;
  machineId: string;
  product: string;
  /** The server's administrative connection: it holds no seat of any license. */
  admin: boolean;
  startedAt: number;
  expiresAt: number;
  roamingUntil: number | null;
  /** The `now` of its last sign-in, join or heartbeat that set expiresAt (the later one wins a race). */
  lastSeenAt: number;
}
interface Model {
  accountId: string;
  token: string;
  /** CAL and design licenses: the seat pools. */
  licenses: MLicense[];
  serverLicenses: MLicense[];
  assignments: MAssignment[];
  users: MUser[];
  /** [main, spare, lapsing]: the spare is removed (and replaced) by DeleteServer; the lapsing one's Server license is short. */
  servers: MServer[];
  /** Exactly the account's live sessions after every step. */
  sessions: Map<string, MSession>;
  /** sessionTimeoutMinutes. */
  timeout: number;
  replacements: number;
}
interface Real {
  portal: TestPortal;
}

/**
 * Every license issued in this file's table (all runs' accounts): the hourly check counts the expiries of all
 * accounts, so the counts it reports can only be predicted from all of them.
 */
const issued = new Map<string, { validUntil: number; countedFor: number | null }>();
/** The previous run's model: its servers are removed before the next run, which ends all its sessions. */
let previous: Model | null = null;

const holdsUntil = (s: MSession) => Math.max(s.expiresAt, s.roamingUntil ?? 0);
const isExpired = (s: MSession) => holdsUntil(s) <= clock;
const seatKey = (s: { userId: string; machineId: string; product: string }) =>
  `${s.userId}|${s.machineId}|${s.product}`;
const validAt = (l: MLicense, at = clock) => l.validFrom <= at && at < l.validUntil;
/** A server's connections are its CAL sessions and its administrative connection (docs/seat-protocol.md). */
const isConnection = (s: MSession) => s.admin || s.product === CAL;
const byId = (a: { sessionId: string }, b: { sessionId: string }) =>
  a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function licenseOf(model: Model, licenseId: string): MLicense {
  const license = [...model.licenses, ...model.serverLicenses].find((l) => l.licenseId === licenseId);
  if (!license) throw new Error(`unknown license ${licenseId}`);
  return license;
}

/** API.md "GET /v1/servers/{serverId}/status". */
function stateOf(model: Model, server: MServer): ServerState {
  const held = model.serverLicenses.filter((l) => server.holds.includes(l.licenseId));
  if (held.some((l) => validAt(l))) {
    return model.licenses.some((l) => l.product === CAL && validAt(l)) ? 'licensed' : 'admin_only';
  }
  return held.some((l) => l.validUntil <= clock) ? 'lapsed' : 'unlicensed';
}
const isRestricted = (state: ServerState) => state === 'admin_only' || state === 'lapsed';

function sessionsWhere(model: Model, pick: (s: MSession) => boolean): MSession[] {
  return [...model.sessions.values()].filter(pick);
}
const seatsOf = (model: Model, pool: { licenseId: string; assignmentId?: string }) =>
  sessionsWhere(
    model,
    (s) =>
      !s.admin &&
      s.licenseId === pool.licenseId &&
      (pool.assignmentId === undefined || s.assignmentId === pool.assignmentId),
  );
const connectionsOf = (model: Model, serverId: string) =>
  sessionsWhere(model, (s) => s.serverId === serverId && isConnection(s));

/** expiresAt after a sign-in, join or heartbeat now: now + timeout, capped at the license's end (none for the administrative connection). */
function expiryFor(model: Model, s: { admin: boolean; licenseId: string }, timeout: number): number {
  const next = clock + timeout * MINUTE;
  return s.admin ? next : Math.min(next, licenseOf(model, s.licenseId).validUntil);
}

/**
 * A sign-in, join or heartbeat answered `answered`: now + the timeout in force (either of `timeouts` while a
 * change races). Touches at one instant race each other, so the later expiry stays (API.md "of two racing
 * heartbeats the later expiresAt stays"): the model keeps the latest of their answers.
 */
function touch(model: Model, s: MSession, answered: number, timeouts: number[]): void {
  if (s.lastSeenAt === clock) {
    const allowed = [s.expiresAt, ...timeouts.map((t) => expiryFor(model, s, t))];
    // Answers of one step are looked at in request order, not in the order they were written.
    expect(allowed, `touched twice at one time: ${s.sessionId}`).toContain(answered);
    s.expiresAt = Math.max(s.expiresAt, answered);
    return;
  }
  expect(timeouts.map((t) => expiryFor(model, s, t))).toContain(answered);
  s.expiresAt = answered;
  s.lastSeenAt = clock;
}

// ---------------------------------------------------------------- sign-ins: what API.md allows

interface SignInSpec {
  user: number;
  /** An index (M0, M1, ...) or a machine id of its own. */
  machine: number | string;
  client: 'browser' | 'design_client';
  design: boolean;
  server: number;
  /** Asks for this license (its product). */
  licenseId?: string;
}

const userOf = (model: Model, spec: SignInSpec) => model.users[spec.user % model.users.length] as MUser;
const machineOf = (spec: SignInSpec) =>
  typeof spec.machine === 'number' ? `M${spec.machine}` : spec.machine;
const serverOf = (model: Model, spec: SignInSpec) =>
  model.servers[spec.server % model.servers.length] as MServer;
function productOf(model: Model, spec: SignInSpec): string {
  if (spec.licenseId) return licenseOf(model, spec.licenseId).product;
  return spec.design ? CLIENT : CAL;
}
const keyOf = (model: Model, spec: SignInSpec) =>
  seatKey({
    userId: userOf(model, spec).userId,
    machineId: machineOf(spec),
    product: productOf(model, spec),
  });

/** What one sign-in may answer, decided on the model alone (API.md "External PLS: seats"). */
type Outcome =
  | { status: 200; sessionId: string }
  | { status: 201; admin: false; licenseId: string; assignmentId: string; reclaim: string | null }
  | { status: 201; admin: true; licenseIds: string[]; reclaims: string[] }
  | { status: 403 }
  | { status: 409 };

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/**
 * The seat candidates in every order API.md allows: valid licenses of the product by earliest validUntil, then
 * licenseId; on each, the user's assignments with a number first, then "all" (API.md orders nothing within
 * those two groups, so each order is allowed).
 */
function candidateOrders(model: Model, user: MUser, product: string, licenseId?: string) {
  const licenses = model.licenses
    .filter((l) => l.product === product && validAt(l) && (!licenseId || l.licenseId === licenseId))
    .sort((a, b) => a.validUntil - b.validUntil || compareIds(a.licenseId, b.licenseId));
  let orders: { license: MLicense; assignment: MAssignment }[][] = [[]];
  for (const license of licenses) {
    const mine = model.assignments.filter(
      (a) => a.licenseId === license.licenseId && user.roles.includes(a.role),
    );
    const numbered = permutations(mine.filter((a) => a.cap !== 'all'));
    const all = permutations(mine.filter((a) => a.cap === 'all'));
    const here = numbered.flatMap((n) =>
      all.map((x) => [...n, ...x].map((assignment) => ({ license, assignment }))),
    );
    orders = orders.flatMap((order) => here.map((h) => [...order, ...h]));
  }
  return orders;
}

/** The license an administrative connection names: of the asked product the one that ended last, else the server's Server license. */
function adminConnectionLicenses(model: Model, server: MServer, product: string): string[] {
  const ended = [...model.licenses, ...model.serverLicenses].filter(
    (l) => l.product === product && l.validUntil <= clock,
  );
  if (ended.length > 0) {
    const last = Math.max(...ended.map((l) => l.validUntil));
    return ended.filter((l) => l.validUntil === last).map((l) => l.licenseId);
  }
  return server.holds;
}

function outcomesOf(model: Model, spec: SignInSpec): Outcome[] {
  const user = userOf(model, spec);
  const server = serverOf(model, spec);
  const product = productOf(model, spec);
  const state = stateOf(model, server);
  if (state === 'unlicensed') return [{ status: 403 }];
  // Join beats everything else: the user's live session of this product on this PC, anywhere in the account.
  const own = sessionsWhere(model, (s) => seatKey(s) === keyOf(model, spec))[0];
  if (own) return [{ status: 200, sessionId: own.sessionId }];
  if (isRestricted(state)) {
    // One live connection at a time, of an administrator; expired ones never keep the next one out.
    if (!user.admin) return [{ status: 409 }];
    const connections = connectionsOf(model, server.serverId);
    if (connections.some((s) => !isExpired(s))) return [{ status: 409 }];
    return [
      {
        status: 201,
        admin: true,
        licenseIds: adminConnectionLicenses(model, server, product),
        reclaims: connections.map((s) => s.sessionId),
      },
    ];
  }
  const outcomes = new Map<string, Outcome>();
  for (const order of candidateOrders(model, user, product, spec.licenseId)) {
    let outcome: Outcome = { status: 409 };
    for (const { license, assignment } of order) {
      const licenseFull = seatsOf(model, license).length >= license.seats;
      const capFull = assignment.cap !== 'all' && seatsOf(model, assignment).length >= assignment.cap;
      const seat = {
        status: 201,
        admin: false,
        licenseId: license.licenseId,
        assignmentId: assignment.assignmentId,
      } as const;
      if (!licenseFull && !capFull) {
        outcome = { ...seat, reclaim: null };
        break;
      }
      // An expired holder of what is full (the cap's, which frees the license too; else the license's) is ended.
      const holder = seatsOf(model, capFull ? assignment : license)
        .filter(isExpired)
        .sort((a, b) => a.expiresAt - b.expiresAt || byId(a, b))[0];
      if (holder) {
        outcome = { ...seat, reclaim: holder.sessionId };
        break;
      }
    }
    outcomes.set(JSON.stringify(outcome), outcome);
  }
  return [...outcomes.values()];
}

function signIn(model: Model, spec: SignInSpec, serverId = serverOf(model, spec).serverId) {
  return call('POST', `/v1/servers/${serverId}/sessions`, model, {
    userId: userOf(model, spec).userId,
    machineId: machineOf(spec),
    client: spec.client,
    ...(spec.licenseId ? { licenseId: spec.licenseId } : spec.design ? { product: CLIENT } : {}),
  });
}

/** A 201: checks it is a seat API.md allows the user on that server, and adds it to the model. */
function recordGrant(model: Model, spec: SignInSpec, server: MServer, res: ApiResponse, timeouts: number[]) {
  const user = userOf(model, spec);
  const product = productOf(model, spec);
  const admin = res.body.assignmentId === null;
  const expiresAt = Date.parse(res.body.expiresAt);
  expect(res.body).toMatchObject({
    userId: user.userId,
    machineId: machineOf(spec),
    product,
    clients: [spec.client],
  });
  expect(Date.parse(res.body.startedAt)).toBe(clock);
  if (admin) {
    // The administrative connection: only on an admin_only or lapsed server, only an administrator.
    expect(isRestricted(stateOf(model, server)), 'an administrative connection on a licensed server').toBe(
      true,
    );
    expect(user.admin, 'the administrative connection went to someone not an administrator').toBe(true);
    expect(adminConnectionLicenses(model, server, product)).toContain(res.body.licenseId);
    expect(timeouts.map((t) => clock + t * MINUTE)).toContain(expiresAt);
  } else {
    expect(stateOf(model, server), 'a seat on a server that is not licensed').toBe('licensed');
    const license = licenseOf(model, res.body.licenseId);
    expect(license.product).toBe(product);
    expect(validAt(license)).toBe(true);
    const a = model.assignments.find((x) => x.assignmentId === res.body.assignmentId);
    expect(a?.licenseId).toBe(license.licenseId);
    expect(user.roles).toContain(a?.role);
    expect(timeouts.map((t) => Math.min(clock + t * MINUTE, license.validUntil))).toContain(expiresAt);
  }
  model.sessions.set(res.body.sessionId, {
    sessionId: res.body.sessionId,
    serverId: server.serverId,
    licenseId: res.body.licenseId,
    assignmentId: res.body.assignmentId,
    userId: user.userId,
    machineId: machineOf(spec),
    product,
    admin,
    startedAt: clock,
    expiresAt,
    roamingUntil: null,
    lastSeenAt: clock,
  });
}

interface SignInOptions {
  /** Judge refusals when every sign-in of the step was refused (nothing changed, so each must be refused). */
  judgeRefusals?: boolean;
  /** The timeouts a racing settings change allows. */
  timeouts?: number[];
  /** The server every sign-in was sent to, when not the spec's (a server being removed). */
  serverId?: string;
  /** The server was removed while they ran. */
  removing?: boolean;
  /** Sessions signed out while they ran: a sign-in may have come before or after each end. */
  ending?: ReadonlySet<string>;
  /** Heartbeats raced them: an expired holder may have been revived first (then nothing was reclaimed). */
  revivals?: boolean;
}

/**
 * Applies the answers of sign-ins sent at once and checks each is one API.md allows: one sign-in exactly as the
 * model decides; several by what holds whatever their order (one seat per user + PC + product; one
 * administrative connection per admin_only or lapsed server, and only when all its connections were expired,
 * which it ends; a refusal only when nothing changed and the model refuses too). Returns the administrative
 * connections it ended, which no listing shows.
 */
function applySignIns(
  model: Model,
  specs: SignInSpec[],
  results: ApiResponse[],
  joined: Set<string>,
  options: SignInOptions = {},
): string[] {
  const timeouts = options.timeouts ?? [model.timeout];
  const ending = options.ending ?? new Set<string>();
  const preModel = snapshot(model);
  const before = preModel.sessions;
  const outcomes = specs.map((spec) => outcomesOf(preModel, spec));
  const serverAt = (i: number) => {
    const spec = specs[i] as SignInSpec;
    return options.serverId
      ? (model.servers.find((s) => s.serverId === options.serverId) as MServer)
      : serverOf(model, spec);
  };
  const grants: { i: number; id: string }[] = [];
  let exactReclaim: string | null = null;
  results.forEach((res) => {
    const allowed = options.removing ? [200, 201, 404, 409] : [200, 201, 409];
    expect(allowed, JSON.stringify(res.body)).toContain(res.status);
    if (res.status === 409) expect(res.body.error.code).toBe('seats_exhausted');
    if (specs.length === 1 && !options.removing && ending.size === 0 && !options.revivals) {
      // Alone, a sign-in is decided exactly, the expired holder it reclaims included.
      const match = (outcomes[0] ?? []).find(
        (o) =>
          o.status === res.status &&
          (o.status !== 200 || o.sessionId === res.body.sessionId) &&
          (o.status !== 201 ||
            (o.admin
              ? res.body.assignmentId === null
              : o.licenseId === res.body.licenseId && o.assignmentId === res.body.assignmentId)),
      );
      expect(
        match,
        `answered ${res.status} ${JSON.stringify(res.body)}; the model: ${JSON.stringify(outcomes[0])}`,
      ).toBeDefined();
      if (match?.status === 201 && !match.admin) exactReclaim = match.reclaim;
    }
  });
  if (exactReclaim) model.sessions.delete(exactReclaim);
  // New sessions first: a join in the same step may name one.
  const grantedKeys = new Map<string, string>();
  results.forEach((res, i) => {
    if (res.status !== 201) return;
    const spec = specs[i] as SignInSpec;
    const key = keyOf(model, spec);
    expect(grantedKeys.has(key), 'two seats for one user, PC and product').toBe(false);
    grantedKeys.set(key, res.body.sessionId);
    const old = [...before.values()].find((s) => seatKey(s) === key && !ending.has(s.sessionId));
    // A second live session for one user + PC + product only where the first was expired and ended meanwhile.
    if (old)
      expect(isExpired(old), 'a new session beside a live one of the same user, PC and product').toBe(true);
    recordGrant(model, spec, serverAt(i), res, timeouts);
    grants.push({ i, id: res.body.sessionId });
  });
  results.forEach((res, i) => {
    if (res.status !== 200) return;
    const spec = specs[i] as SignInSpec;
    const session = model.sessions.get(res.body.sessionId);
    expect(
      session && seatKey(session) === keyOf(model, spec),
      'a 200 must name the seat this user holds on this PC',
    ).toBe(true);
    if (!session) return;
    expect(res.body).toMatchObject({ licenseId: session.licenseId, assignmentId: session.assignmentId });
    expect(res.body.clients).toContain(spec.client);
    touch(model, session, Date.parse(res.body.expiresAt), timeouts);
    joined.add(session.sessionId);
  });
  // admin_only and lapsed servers: at most one new administrative connection, and only when every connection
  // was expired; it ends them all.
  const ended: string[] = [];
  for (const server of model.servers) {
    const state = stateOf(preModel, server);
    if (!isRestricted(state)) continue;
    const here = grants.filter(({ i }) => serverAt(i) === server);
    expect(
      here.length,
      `two administrative connections granted at once on ${server.serverId}`,
    ).toBeLessThanOrEqual(1);
    const all = connectionsOf(preModel, server.serverId);
    // A connection signed out in the same step may have ended before the grant.
    const connections = all.filter((s) => !ending.has(s.sessionId));
    const revived = connections.filter((s) => joined.has(s.sessionId));
    if (here.length === 1) {
      expect(connections.every(isExpired), 'an administrative connection beside a live connection').toBe(
        true,
      );
      expect(revived, 'a connection revived and reclaimed at once').toEqual([]);
      for (const s of all) {
        model.sessions.delete(s.sessionId);
        if (s.admin) ended.push(s.sessionId);
      }
    } else if (
      revived.length === 0 &&
      connections.every(isExpired) &&
      !options.removing &&
      (ending.size === 0 || STRICT_RACES)
    ) {
      // Nobody took the free connection: no administrator who would have taken it may have been refused.
      specs.forEach((_, i) => {
        if (serverAt(i) !== server) return;
        const wouldTake = outcomes[i]?.some((o) => o.status === 201);
        if (wouldTake)
          expect((results[i] as ApiResponse).status, 'a free administrative connection refused').not.toBe(
            409,
          );
      });
    }
  }
  // An expired session of the same key that a grant replaced must have ended; a listed one is checked against
  // the listing, an administrative connection only ends by its server's next administrative connection.
  for (const [key, id] of grantedKeys) {
    for (const old of [...model.sessions.values()]) {
      if (old.sessionId === id || seatKey(old) !== key || !old.admin || ending.has(old.sessionId)) continue;
      throw new Error(
        `administrative connection ${old.sessionId} still live beside new session ${id} (${key})`,
      );
    }
  }
  if (options.judgeRefusals && results.every((r) => r.status === 409)) {
    // Nothing was granted or joined, so nothing changed: each sign-in must be one the model refuses.
    outcomes.forEach((o, i) => {
      expect(
        o.some((x) => x.status === 409),
        `refused ${JSON.stringify(specs[i])}; the model: ${JSON.stringify(o)}`,
      ).toBe(true);
    });
  }
  return ended;
}

// ---------------------------------------------------------------- reading the portal

const call = (method: string, path: string, model: Model, body?: unknown) =>
  portal.call(method, path, { token: model.token, ...(body === undefined ? {} : { body }) });

async function hourly(now: number): Promise<ApiResponse> {
  return portal.call('POST', '/v1/ops/hourly-check', {
    token: await portal.operatorToken(),
    body: { now: new Date(now).toISOString() },
  });
}

/** Sessions the model knows ended but no listing shows (administrative connections): each answers 404. */
async function expectEnded(model: Model, sessionIds: string[]): Promise<void> {
  const beats = await Promise.all(
    sessionIds.map((id) => call('POST', `/v1/sessions/${id}/heartbeat`, model)),
  );
  beats.forEach((res, i) => {
    expect(res.status, `session ${sessionIds[i]} still live`).toBe(404);
  });
}

/**
 * Reads every license's counters and live sessions and every server's state, and checks them against the
 * model and the invariants. Without `strict`, a listed session may have vanished only if it was expired and
 * not joined in the step (a racing sign-in reclaimed it); the model drops it.
 */
async function checkAgainstPortal(
  model: Model,
  options: { joined?: ReadonlySet<string>; strict?: boolean } = {},
): Promise<void> {
  const joined = options.joined ?? new Set<string>();
  const live = new Map<string, any>();
  // Every read of the step at once: the counters are checked against each other, not against time.
  const [reads, states] = await Promise.all([
    Promise.all(
      model.licenses.map((license) =>
        Promise.all([
          call('GET', `/v1/licenses/${license.licenseId}`, model),
          call('GET', `/v1/licenses/${license.licenseId}/assignments?limit=100`, model),
          call('GET', `/v1/licenses/${license.licenseId}/sessions?limit=100`, model),
        ]),
      ),
    ),
    Promise.all(model.servers.map((s) => call('GET', `/v1/servers/${s.serverId}/status`, model))),
  ]);
  const serverIds = new Set(model.servers.map((s) => s.serverId));
  for (const [index, license] of model.licenses.entries()) {
    const [lic, asg, ses] = reads[index] as [ApiResponse, ApiResponse, ApiResponse];
    expect(ses.body.nextToken).toBeNull();
    for (const s of ses.body.sessions) {
      live.set(s.sessionId, { ...s, licenseId: license.licenseId });
      // No live session on a removed server.
      expect(serverIds.has(s.serverId), `session ${s.sessionId} lives on removed server ${s.serverId}`).toBe(
        true,
      );
    }
    // The invariants: held seats never exceed the license's seats, and `used` is exactly the live sessions.
    expect(lic.body.used, `used of ${license.licenseId}`).toBeLessThanOrEqual(license.seats);
    expect(lic.body.used, `used of ${license.licenseId} against its listed sessions`).toBe(
      ses.body.sessions.length,
    );
    for (const a of asg.body.assignments) {
      const mine = model.assignments.find((x) => x.assignmentId === a.assignmentId);
      expect(mine, 'an assignment the model does not know').toBeDefined();
      if (!mine) continue;
      const inPortal = ses.body.sessions.filter(
        (s: any) => model.sessions.get(s.sessionId)?.assignmentId === a.assignmentId,
      ).length;
      expect(a.used, `used of assignment ${a.assignmentId} against its listed sessions`).toBe(inPortal);
      if (mine.cap !== 'all') {
        // The invariant: never above the cap, except what was held when the cap was lowered (nothing new).
        expect(a.used, `used of assignment ${a.assignmentId} against its cap`).toBeLessThanOrEqual(
          Math.max(mine.cap, mine.overflow),
        );
        mine.overflow = a.used > mine.cap ? Math.min(mine.overflow, a.used) : 0;
      }
    }
  }
  for (const [sessionId, s] of [...model.sessions]) {
    if (s.admin || live.has(sessionId)) continue;
    expect(options.strict, `session ${sessionId} vanished in a step that ends none`).not.toBe(true);
    // Only a session past both its expiry and its roaming end may disappear without being ended by us.
    expect(isExpired(s), `session ${sessionId} vanished before its time`).toBe(true);
    expect(joined.has(sessionId), `session ${sessionId} joined and ended at once`).toBe(false);
    model.sessions.delete(sessionId);
  }
  for (const [sessionId, s] of live) {
    const mine = model.sessions.get(sessionId);
    expect(mine, `a session the model never saw granted: ${sessionId}`).toBeDefined();
    if (!mine) continue;
    expect(mine.admin, `administrative connection ${sessionId} listed as holding a seat`).toBe(false);
    expect(s.licenseId).toBe(mine.licenseId);
    expect(s.serverId).toBe(mine.serverId);
    expect(Date.parse(s.expiresAt)).toBe(mine.expiresAt);
    expect(s.roamingUntil === null ? null : Date.parse(s.roamingUntil)).toBe(mine.roamingUntil);
  }
  model.servers.forEach((server, i) => {
    expect((states[i] as ApiResponse).body.state, `state of ${server.serverId}`).toBe(stateOf(model, server));
  });
  // No user + PC + product holds two live sessions.
  const keys = new Set<string>();
  for (const s of model.sessions.values()) {
    expect(keys.has(seatKey(s)), `two live sessions of ${seatKey(s)}`).toBe(false);
    keys.add(seatKey(s));
  }
  // At most one administrative connection per admin_only or lapsed server.
  for (const server of model.servers) {
    if (!isRestricted(stateOf(model, server))) continue;
    const admins = sessionsWhere(model, (s) => s.admin && s.serverId === server.serverId);
    expect(admins.length, `administrative connections of ${server.serverId}`).toBeLessThanOrEqual(1);
  }
}

// ---------------------------------------------------------------- the hourly check's effects

interface CheckEffects {
  expiredLicenses: number;
  lapsedServers: number;
  reclaimedSessions: number;
  endedRoaming: number;
  /** Servers a newly expired license leaves admin_only or lapsed: they keep one connection. */
  restricted: MServer[];
  ended: string[];
  converted: string[];
}

/**
 * What a complete hourly check at `clock` changes (API.md; docs/seat-protocol.md "The hourly check"): every
 * session past its time ends (as its license's expiry when that ended, else counted as roaming ended or
 * reclaimed); every server a newly expired license leaves admin_only or lapsed keeps its administrative
 * connection, or else converts the earliest-started unexpired connection of an administrator, and ends its
 * other connections (not counted); a lapsed server is counted once per lapse; each license once per expiry.
 * Expired sessions end before the restriction is decided, as the portal does: so an expired connection of a
 * newly restricted server counts as reclaimed (docs/seat-protocol.md lists the steps the other way round).
 */
function checkEffects(model: Model): CheckEffects {
  const effects: CheckEffects = {
    expiredLicenses: 0,
    lapsedServers: 0,
    reclaimedSessions: 0,
    endedRoaming: 0,
    restricted: [],
    ended: [],
    converted: [],
  };
  const due = [...issued].filter(([, l]) => l.validUntil <= clock && l.countedFor !== l.validUntil);
  effects.expiredLicenses = due.length;
  const ended = new Set<string>();
  for (const s of model.sessions.values()) {
    if (!isExpired(s)) continue;
    ended.add(s.sessionId);
    if (!s.admin && licenseOf(model, s.licenseId).validUntil <= clock) continue; // license_expired
    if (s.roamingUntil !== null && s.roamingUntil >= s.expiresAt) effects.endedRoaming++;
    else effects.reclaimedSessions++;
  }
  const mine = due.map(([id]) =>
    [...model.licenses, ...model.serverLicenses].find((l) => l.licenseId === id),
  );
  const calExpired = mine.some((l) => l?.product === CAL);
  for (const server of model.servers) {
    const touched = calExpired || mine.some((l) => l && server.holds.includes(l.licenseId));
    const state = stateOf(model, server);
    if (!touched || !isRestricted(state)) continue;
    effects.restricted.push(server);
    const connections = connectionsOf(model, server.serverId)
      .filter((s) => !ended.has(s.sessionId))
      .sort((a, b) => a.startedAt - b.startedAt || byId(a, b));
    const isAdmin = (s: MSession) => model.users.find((u) => u.userId === s.userId)?.admin === true;
    const keep = connections.find((s) => s.admin) ?? connections.find((s) => isAdmin(s) && !isExpired(s));
    if (keep && !keep.admin) effects.converted.push(keep.sessionId);
    for (const s of connections) if (s !== keep) ended.add(s.sessionId);
    if (state === 'lapsed' && server.lapseCounted !== lapseOf(model, server)) effects.lapsedServers++;
  }
  effects.ended = [...ended];
  return effects;
}

const lapseOf = (model: Model, server: MServer) =>
  Math.max(
    ...model.serverLicenses.filter((l) => server.holds.includes(l.licenseId)).map((l) => l.validUntil),
  );

/** The model with a copy of its sessions, to decide on as it was. */
function snapshot(model: Model): Model {
  return { ...model, sessions: new Map([...model.sessions].map(([id, s]) => [id, { ...s }])) };
}

/**
 * The model states a racing sign-in may have read while `endedIds` were ending one at a time: `before` without
 * each subset of them (at most 2^10 subsets; beyond that, before and after only).
 */
function statesDuring(before: Model, endedIds: string[]): Model[] {
  const ids = endedIds.length <= 10 ? endedIds : [];
  const states: Model[] = [];
  for (let mask = 0; mask < 1 << ids.length; mask++) {
    const state = snapshot(before);
    ids.forEach((id, bit) => {
      if (mask & (1 << bit)) state.sessions.delete(id);
    });
    states.push(state);
  }
  if (ids.length === 0 && endedIds.length > 0) {
    const after = snapshot(before);
    for (const id of endedIds) after.sessions.delete(id);
    states.push(after);
  }
  return states;
}

/** A copy of the model's sessions as a complete hourly check leaves them (the model itself unchanged). */
function withoutEnded(model: Model, effects: CheckEffects): Model {
  const { sessions } = snapshot(model);
  for (const id of effects.ended) sessions.delete(id);
  for (const id of effects.converted)
    Object.assign(sessions.get(id) as MSession, { admin: true, assignmentId: null });
  return { ...model, sessions };
}

/** The model after a complete hourly check. */
function applyCheck(model: Model, effects: CheckEffects): void {
  for (const l of issued.values()) if (l.validUntil <= clock) l.countedFor = l.validUntil;
  for (const server of effects.restricted) {
    if (stateOf(model, server) === 'lapsed') server.lapseCounted = lapseOf(model, server);
  }
  for (const id of effects.ended) model.sessions.delete(id);
  for (const id of effects.converted) {
    const s = model.sessions.get(id) as MSession;
    // The converted session gives its CAL seat back and becomes the server's administrative connection.
    s.admin = true;
    s.assignmentId = null;
  }
}

/** Sends hourly checks at `clock` until one completes (a run stops at its budget); returns their summed counts. */
async function finishHourly(answers: ApiResponse[]) {
  const sum = { expiredLicenses: 0, lapsedServers: 0, reclaimedSessions: 0, endedRoaming: 0 };
  const add = (res: ApiResponse) => {
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += res.body[k];
  };
  let complete = false;
  for (const res of answers) {
    expect([200, 503], JSON.stringify(res.body)).toContain(res.status);
    if (res.status === 503) {
      // One run at a time: the others are told to come back.
      expect(res.body.error.code).toBe('busy');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      continue;
    }
    add(res);
    complete ||= res.body.complete;
  }
  expect(
    answers.some((r) => r.status === 200),
    'every hourly check answered busy',
  ).toBe(true);
  for (let attempt = 0; !complete; attempt++) {
    expect(attempt, 'the hourly check never completed').toBeLessThan(10);
    const again = await hourly(clock);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    add(again);
    complete = again.body.complete;
  }
  return sum;
}

// ---------------------------------------------------------------- steps

/** Every step starts a second after the last one. */
function nextStep(): void {
  clock += SECOND;
}

class SignIns implements fc.AsyncCommand<Model, Real> {
  constructor(readonly specs: SignInSpec[]) {}
  check = () => true;
  async run(model: Model) {
    nextStep();
    const results = await Promise.all(this.specs.map((spec) => signIn(model, spec)));
    const joined = new Set<string>();
    const ended = applySignIns(model, this.specs, results, joined, { judgeRefusals: true });
    await expectEnded(model, ended);
    await checkAgainstPortal(model, { joined, strict: this.specs.length === 1 });
  }
  toString = () => `SignIns(${JSON.stringify(this.specs)})`;
}

/** Administrators (and one member) racing for the one connection of an admin_only or lapsed server. */
class AdminConnections implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly which: number,
    readonly specs: Omit<SignInSpec, 'server'>[],
  ) {}
  check = (model: Readonly<Model>) => model.servers.some((s) => isRestricted(stateOf(model as Model, s)));
  async run(model: Model) {
    nextStep();
    const restricted = model.servers.filter((s) => isRestricted(stateOf(model, s)));
    const target = restricted[this.which % Math.max(1, restricted.length)];
    if (!target) return checkAgainstPortal(model, { strict: true });
    const specs = this.specs.map((s) => ({ ...s, server: model.servers.indexOf(target) }));
    const results = await Promise.all(specs.map((spec) => signIn(model, spec)));
    const joined = new Set<string>();
    const ended = applySignIns(model, specs, results, joined, { judgeRefusals: true });
    await expectEnded(model, ended);
    await checkAgainstPortal(model, { joined, strict: specs.length === 1 });
  }
  toString = () => `AdminConnections(${this.which}, ${JSON.stringify(this.specs)})`;
}

/** Picks model sessions by index (duplicates on purpose: two ends of one session at once). */
function pick(model: Model, picks: number[]): MSession[] {
  const all = [...model.sessions.values()];
  return all.length === 0 ? [] : picks.map((i) => all[i % all.length] as MSession);
}

/** Sign-outs (duplicates on purpose: two ends of one session at once), racing sign-ins. */
class Ends implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly picks: number[],
    readonly specs: SignInSpec[],
  ) {}
  check = (model: Readonly<Model>) => model.sessions.size > 0;
  async run(model: Model) {
    nextStep();
    const targets = pick(model, this.picks);
    const before = snapshot(model);
    const answers = await Promise.all([
      ...targets.map((s) => call('DELETE', `/v1/sessions/${s.sessionId}`, model)),
      ...this.specs.map((spec) => signIn(model, spec)),
    ]);
    const signIns = answers.slice(targets.length);
    const ending = new Set(targets.map((s) => s.sessionId));
    const joined = new Set<string>();
    const ended = applySignIns(model, this.specs, signIns, joined, { ending });
    const byIdStatuses = new Map<string, number[]>();
    answers.slice(0, targets.length).forEach((res, i) => {
      const id = (targets[i] as MSession).sessionId;
      byIdStatuses.set(id, [...(byIdStatuses.get(id) ?? []), res.status]);
    });
    for (const [id, statuses] of byIdStatuses) {
      expect(statuses.every((s) => s === 204 || s === 404)).toBe(true);
      const s = before.sessions.get(id) as MSession;
      // A live session (expired or not, the administrative connection too) ends exactly once; an expired one
      // may have been reclaimed first by a racing sign-in (then every sign-out answers 404).
      const reclaimable = this.specs.length > 0 && isExpired(s) && !joined.has(id);
      const once = statuses.filter((x) => x === 204).length;
      if (once === 0 && reclaimable && s.admin) expect(ended, `${id} ended by nobody`).toContain(id);
      expect(once, `sign-outs of ${id} that ended it`).toBe(once === 0 && reclaimable ? 0 : 1);
      model.sessions.delete(id);
    }
    if (this.specs.length > 0 && signIns.every((r) => r.status === 409) && STRICT_RACES) {
      // Nothing was granted: each refusal is the model's at some point of the sign-outs, which end one at a
      // time, so any subset of them may have ended when a sign-in decided (a seat freed on a license that has
      // since expired helps nobody while another license's holders are still signing out).
      const endedIds = [...byIdStatuses.keys()].filter((id) => !model.sessions.has(id));
      for (const spec of this.specs) {
        const either = [...statesDuring(before, endedIds), model].flatMap((state) => outcomesOf(state, spec));
        expect(
          either.some((o) => o.status === 409),
          `refused ${JSON.stringify(spec)}: ${JSON.stringify(either)}`,
        ).toBe(true);
      }
    }
    await expectEnded(model, ended);
    await checkAgainstPortal(model, { joined, strict: this.specs.length === 0 });
  }
  toString = () => `Ends(${this.picks}, ${JSON.stringify(this.specs)})`;
}

/**
 * Heartbeat answers: every live session answers, an expired one is revived (the model holds exactly the live
 * ones). With sign-ins racing (`revived` given), an expired one may instead have been reclaimed first: 404, and
 * it must be gone; one that answered 200 was revived and must stay.
 */
function heartbeats(
  model: Model,
  targets: MSession[],
  results: ApiResponse[],
  timeouts: number[],
  revived?: Set<string>,
): void {
  results.forEach((res, i) => {
    const s = targets[i] as MSession;
    if (!model.sessions.has(s.sessionId)) {
      // Reclaimed by a racing sign-in's administrative connection: that needed it still expired.
      expect(res.status, `${s.sessionId} revived and reclaimed at once`).toBe(404);
      return;
    }
    if (res.status === 404 && revived && !s.admin && isExpired(s) && s.lastSeenAt !== clock) {
      model.sessions.delete(s.sessionId);
      return;
    }
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    touch(model, s, Date.parse(res.body.expiresAt), timeouts);
    revived?.add(s.sessionId);
  });
}

class Heartbeats implements fc.AsyncCommand<Model, Real> {
  constructor(readonly picks: number[]) {}
  check = (model: Readonly<Model>) => model.sessions.size > 0;
  async run(model: Model) {
    nextStep();
    const targets = pick(model, this.picks);
    const results = await Promise.all(
      targets.map((s) => call('POST', `/v1/sessions/${s.sessionId}/heartbeat`, model)),
    );
    heartbeats(model, targets, results, [model.timeout]);
    await checkAgainstPortal(model, { strict: true });
  }
  toString = () => `Heartbeats(${this.picks})`;
}

/** PUT sessionTimeoutMinutes racing heartbeats and sign-ins: each applies the old timeout or the new one. */
class SetTimeout implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly minutes: number,
    readonly picks: number[],
    readonly specs: SignInSpec[],
  ) {}
  check = () => true;
  async run(model: Model) {
    nextStep();
    const targets = pick(model, this.picks);
    const [put, ...rest] = await Promise.all([
      call('PUT', '/v1/settings/license-manager', model, { sessionTimeoutMinutes: this.minutes }),
      ...targets.map((s) => call('POST', `/v1/sessions/${s.sessionId}/heartbeat`, model)),
      ...this.specs.map((spec) => signIn(model, spec)),
    ]);
    expect(put?.status, JSON.stringify(put?.body)).toBe(200);
    expect(put?.body.sessionTimeoutMinutes).toBe(this.minutes);
    const timeouts = [model.timeout, this.minutes];
    model.timeout = this.minutes;
    const joined = new Set<string>();
    const before = snapshot(model);
    const signIns = rest.slice(targets.length);
    const ended = applySignIns(model, this.specs, signIns, joined, {
      timeouts,
      revivals: targets.length > 0,
    });
    heartbeats(
      model,
      targets,
      rest.slice(0, targets.length),
      timeouts,
      this.specs.length > 0 ? joined : undefined,
    );
    if (this.specs.length > 0 && signIns.every((r) => r.status === 409)) {
      // Nothing was granted: each refusal is the model's before the heartbeats or after them (a revived holder).
      for (const spec of this.specs) {
        const either = [...outcomesOf(before, spec), ...outcomesOf(model, spec)];
        expect(
          either.some((o) => o.status === 409),
          `refused ${JSON.stringify(spec)}`,
        ).toBe(true);
      }
    }
    await expectEnded(model, ended);
    await checkAgainstPortal(model, { joined });
  }
  toString = () => `SetTimeout(${this.minutes}m, beats ${this.picks}, ${JSON.stringify(this.specs)})`;
}

class Roaming implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly picks: number[],
    readonly days: number,
    readonly giveBack: boolean,
  ) {}
  check = (model: Readonly<Model>) => model.sessions.size > 0;
  async run(model: Model) {
    nextStep();
    const targets = [...new Map(pick(model, this.picks).map((s) => [s.sessionId, s])).values()];
    const results = await Promise.all(
      targets.map((s) =>
        this.giveBack
          ? call('DELETE', `/v1/sessions/${s.sessionId}/roaming`, model)
          : call('POST', `/v1/sessions/${s.sessionId}/roaming`, model, { days: this.days }),
      ),
    );
    results.forEach((res, i) => {
      const s = targets[i] as MSession;
      const a = model.assignments.find((x) => x.assignmentId === s.assignmentId);
      if (this.giveBack) {
        // Returning a roaming seat ends the session; a session that is not roaming has none to return.
        expect(res.status).toBe(s.roamingUntil === null ? 404 : 204);
        if (res.status === 204) model.sessions.delete(s.sessionId);
      } else if (s.product === CLIENT && !s.admin && a?.allowRoaming) {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const license = licenseOf(model, s.licenseId);
        expect(Date.parse(res.body.roamingUntil)).toBe(Math.min(clock + this.days * DAY, license.validUntil));
        s.roamingUntil = Date.parse(res.body.roamingUntil);
      } else {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('roaming_not_allowed');
      }
    });
    await checkAgainstPortal(model, { strict: true });
  }
  toString = () => `Roaming(${this.picks}, ${this.days}, ${this.giveBack})`;
}

class PassTime implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(model: Model) {
    clock += this.minutes * MINUTE;
    await checkAgainstPortal(model, { strict: true });
  }
  toString = () => `PassTime(${this.minutes}m)`;
}

/** One hourly check racing sign-ins (on servers it does not restrict: where it does, it runs alone). */
class HourlyCheck implements fc.AsyncCommand<Model, Real> {
  constructor(readonly specs: SignInSpec[]) {}
  check = () => true;
  async run(model: Model) {
    nextStep();
    const effects = checkEffects(model);
    // Which connection a restricted server keeps depends on what a racing sign-in did first: not judged here.
    const specs = effects.restricted.length > 0 ? [] : this.specs;
    const [check, ...results] = await Promise.all([
      hourly(clock),
      ...specs.map((spec) => signIn(model, spec)),
    ]);
    expect(check?.status, JSON.stringify(check?.body)).toBe(200);
    const sum = await finishHourly([check as ApiResponse]);
    expect(sum.expiredLicenses, 'expiredLicenses').toBe(effects.expiredLicenses);
    expect(sum.lapsedServers, 'lapsedServers').toBe(effects.lapsedServers);
    const ends = sum.reclaimedSessions + sum.endedRoaming;
    const predicted = effects.reclaimedSessions + effects.endedRoaming;
    if (specs.length === 0) expect(ends, 'reclaimedSessions + endedRoaming').toBe(predicted);
    // Racing sign-ins may reclaim or revive first what the check would have ended (an administrative
    // connection reclaims every expired connection of its server).
    const expiredConnections = sessionsWhere(model, (s) => isConnection(s) && isExpired(s)).length;
    expect(ends).toBeLessThanOrEqual(predicted);
    expect(ends).toBeGreaterThanOrEqual(
      predicted - (specs.length > 0 ? specs.length + expiredConnections : 0),
    );
    if (specs.length > 0 && results.every((r) => r.status === 409) && STRICT_RACES) {
      // Nothing was granted or joined: each refusal must be the model's before the check or after it.
      const after = withoutEnded(model, effects);
      for (const spec of specs) {
        const either = [...outcomesOf(model, spec), ...outcomesOf(after, spec)];
        expect(
          either.some((o) => o.status === 409),
          `refused ${JSON.stringify(spec)}: ${JSON.stringify(either)}`,
        ).toBe(true);
      }
    }
    const joined = new Set<string>();
    const ended = applySignIns(model, specs, results as ApiResponse[], joined, {
      ending: new Set(effects.ended),
    });
    // Whatever a sign-in did not revive or reclaim, the check ended (listed sessions are synced from the
    // listing, since which of the two ended them is not known).
    const adminsEnded = effects.ended.filter((id) => model.sessions.get(id)?.admin && !joined.has(id));
    applyCheck(model, specs.length === 0 ? effects : { ...effects, ended: adminsEnded });
    await expectEnded(model, [...ended, ...adminsEnded]);
    await checkAgainstPortal(model, { joined, strict: specs.length === 0 });
    // After the check, nothing past its time is still held (unless a sign-in on its PC revived it at once).
    for (const s of model.sessions.values()) {
      if (!joined.has(s.sessionId))
        expect(isExpired(s), `${s.sessionId} outlived the hourly check`).toBe(false);
    }
  }
  toString = () => `HourlyCheck(+${this.specs.length} sign-ins)`;
}

/**
 * Hourly checks at once: one works, the others answer 503 busy; their counts add up to exactly the changes
 * made; a run at the same time afterwards changes nothing, and one earlier is refused.
 */
class HourlyRuns implements fc.AsyncCommand<Model, Real> {
  constructor(readonly runs: number) {}
  check = () => true;
  async run(model: Model) {
    nextStep();
    await hourlyRuns(model, this.runs);
  }
  toString = () => `HourlyRuns(${this.runs})`;
}

/** `runs` hourly checks at `clock` at once, judged exactly (nothing else runs meanwhile). */
async function hourlyRuns(model: Model, runs: number): Promise<void> {
  const effects = checkEffects(model);
  const answers = await Promise.all(Array.from({ length: runs }, () => hourly(clock)));
  const sum = await finishHourly(answers);
  expect(sum).toEqual({
    expiredLicenses: effects.expiredLicenses,
    lapsedServers: effects.lapsedServers,
    reclaimedSessions: effects.reclaimedSessions,
    endedRoaming: effects.endedRoaming,
  });
  const again = await hourly(clock);
  expect(again.body).toEqual({
    expiredLicenses: 0,
    lapsedServers: 0,
    reclaimedSessions: 0,
    endedRoaming: 0,
    rollupsWritten: 0,
    complete: true,
  });
  const back = await hourly(clock - 1);
  expect(back.status).toBe(400);
  expect(back.body.error.code).toBe('invalid_request');
  const adminsEnded = effects.ended.filter((id) => model.sessions.get(id)?.admin);
  applyCheck(model, effects);
  await expectEnded(model, adminsEnded);
  await checkAgainstPortal(model, { strict: true });
}

/**
 * The lapsing server's Server license ends a minute after people sign in on it: the first hourly check then
 * converts the earliest-started live connection of an administrator into the administrative connection (its
 * CAL seat is given back) and ends the server's other connections; design-software sessions stay.
 */
class Lapse implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly specs: SignInSpec[],
    readonly runs: number,
  ) {}
  check = (model: Readonly<Model>) => stateOf(model as Model, model.servers[2] as MServer) === 'licensed';
  async run(model: Model) {
    nextStep();
    const lapsing = model.servers[2] as MServer;
    const end = lapseOf(model, lapsing);
    if (end <= clock) return checkAgainstPortal(model, { strict: true });
    clock = Math.max(clock, end - MINUTE);
    const specs = this.specs.map((s) => ({ ...s, server: 2 }));
    const results = await Promise.all(specs.map((spec) => signIn(model, spec)));
    const joined = new Set<string>();
    const ended = applySignIns(model, specs, results, joined, { judgeRefusals: true });
    await expectEnded(model, ended);
    await checkAgainstPortal(model, { joined, strict: specs.length === 1 });
    clock = end;
    await hourlyRuns(model, this.runs);
  }
  toString = () => `Lapse(${JSON.stringify(this.specs)}, ${this.runs})`;
}

class ChangeAssignment implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly which: number,
    readonly cap: number | 'all',
    readonly allowRoaming: boolean,
    readonly specs: SignInSpec[],
  ) {}
  check = () => true;
  async run(model: Model) {
    nextStep();
    const a = model.assignments[this.which % model.assignments.length] as MAssignment;
    const license = licenseOf(model, a.licenseId);
    const others = model.assignments
      .filter((x) => x.licenseId === a.licenseId && x !== a)
      .reduce((sum, x) => sum + (x.cap === 'all' ? 0 : x.cap), 0);
    const [put, ...results] = await Promise.all([
      call('PUT', `/v1/licenses/${a.licenseId}/assignments/${a.assignmentId}`, model, {
        role: a.role,
        seats: this.cap,
        allowRoaming: this.allowRoaming,
      }),
      ...this.specs.map((spec) => signIn(model, spec)),
    ]);
    const fits = this.cap === 'all' || others + this.cap <= license.seats;
    expect(put?.status, JSON.stringify(put?.body)).toBe(fits ? 200 : 409);
    // Grants racing the change were judged by the old cap or the new one: both bound the use after the step.
    const oldCap = a.cap;
    if (fits) {
      a.cap = this.cap;
      a.allowRoaming = this.allowRoaming;
      if (a.cap !== 'all') a.overflow = Math.max(a.overflow, oldCap === 'all' ? license.seats : oldCap);
    }
    // A cap changing at once may refuse what the old one allowed, or the reverse: refusals are not judged here.
    const joined = new Set<string>();
    const ended = applySignIns(model, this.specs, results as ApiResponse[], joined);
    await expectEnded(model, ended);
    await checkAgainstPortal(model, { joined });
  }
  toString = () => `ChangeAssignment(${this.which}, ${this.cap}, roam ${this.allowRoaming})`;
}

/**
 * DELETE of the spare server racing sign-ins on it: 204; every session of it ends, those the racing sign-ins
 * got included; its System seat is free; later sign-ins on it answer 404. A new spare replaces it.
 */
class DeleteServer implements fc.AsyncCommand<Model, Real> {
  constructor(readonly specs: SignInSpec[]) {}
  check = () => true;
  async run(model: Model) {
    nextStep();
    const doomed = model.servers[1] as MServer;
    const specs = this.specs.map((s) => ({ ...s, server: 1 }));
    const [removed, ...results] = await Promise.all([
      call('DELETE', `/v1/servers/${doomed.serverId}`, model),
      ...specs.map((spec) => signIn(model, spec, doomed.serverId)),
    ]);
    expect(removed?.status, JSON.stringify(removed?.body)).toBe(204);
    const joined = new Set<string>();
    applySignIns(model, specs, results as ApiResponse[], joined, {
      serverId: doomed.serverId,
      removing: true,
    });
    const gone = sessionsWhere(model, (s) => s.serverId === doomed.serverId);
    for (const s of gone) model.sessions.delete(s.sessionId);
    await expectEnded(
      model,
      gone.map((s) => s.sessionId),
    );
    const late = await signIn(model, specs[0] as SignInSpec, doomed.serverId);
    expect(late.status).toBe(404);
    const long = model.serverLicenses[0] as MLicense;
    const freed = await call('GET', `/v1/licenses/${long.licenseId}`, model);
    expect(freed.body.used, 'System seats after the removal').toBe(1);
    model.servers[1] = await registerServer(model, `spare-${++model.replacements}`, long.licenseId);
    const taken = await call('GET', `/v1/licenses/${long.licenseId}`, model);
    expect(taken.body.used, 'System seats after the replacement').toBe(2);
    await checkAgainstPortal(model, { joined });
  }
  toString = () => `DeleteServer(${JSON.stringify(this.specs)})`;
}

/** The operator renews the CALs that ended: the admin_only account is licensed again. */
class RenewCals implements fc.AsyncCommand<Model, Real> {
  /** Only once every CAL ended: the account goes from licensed to admin_only and back. */
  check = (model: Readonly<Model>) => !model.licenses.some((l) => l.product === CAL && validAt(l));
  async run(model: Model) {
    nextStep();
    const operator = await portal.operatorToken();
    for (const license of model.licenses.filter((l) => l.product === CAL)) {
      const res = await portal.call(
        'POST',
        `/v1/accounts/${model.accountId}/licenses/${license.licenseId}/renewals`,
        {
          token: operator,
          body: { termMonths: 1 },
        },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.licenseId).toBe(license.licenseId);
      const validUntil = Date.parse(res.body.validUntil);
      // A month longer, counted from its end, or from now if that has passed.
      expect(validUntil).toBeGreaterThanOrEqual(Math.max(license.validUntil, clock) + 28 * DAY);
      license.validUntil = validUntil;
      (issued.get(license.licenseId) as { validUntil: number }).validUntil = validUntil;
    }
    await checkAgainstPortal(model, { strict: true });
  }
  toString = () => 'RenewCals';
}

/**
 * Fills an assignment's cap on the main server, lets every holder's time pass, and signs in one more of its
 * role: the sign-in ends the holder with the earliest expiresAt (then sessionId) and takes its place at once.
 */
class ReclaimUnderFullCap implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly which: number,
    readonly user: number,
  ) {}
  check = (model: Readonly<Model>) =>
    stateOf(model as Model, model.servers[0] as MServer) === 'licensed' &&
    model.assignments.some(
      (a) => a.cap !== 'all' && model.licenses.some((l) => l.licenseId === a.licenseId && validAt(l)),
    );
  async run(model: Model) {
    nextStep();
    const capped = model.assignments.filter((a) => a.cap !== 'all' && validAt(licenseOf(model, a.licenseId)));
    const a = capped[this.which % Math.max(1, capped.length)];
    if (!a || a.cap === 'all' || stateOf(model, model.servers[0] as MServer) !== 'licensed') return;
    const members = model.users.map((u, i) => ({ u, i })).filter(({ u }) => u.roles.includes(a.role));
    const exact = async (spec: SignInSpec) => {
      const res = await signIn(model, spec);
      const ended = applySignIns(model, [spec], [res], new Set(), { judgeRefusals: true });
      await expectEnded(model, ended);
      await checkAgainstPortal(model, { strict: true });
      return res;
    };
    const spec = (n: number): SignInSpec => ({
      user: (members[(this.user + n) % members.length] as { i: number }).i,
      machine: `R${clock}-${n}`,
      client: 'browser',
      design: false,
      server: 0,
      licenseId: a.licenseId,
    });
    for (let n = 0; seatsOf(model, a).length < a.cap && n <= a.cap; n++) {
      if ((await exact(spec(n))).status !== 201) break;
    }
    if (seatsOf(model, a).length < a.cap) return;
    // Just until every holder that is not roaming is expired.
    clock = Math.max(clock, ...seatsOf(model, a).map((s) => s.expiresAt));
    const last = spec(a.cap + 1);
    const user = userOf(model, last);
    const numbered = model.assignments.filter(
      (x) => x.licenseId === a.licenseId && x.cap !== 'all' && user.roles.includes(x.role),
    );
    const holders = seatsOf(model, a).filter(isExpired);
    const licensed = stateOf(model, model.servers[0] as MServer) === 'licensed';
    if (licensed && numbered.length === 1 && validAt(licenseOf(model, a.licenseId)) && holders.length > 0) {
      // The cap is the first candidate and full: its earliest expired holder is ended (API.md), whatever the order.
      const first = holders.sort((x, y) => x.expiresAt - y.expiresAt || byId(x, y))[0] as MSession;
      expect(outcomesOf(model, last)).toEqual([
        {
          status: 201,
          admin: false,
          licenseId: a.licenseId,
          assignmentId: a.assignmentId,
          reclaim: first.sessionId,
        },
      ]);
    }
    await exact(last);
  }
  toString = () => `ReclaimUnderFullCap(${this.which}, ${this.user})`;
}

// ---------------------------------------------------------------- setting up a run

async function registerServer(model: Model, hostName: string, licenseId: string): Promise<MServer> {
  const server = await call('POST', '/v1/servers', model, { hostName });
  expect(server.status).toBe(201);
  const acquired = await call('POST', `/v1/servers/${server.body.serverId}/acquisitions`, model, {
    licenseIds: [licenseId],
  });
  expect(acquired.status, JSON.stringify(acquired.body)).toBe(201);
  return { serverId: server.body.serverId, holds: [licenseId], lapseCounted: null };
}

/** An ISO time one calendar month before `at`: a one-month license from then ends at `at` (or a little later). */
function monthBefore(at: number): string {
  const d = new Date(at);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString();
}

interface RunPlan {
  /** Hours until the lapsing server's Server license ends. */
  lapseHours: number;
  /** Hours until the CALs end (the account turns admin_only), or null for CALs that outlast the run. */
  calHours: number | null;
}

/**
 * A fresh account per run: a main and a spare server on a long Server license, a lapsing server on a short
 * one, two CALs (one with a Designers cap) and a design license; designers, members and two administrators.
 * The previous run's servers are removed first, so its sessions end and its account changes nothing more.
 */
async function setupModel(plan: RunPlan): Promise<Model> {
  if (previous) {
    const old = previous;
    const removed = await Promise.all(
      old.servers.map((s) => call('DELETE', `/v1/servers/${s.serverId}`, old)),
    );
    for (const res of removed) expect(res.status).toBe(204);
  }
  const operator = await portal.operatorToken();
  const created = await portal.call('POST', '/v1/accounts', { token: operator, body: { name: 'Model Co' } });
  const accountId = created.body.accountId as string;
  const token = (await portal.createUser(accountId, { admin: true })).token;
  const issue = async (product: string, seats: number, endsInHours: number | null): Promise<MLicense> => {
    const term =
      endsInHours === null
        ? { validFrom: new Date(clock).toISOString(), termMonths: 24 }
        : { validFrom: monthBefore(clock + endsInHours * HOUR), termMonths: 1 };
    const l = await portal.issueLicense(accountId, product, seats, term);
    const license = {
      licenseId: l.licenseId,
      product,
      seats,
      validFrom: Date.parse(l.validFrom),
      validUntil: Date.parse(l.validUntil),
    };
    expect(validAt(license)).toBe(true);
    issued.set(license.licenseId, { validUntil: license.validUntil, countedFor: null });
    return license;
  };
  const [serverLong, serverShort, calA, calB, design] = await Promise.all([
    issue(SERVER, 2, null),
    issue(SERVER, 1, plan.lapseHours),
    issue(CAL, 3, plan.calHours),
    issue(CAL, 2, plan.calHours === null ? null : plan.calHours + 1),
    issue(CLIENT, 2, null),
  ]);
  const model: Model = {
    accountId,
    token,
    licenses: [calA, calB, design],
    serverLicenses: [serverLong, serverShort],
    assignments: [],
    users: [],
    servers: [],
    sessions: new Map(),
    timeout: DEFAULT_TIMEOUT,
    replacements: 0,
  };
  const createAdmins = (count: number) =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const res = await portal.call('POST', `/v1/accounts/${accountId}/users`, {
          token: operator,
          body: {
            email: `admin-${randomUUID()}@example.com`,
            password: 'correct-horse-battery',
            roles: [],
            admin: true,
          },
        });
        expect(res.status).toBe(201);
        return res.body.userId as string;
      }),
    );
  const [main, spare, lapsing, designers, plain, admins, capped] = await Promise.all([
    registerServer(model, 'main', serverLong.licenseId),
    registerServer(model, 'spare-0', serverLong.licenseId),
    registerServer(model, 'lapsing', serverShort.licenseId),
    portal.createUserIds(accountId, 2, ['Designers']),
    portal.createUserIds(accountId, 3, []),
    createAdmins(2),
    call('POST', `/v1/licenses/${calA.licenseId}/assignments`, model, { role: 'Designers', seats: 2 }),
  ]);
  model.servers = [main, spare, lapsing];
  model.users = [
    ...designers.map((userId) => ({ userId, roles: ['All Users', 'Designers'], admin: false })),
    ...plain.map((userId) => ({ userId, roles: ['All Users'], admin: false })),
    ...admins.map((userId) => ({ userId, roles: ['All Users'], admin: true })),
  ];
  model.assignments.push({
    ...capped.body,
    licenseId: calA.licenseId,
    cap: 2,
    allowRoaming: false,
    overflow: 0,
  });
  for (const license of model.licenses) {
    const listed = await call('GET', `/v1/licenses/${license.licenseId}/assignments`, model);
    for (const a of listed.body.assignments) {
      if (a.assignmentId === capped.body.assignmentId) continue;
      model.assignments.push({
        assignmentId: a.assignmentId,
        licenseId: license.licenseId,
        role: a.role,
        cap: a.seats,
        allowRoaming: a.allowRoaming,
        overflow: 0,
      });
    }
  }
  previous = model;
  return model;
}

// ---------------------------------------------------------------- the property

/** Users: 0-1 designers, 2-4 members, 5-6 administrators. Servers: 0 main (twice as likely), 1 spare, 2 lapsing. */
const signInSpec = fc.record({
  user: fc.nat(6),
  machine: fc.nat(2),
  client: fc.constantFrom('browser' as const, 'design_client' as const),
  design: fc.boolean(),
  server: fc.constantFrom(0, 0, 1, 2),
});
const adminFields = {
  user: fc.constantFrom(5, 6, 5, 6, 0),
  machine: fc.nat(2),
  client: fc.constantFrom('browser' as const, 'design_client' as const),
  design: fc.boolean(),
};
const adminSpec = fc.record(adminFields);
const picks = fc.array(fc.nat(20), { minLength: 2, maxLength: 8 });
const fewSignIns = fc.array(signInSpec, { minLength: 1, maxLength: 7 });
const command = fc.oneof(
  { weight: 6, arbitrary: fc.array(signInSpec, { minLength: 1, maxLength: 8 }).map((s) => new SignIns(s)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(2), fc.array(adminSpec, { minLength: 1, maxLength: 5 }))
      .map(([w, s]) => new AdminConnections(w, s)),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(picks, fc.array(signInSpec, { maxLength: 3 })).map(([p, s]) => new Ends(p, s)),
  },
  { weight: 2, arbitrary: picks.map((p) => new Heartbeats(p)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(picks, fc.integer({ min: 1, max: 3 }), fc.boolean())
      .map(([p, d, back]) => new Roaming(p, d, back)),
  },
  { weight: 3, arbitrary: fc.constantFrom(2, 6, 11, 25, 90).map((m) => new PassTime(m)) },
  { weight: 1, arbitrary: fc.constant(new PassTime(26 * 60)) },
  { weight: 2, arbitrary: fewSignIns.map((s) => new HourlyCheck(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }).map((n) => new HourlyRuns(n)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.nat(3),
        fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant('all' as const)),
        fc.boolean(),
        fewSignIns,
      )
      .map(([w, cap, roam, s]) => new ChangeAssignment(w, cap, roam, s)),
  },
  { weight: 1, arbitrary: fewSignIns.map((s) => new DeleteServer(s)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(1, 2, 10, 60, 1440),
        fc.array(fc.nat(20), { maxLength: 4 }),
        fc.array(signInSpec, { maxLength: 3 }),
      )
      .map(([m, p, s]) => new SetTimeout(m, p, s)),
  },
  { weight: 1, arbitrary: fc.constant(new RenewCals()) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        // An administrator's connection for the check to convert.
        fc.record({
          ...adminFields,
          user: fc.constantFrom(5, 6),
          design: fc.constant(false),
          server: fc.constant(2),
        }),
        fc.array(signInSpec, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 3 }),
      )
      .map(([admin, s, n]) => new Lapse([admin, ...s], n)),
  },
  { weight: 1, arbitrary: fc.tuple(fc.nat(3), fc.nat(6)).map(([w, u]) => new ReclaimUnderFullCap(w, u)) },
);
const runPlan = fc.record({
  lapseHours: fc.integer({ min: 1, max: 10 }),
  calHours: fc.option(fc.integer({ min: 2, max: 20 }), { freq: 2 }),
});

describe('the seat lifecycle against its model', () => {
  it(
    `keeps the invariants and the model's counters over ${RUNS} runs of ${STEPS} concurrent steps`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          runPlan,
          fc.array(command, { minLength: STEPS, maxLength: STEPS }),
          async (plan, commands) => {
            const model = await setupModel(plan);
            await fc.asyncModelRun(() => ({ model, real: { portal } }), commands);
          },
        ),
        {
          numRuns: RUNS,
          endOnFailure: true,
          ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
        },
      );
    },
    30 * 60_000,
  );
});
