// Model-based test of the seat engine against the real portal on DynamoDB Local: random steps, each sending 2-8
// HTTP calls at once; after every step the invariant holds and the portal's counters equal the model's.
// The model is written here from API.md and imports nothing from domain/. FC_RUNS raises the number of runs.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../../functions/runtime/clock.js';
import { type ApiResponse, startTestPortal, type TestPortal } from '../support/portal.js';

const RUNS = Number(process.env.FC_RUNS ?? 25);
const STEPS = Number(process.env.FC_STEPS ?? 30);
/** The session timeout docs/seats.md documents (10 minutes). */
const TIMEOUT_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
const CAL = 'Altium NEXUS Server CAL';
const CLIENT = 'Altium NEXUS';

let portal: TestPortal;
/** One clock for the whole file: hourly checks only move forward. */
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

interface MLicense {
  licenseId: string;
  product: string;
  seats: number;
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
interface MSession {
  sessionId: string;
  licenseId: string;
  assignmentId: string;
  userId: string;
  machineId: string;
  product: string;
  expiresAt: number;
  roamingUntil: number | null;
}
interface Model {
  token: string;
  serverId: string;
  licenses: MLicense[];
  assignments: MAssignment[];
  users: { userId: string; roles: string[] }[];
  sessions: Map<string, MSession>;
}
interface Real {
  portal: TestPortal;
}

const holdsUntil = (s: MSession) => Math.max(s.expiresAt, s.roamingUntil ?? 0);
const seatKey = (s: { userId: string; machineId: string; product: string }) =>
  `${s.userId}|${s.machineId}|${s.product}`;

function countOf(model: Model, pick: (s: MSession) => boolean): number {
  let n = 0;
  for (const s of model.sessions.values()) if (pick(s)) n++;
  return n;
}

/** A seat the user could take even counting every held session (expired ones too) as taken. */
function hasCertainlyFreeSeat(model: Model, userId: string, product: string): boolean {
  const user = model.users.find((u) => u.userId === userId);
  if (!user) return false;
  for (const license of model.licenses.filter((l) => l.product === product && l.validUntil > clock)) {
    if (countOf(model, (s) => s.licenseId === license.licenseId) >= license.seats) continue;
    for (const a of model.assignments.filter((x) => x.licenseId === license.licenseId)) {
      if (!user.roles.includes(a.role)) continue;
      if (a.cap === 'all' || countOf(model, (s) => s.assignmentId === a.assignmentId) < a.cap) return true;
    }
  }
  return false;
}

const call = (method: string, path: string, model: Model, body?: unknown) =>
  portal.call(method, path, { token: model.token, ...(body === undefined ? {} : { body }) });

/**
 * Reads the portal's counters and live sessions and checks them against the model. Sessions the portal no
 * longer lists must have been past their time in the model (reclaimed); the model drops them.
 */
async function checkAgainstPortal(model: Model, joined: ReadonlySet<string> = new Set()): Promise<void> {
  const live = new Map<string, any>();
  // Every read of the step at once: the counters are checked against each other, not against time.
  const reads = await Promise.all(
    model.licenses.map((license) =>
      Promise.all([
        call('GET', `/v1/licenses/${license.licenseId}`, model),
        call('GET', `/v1/licenses/${license.licenseId}/assignments?limit=100`, model),
        call('GET', `/v1/licenses/${license.licenseId}/sessions?limit=100`, model),
      ]),
    ),
  );
  for (const [index, license] of model.licenses.entries()) {
    const [lic, asg, ses] = reads[index] as [ApiResponse, ApiResponse, ApiResponse];
    expect(ses.body.nextToken).toBeNull();
    for (const s of ses.body.sessions) live.set(s.sessionId, { ...s, licenseId: license.licenseId });
    // The invariant: held seats never exceed the license's seats.
    expect(lic.body.used).toBeLessThanOrEqual(license.seats);
    expect(lic.body.used).toBe(ses.body.sessions.length);
    for (const a of asg.body.assignments) {
      const mine = model.assignments.find((x) => x.assignmentId === a.assignmentId);
      expect(mine, 'an assignment the model does not know').toBeDefined();
      if (!mine) continue;
      const inPortal = ses.body.sessions.filter(
        (s: any) => model.sessions.get(s.sessionId)?.assignmentId === a.assignmentId,
      ).length;
      expect(a.used).toBe(inPortal);
      if (mine.cap !== 'all') {
        // The invariant: never above the cap, except what was held when the cap was lowered (nothing new).
        expect(a.used).toBeLessThanOrEqual(Math.max(mine.cap, mine.overflow));
        mine.overflow = a.used > mine.cap ? Math.min(mine.overflow, a.used) : 0;
      }
    }
  }
  for (const [sessionId, s] of [...model.sessions]) {
    if (live.has(sessionId)) continue;
    // Only a session past both its expiry and its roaming end may disappear without being ended by us.
    expect(holdsUntil(s), `session ${sessionId} vanished before its time`).toBeLessThanOrEqual(clock);
    expect(joined.has(sessionId)).toBe(false);
    model.sessions.delete(sessionId);
  }
  const keys = new Set<string>();
  for (const [sessionId, s] of live) {
    const mine = model.sessions.get(sessionId);
    expect(mine, `a session the model never saw granted: ${sessionId}`).toBeDefined();
    if (!mine) continue;
    expect(s.licenseId).toBe(mine.licenseId);
    expect(Date.parse(s.expiresAt)).toBe(mine.expiresAt);
    // One seat per user, PC and product.
    expect(keys.has(seatKey(mine))).toBe(false);
    keys.add(seatKey(mine));
  }
  // Counters equal the model's.
  for (const license of model.licenses) {
    const held = countOf(model, (s) => s.licenseId === license.licenseId);
    expect(held).toBeLessThanOrEqual(license.seats);
  }
}

// ---------------------------------------------------------------- steps

interface SignInSpec {
  user: number;
  machine: number;
  client: 'browser' | 'design_client';
  design: boolean;
}

/** Applies concurrent sign-in answers to the model and checks each answer is one the contract allows. */
function applySignIns(
  model: Model,
  specs: SignInSpec[],
  results: ApiResponse[],
  joined: Set<string>,
  checkRefusals = true,
): void {
  const before = new Map(model.sessions);
  const granted = new Map<string, string>();
  results.forEach((res, i) => {
    const spec = specs[i] as SignInSpec;
    const user = model.users[spec.user % model.users.length];
    if (!user) return;
    const product = spec.design ? CLIENT : CAL;
    const key = seatKey({ userId: user.userId, machineId: `M${spec.machine}`, product });
    expect([200, 201, 409], JSON.stringify(res.body)).toContain(res.status);
    if (res.status === 201) {
      expect(granted.has(key), 'two seats for one user, PC and product').toBe(false);
      granted.set(key, res.body.sessionId);
      const license = model.licenses.find((l) => l.licenseId === res.body.licenseId);
      expect(license?.product).toBe(product);
      expect(Date.parse(res.body.expiresAt)).toBe(Math.min(clock + TIMEOUT_MS, license?.validUntil ?? 0));
      const a = model.assignments.find((x) => x.assignmentId === res.body.assignmentId);
      expect(a && user.roles.includes(a.role)).toBe(true);
      model.sessions.set(res.body.sessionId, {
        sessionId: res.body.sessionId,
        licenseId: res.body.licenseId,
        assignmentId: res.body.assignmentId,
        userId: user.userId,
        machineId: `M${spec.machine}`,
        product,
        expiresAt: Date.parse(res.body.expiresAt),
        roamingUntil: null,
      });
    }
  });
  results.forEach((res, i) => {
    const spec = specs[i] as SignInSpec;
    const user = model.users[spec.user % model.users.length];
    if (!user || res.status !== 200) return;
    const product = spec.design ? CLIENT : CAL;
    const key = seatKey({ userId: user.userId, machineId: `M${spec.machine}`, product });
    const session = model.sessions.get(res.body.sessionId);
    expect(session && seatKey(session) === key, 'a 200 must name the seat this user holds on this PC').toBe(
      true,
    );
    if (session) {
      session.expiresAt = Math.max(session.expiresAt, Date.parse(res.body.expiresAt));
      expect(Date.parse(res.body.expiresAt)).toBe(session.expiresAt);
      joined.add(session.sessionId);
    }
    void granted;
  });
  if (checkRefusals && results.every((r) => r.status === 409)) {
    // Nothing was granted at once, so nothing took a seat these users could have had.
    const model0 = { ...model, sessions: before };
    specs.forEach((spec) => {
      const user = model.users[spec.user % model.users.length];
      if (user) expect(hasCertainlyFreeSeat(model0, user.userId, spec.design ? CLIENT : CAL)).toBe(false);
    });
  }
}

const signInSpec = fc.record({
  user: fc.nat(5),
  machine: fc.nat(2),
  client: fc.constantFrom('browser' as const, 'design_client' as const),
  design: fc.boolean(),
});

class SignIns implements fc.AsyncCommand<Model, Real> {
  constructor(readonly specs: SignInSpec[]) {}
  check = () => true;
  async run(model: Model) {
    const results = await Promise.all(this.specs.map((spec) => signIn(model, spec)));
    const joined = new Set<string>();
    applySignIns(model, this.specs, results, joined);
    await checkAgainstPortal(model, joined);
  }
  toString = () => `SignIns(${JSON.stringify(this.specs)})`;
}

function signIn(model: Model, spec: SignInSpec) {
  const user = model.users[spec.user % model.users.length];
  return call('POST', `/v1/servers/${model.serverId}/sessions`, model, {
    userId: user?.userId,
    machineId: `M${spec.machine}`,
    client: spec.client,
    ...(spec.design ? { product: CLIENT } : {}),
  });
}

/** Picks model sessions by index (duplicates on purpose: two ends of one session at once). */
function pick(model: Model, picks: number[]): MSession[] {
  const all = [...model.sessions.values()];
  return all.length === 0 ? [] : picks.map((i) => all[i % all.length] as MSession);
}

class Ends implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly picks: number[],
    readonly viaRoaming: boolean,
  ) {}
  check = (model: Readonly<Model>) => model.sessions.size > 0;
  async run(model: Model) {
    const targets = pick(model, this.picks);
    const results = await Promise.all(
      targets.map((s) => call('DELETE', `/v1/sessions/${s.sessionId}`, model)),
    );
    const byId = new Map<string, number[]>();
    results.forEach((res, i) => {
      const id = (targets[i] as MSession).sessionId;
      byId.set(id, [...(byId.get(id) ?? []), res.status]);
    });
    for (const [id, statuses] of byId) {
      const session = model.sessions.get(id) as MSession;
      const ended = statuses.filter((s) => s === 204).length;
      // A live session ends exactly once; one already reclaimed in the portal answers 404 every time.
      if (holdsUntil(session) > clock) expect(ended).toBe(1);
      else expect(ended).toBeLessThanOrEqual(1);
      expect(statuses.every((s) => s === 204 || s === 404)).toBe(true);
      model.sessions.delete(id);
    }
    await checkAgainstPortal(model);
  }
  toString = () => `Ends(${this.picks})`;
}

class Heartbeats implements fc.AsyncCommand<Model, Real> {
  constructor(readonly picks: number[]) {}
  check = (model: Readonly<Model>) => model.sessions.size > 0;
  async run(model: Model) {
    const targets = pick(model, this.picks);
    const results = await Promise.all(
      targets.map((s) => call('POST', `/v1/sessions/${s.sessionId}/heartbeat`, model)),
    );
    const reclaimedMaybe = new Set<string>();
    results.forEach((res, i) => {
      const s = targets[i] as MSession;
      const license = model.licenses.find((l) => l.licenseId === s.licenseId) as MLicense;
      if (res.status === 404) {
        // Only a session the portal may already have reclaimed can be gone.
        expect(holdsUntil(s)).toBeLessThanOrEqual(clock);
        reclaimedMaybe.add(s.sessionId);
        return;
      }
      expect(res.status).toBe(200);
      const expected = Math.max(s.expiresAt, Math.min(clock + TIMEOUT_MS, license.validUntil));
      expect(Date.parse(res.body.expiresAt)).toBe(expected);
    });
    for (const s of targets) {
      if (reclaimedMaybe.has(s.sessionId)) continue;
      const license = model.licenses.find((l) => l.licenseId === s.licenseId) as MLicense;
      s.expiresAt = Math.max(s.expiresAt, Math.min(clock + TIMEOUT_MS, license.validUntil));
    }
    await checkAgainstPortal(model);
  }
  toString = () => `Heartbeats(${this.picks})`;
}

class Roaming implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly picks: number[],
    readonly days: number,
    readonly giveBack: boolean,
  ) {}
  check = (model: Readonly<Model>) => model.sessions.size > 0;
  async run(model: Model) {
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
      const live = holdsUntil(s) > clock;
      if (res.status === 404) {
        // Gone (reclaimed: the check below syncs that), or returning a seat that is not roaming.
        expect(live && (!this.giveBack || s.roamingUntil !== null)).toBe(false);
        return;
      }
      if (this.giveBack) {
        expect(res.status).toBe(204);
        model.sessions.delete(s.sessionId);
      } else if (s.product === CLIENT && a?.allowRoaming) {
        expect(res.status).toBe(200);
        const license = model.licenses.find((l) => l.licenseId === s.licenseId) as MLicense;
        expect(Date.parse(res.body.roamingUntil)).toBe(
          Math.min(clock + this.days * DAY_MS, license.validUntil),
        );
        s.roamingUntil = Date.parse(res.body.roamingUntil);
      } else {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('roaming_not_allowed');
      }
    });
    await checkAgainstPortal(model);
  }
  toString = () => `Roaming(${this.picks}, ${this.days}, ${this.giveBack})`;
}

class PassTime implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(model: Model) {
    clock += this.minutes * 60_000;
    await checkAgainstPortal(model);
  }
  toString = () => `PassTime(${this.minutes}m)`;
}

class HourlyCheck implements fc.AsyncCommand<Model, Real> {
  constructor(readonly specs: SignInSpec[]) {}
  check = () => true;
  async run(model: Model) {
    const [check, ...results] = await Promise.all([
      portal.call('POST', '/v1/ops/hourly-check', {
        token: await portal.operatorToken(),
        body: { now: new Date(clock).toISOString() },
      }),
      ...this.specs.map((spec) => signIn(model, spec)),
    ]);
    expect(check?.status, JSON.stringify(check?.body)).toBe(200);
    const joined = new Set<string>();
    applySignIns(model, this.specs, results as ApiResponse[], joined);
    await checkAgainstPortal(model, joined);
    // After the check, nothing past its time is still held (unless a sign-in on its PC revived it at once).
    for (const s of model.sessions.values()) {
      if (!joined.has(s.sessionId)) expect(holdsUntil(s)).toBeGreaterThan(clock);
    }
  }
  toString = () => `HourlyCheck(+${this.specs.length} sign-ins)`;
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
    const a = model.assignments[this.which % model.assignments.length] as MAssignment;
    const license = model.licenses.find((l) => l.licenseId === a.licenseId) as MLicense;
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
    applySignIns(model, this.specs, results as ApiResponse[], new Set(), false);
    await checkAgainstPortal(model);
  }
  toString = () => `ChangeAssignment(${this.which}, ${this.cap}, roam ${this.allowRoaming})`;
}

const picks = fc.array(fc.nat(20), { minLength: 2, maxLength: 8 });
const fewSignIns = fc.array(signInSpec, { minLength: 1, maxLength: 7 });
const command = fc.oneof(
  { weight: 6, arbitrary: fc.array(signInSpec, { minLength: 2, maxLength: 8 }).map((s) => new SignIns(s)) },
  { weight: 2, arbitrary: fc.tuple(picks, fc.boolean()).map(([p, r]) => new Ends(p, r)) },
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
);

/** A fresh account per run: a licensed server, two CALs (one with a Designers cap) and a design license. */
async function setupModel(): Promise<Model> {
  const operator = await portal.operatorToken();
  const created = await portal.call('POST', '/v1/accounts', { token: operator, body: { name: 'Model Co' } });
  const account = { accountId: created.body.accountId as string };
  const token = (await portal.createUser(account.accountId, { admin: true })).token;
  const validFrom = new Date(clock).toISOString();
  const op = async (product: string, seats: number) =>
    portal.issueLicense(account.accountId, product, seats, { validFrom, termMonths: 24 });
  const serverLicense = await op('Altium NEXUS Server', 1);
  const calA = await op(CAL, 3);
  const calB = await op(CAL, 2);
  const design = await op(CLIENT, 2);
  const server = await portal.call('POST', '/v1/servers', { token, body: { hostName: 'model' } });
  await portal.call('POST', `/v1/servers/${server.body.serverId}/acquisitions`, {
    token,
    body: { licenseIds: [serverLicense.licenseId] },
  });
  const designers = await portal.createUserIds(account.accountId, 2, ['Designers']);
  const plain = await portal.createUserIds(account.accountId, 3, []);
  const capped = await portal.call('POST', `/v1/licenses/${calA.licenseId}/assignments`, {
    token,
    body: { role: 'Designers', seats: 2 },
  });
  const assignments: MAssignment[] = [
    { ...capped.body, licenseId: calA.licenseId, cap: 2, allowRoaming: false, overflow: 0 },
  ];
  for (const license of [calA, calB, design]) {
    const listed = await portal.call('GET', `/v1/licenses/${license.licenseId}/assignments`, { token });
    for (const a of listed.body.assignments) {
      if (a.assignmentId === capped.body.assignmentId) continue;
      assignments.push({
        assignmentId: a.assignmentId,
        licenseId: license.licenseId,
        role: a.role,
        cap: a.seats,
        allowRoaming: a.allowRoaming,
        overflow: 0,
      });
    }
  }
  return {
    token,
    serverId: server.body.serverId,
    licenses: [calA, calB, design].map((l) => ({
      licenseId: l.licenseId,
      product: l.product,
      seats: l.seats,
      validUntil: Date.parse(l.validUntil),
    })),
    assignments,
    users: [
      ...designers.map((userId) => ({ userId, roles: ['All Users', 'Designers'] })),
      ...plain.map((userId) => ({ userId, roles: ['All Users'] })),
    ],
    sessions: new Map(),
  };
}

describe('the seat engine against its model', () => {
  it(
    `keeps the invariant and the model's counters over ${RUNS} runs of ${STEPS} concurrent steps`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: STEPS, maxLength: STEPS }), async (commands) => {
          const model = await setupModel();
          await fc.asyncModelRun(() => ({ model, real: { portal } }), commands);
        }),
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
