// The sign-in decision (domain/sign-in.ts) as a table of cases, every plan and every refusal message, and
// fast-check properties: a plan never exceeds a seat count or cap, join beats take, the order is API.md's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Assignment } from '../../domain/assignments.js';
import { holds } from '../../domain/conditions.js';
import type { License } from '../../domain/license.js';
import { licenseHasFreeSeat } from '../../domain/seat-rules.js';
import type { Change, SeatWrite } from '../../domain/seat-write.js';
import type { Holding, Server } from '../../domain/server-status.js';
import type { SeatHolder } from '../../domain/sessions.js';
import { DEFAULT_SETTINGS } from '../../domain/settings.js';
import {
  type Catalogue,
  decideSignIn,
  learnFromOutcome,
  NOTHING_LEARNED,
  type SignInPlan,
  type SignInRequest,
  type SignInUser,
} from '../../domain/sign-in.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const CAL = 'Altium NEXUS Server CAL' as const;
const DESIGN = 'Altium NEXUS' as const;
const ACC = 'acc';
const SRV = 'srv';

function license(licenseId: string, extra: Partial<License> = {}): License {
  return {
    licenseId,
    accountId: ACC,
    product: CAL,
    kind: 'cal',
    seats: 2,
    used: 0,
    activationCode: 'NX',
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: '2027-01-01T00:00:00.000Z',
    ...extra,
  };
}
const serverLicense = license('lic_srv', {
  product: 'Altium NEXUS Server',
  kind: 'server',
  seats: 1,
  used: 1,
});
function assignment(
  assignmentId: string,
  licenseId: string,
  role: string,
  seats: number | 'all',
  extra: Partial<Assignment> = {},
): Assignment {
  return {
    assignmentId,
    licenseId,
    role,
    seats,
    used: 0,
    automaticLeasing: true,
    allowRoaming: false,
    ...extra,
  };
}
function server(extra: Partial<Server> = {}): Server {
  return {
    serverId: SRV,
    accountId: ACC,
    hostName: 'nexus',
    createdAt: '2026-01-01T00:00:00.000Z',
    live: 0,
    connections: 0,
    adminConnection: null,
    removing: null,
    restrictedAt: null,
    ...extra,
  };
}
const holding: Holding = {
  accountId: ACC,
  serverId: SRV,
  licenseId: 'lic_srv',
  kind: 'server',
  product: 'Altium NEXUS Server',
  validFrom: serverLicense.validFrom,
  validUntil: serverLicense.validUntil,
  acquiredAt: '2026-01-02T00:00:00.000Z',
  takesSeat: true,
};
function holder(sessionId: string, extra: Partial<SeatHolder> = {}): SeatHolder {
  return {
    sessionId,
    accountId: ACC,
    licenseId: 'lic_a',
    assignmentId: 'asg_all',
    serverId: SRV,
    userId: 'usr_other',
    machineId: 'PC-9',
    product: CAL,
    startedAt: '2026-06-01T10:00:00.000Z',
    expiresAt: '2026-06-01T11:00:00.000Z',
    roamingUntil: null,
    adminConnection: false,
    version: 3,
    ...extra,
  };
}
function catalogue(extra: Partial<Catalogue> = {}): Catalogue {
  return {
    licenses: [serverLicense, license('lic_a')],
    assignments: [assignment('asg_all', 'lic_a', 'All Users', 'all')],
    servers: [server()],
    holdings: [holding],
    settings: DEFAULT_SETTINGS,
    expired: [],
    ...extra,
  };
}
const user: SignInUser = {
  userId: 'usr_1',
  email: 'u1@example.com',
  roles: ['All Users', 'Designers'],
  admin: false,
  disabled: false,
  profileVersion: 4,
};
const admin: SignInUser = { ...user, userId: 'usr_admin', admin: true };
const request: SignInRequest = {
  accountId: ACC,
  serverId: SRV,
  userId: 'usr_1',
  machineId: 'PC-1',
  client: 'browser',
  sessionId: 'ses_new',
  now: NOW,
};

function decide(input: {
  catalogue?: Partial<Catalogue>;
  user?: SignInUser | null;
  request?: Partial<SignInRequest>;
}): SignInPlan {
  return decideSignIn({
    catalogue: catalogue(input.catalogue),
    user: input.user === undefined ? user : input.user,
    request: { ...request, ...input.request },
  });
}

/** "license/assignment" of a grant, the kind of anything else. */
function seatOf(plan: SignInPlan): string {
  if (plan.kind === 'grant') return `${plan.session.licenseId}/${plan.session.assignmentId || 'admin'}`;
  if (plan.kind === 'join') return `join ${plan.sessionId}`;
  return `${plan.kind} ${plan.error.code}`;
}

const change = (write: SeatWrite, name: string): Change | undefined =>
  write.changes.find((c) => c.name === name);

describe('decideSignIn: errors before the seat rules, in API.md order', () => {
  it.each([
    ['a missing server', { catalogue: { servers: [] } }, 'not_found', 'No server'],
    [
      'a server being removed',
      { catalogue: { servers: [server({ removing: '2026-06-01T11:00:00.000Z' })] } },
      'not_found',
      'No server',
    ],
    ['a missing user', { user: null }, 'not_found', 'No user'],
    ['a missing named license', { request: { licenseId: 'lic_gone' } }, 'not_found', 'No license'],
    [
      'a product that is not the named license’s',
      { request: { licenseId: 'lic_a', product: DESIGN } },
      'invalid_request',
      'leave out product',
    ],
    [
      'a Server license product',
      { request: { product: 'Altium NEXUS Server' as const } },
      'invalid_request',
      'held by servers',
    ],
    ['a disabled user', { user: { ...user, disabled: true } }, 'user_disabled', 'disabled'],
    [
      'a server that never held a Server license',
      { catalogue: { holdings: [] } },
      'server_unlicensed',
      'no valid Server license',
    ],
  ] as const)('%s → %s', (_name, input, code, message) => {
    const plan = decide(input as never);
    expect(plan.kind).toBe('fail');
    if (plan.kind !== 'fail') return;
    expect(plan.error.code).toBe(code);
    expect(plan.error.message).toContain(message);
  });

  it('checks the server before the user, the user before a disabled flag, that before the server state', () => {
    expect(seatOf(decide({ catalogue: { servers: [] }, user: null }))).toBe('fail not_found');
    expect(decide({ user: null, catalogue: { holdings: [] } }).kind === 'fail' && 'user').toBe('user');
    const disabledOnUnlicensed = decide({ user: { ...user, disabled: true }, catalogue: { holdings: [] } });
    expect(seatOf(disabledOnUnlicensed)).toBe('fail user_disabled');
  });
});

describe('decideSignIn: licensed server', () => {
  it('takes the first free seat in API.md order: earliest validUntil, then licenseId; numbered before "all"', () => {
    const plan = decide({
      catalogue: {
        licenses: [
          serverLicense,
          license('lic_b', { validUntil: '2026-12-01T00:00:00.000Z' }),
          license('lic_a', { validUntil: '2026-12-01T00:00:00.000Z' }),
          license('lic_late', { validUntil: '2026-12-31T00:00:00.000Z' }),
        ],
        assignments: [
          assignment('asg_1', 'lic_late', 'All Users', 'all'),
          assignment('asg_2', 'lic_b', 'All Users', 'all'),
          assignment('asg_4', 'lic_a', 'All Users', 'all'),
          assignment('asg_3', 'lic_a', 'Designers', 1),
        ],
      },
    });
    expect(seatOf(plan)).toBe('lic_a/asg_3');
  });

  it('writes the one guarded transaction of a take: counters with their rules, lock, session, Expiry item', () => {
    const plan = decide({});
    expect(plan.kind).toBe('grant');
    if (plan.kind !== 'grant') return;
    const names = plan.write.changes.map((c) => c.name).sort();
    expect(names).toEqual(['assignment', 'expiry', 'license', 'lock', 'server', 'session', 'user']);
    expect(change(plan.write, 'license')).toMatchObject({ op: 'counters', add: { used: 1 } });
    expect(change(plan.write, 'server')).toMatchObject({ op: 'counters', add: { live: 1, connections: 1 } });
    expect(change(plan.write, 'lock')).toMatchObject({ op: 'putLock', sessionId: 'ses_new' });
    // The license condition is the domain's pool rule: it refuses a full license.
    const rule = (change(plan.write, 'license') as Extract<Change, { op: 'counters' }>).condition;
    expect(holds(rule, license('x', { used: 1, seats: 2 }))).toBe(true);
    expect(holds(rule, license('x', { used: 2, seats: 2 }))).toBe(false);
    expect(holds(rule, null)).toBe(false);
    expect(plan.session).toMatchObject({
      expiresAt: '2026-06-01T12:10:00.000Z',
      clients: ['browser'],
      roles: user.roles,
      adminConnection: false,
    });
  });

  it('caps the expiry at the license end and uses the account timeout', () => {
    const plan = decide({
      catalogue: {
        licenses: [serverLicense, license('lic_a', { validUntil: '2026-06-01T12:05:00.000Z' })],
        settings: { ...DEFAULT_SETTINGS, sessionTimeoutMinutes: 1 },
      },
    });
    expect(plan.kind === 'grant' && plan.session.expiresAt).toBe('2026-06-01T12:01:00.000Z');
    const capped = decide({
      catalogue: { licenses: [serverLicense, license('lic_a', { validUntil: '2026-06-01T12:05:00.000Z' })] },
    });
    expect(capped.kind === 'grant' && capped.session.expiresAt).toBe('2026-06-01T12:05:00.000Z');
  });

  it('skips assignments without automatic leasing unless the license is named', () => {
    const manual = {
      assignments: [assignment('asg_m', 'lic_a', 'Designers', 'all', { automaticLeasing: false })],
    };
    expect(seatOf(decide({ catalogue: manual }))).toBe('refuse seats_exhausted');
    expect(seatOf(decide({ catalogue: manual, request: { licenseId: 'lic_a' } }))).toBe('lic_a/asg_m');
  });

  it('passes over a full license and a full cap to the next candidate', () => {
    const plan = decide({
      catalogue: {
        licenses: [
          serverLicense,
          license('lic_a', { used: 2 }),
          license('lic_b', { validUntil: '2027-02-01T00:00:00.000Z' }),
        ],
        assignments: [
          assignment('asg_all', 'lic_a', 'All Users', 'all', { used: 2 }),
          assignment('asg_cap', 'lic_b', 'Designers', 1, { used: 1 }),
          assignment('asg_b', 'lic_b', 'All Users', 'all'),
        ],
      },
    });
    expect(seatOf(plan)).toBe('lic_b/asg_b');
  });

  it('reclaims the expired holder of a full cap (earliest expiresAt, then sessionId) and takes its place', () => {
    const plan = decide({
      catalogue: {
        licenses: [serverLicense, license('lic_a', { seats: 5, used: 1 })],
        assignments: [assignment('asg_eng', 'lic_a', 'Designers', 1, { used: 1 })],
        expired: [
          holder('ses_z', { assignmentId: 'asg_eng', expiresAt: '2026-06-01T11:00:00.000Z' }),
          holder('ses_b', { assignmentId: 'asg_eng', expiresAt: '2026-06-01T10:00:00.000Z' }),
          holder('ses_a', { assignmentId: 'asg_eng', expiresAt: '2026-06-01T10:00:00.000Z' }),
          holder('ses_late', { assignmentId: 'asg_eng', expiresAt: '2026-06-01T12:30:00.000Z' }),
        ],
      },
    });
    expect(plan.kind).toBe('grant');
    if (plan.kind !== 'grant') return;
    expect(plan.reclaimed.map((h) => h.sessionId)).toEqual(['ses_a']);
    // Same license and assignment: they net 0 and are only checked (valid, still serving the role).
    expect(change(plan.write, 'license')).toMatchObject({ add: { used: 0 } });
    expect(change(plan.write, 'assignment')).toMatchObject({ add: { used: 0 } });
    expect(change(plan.write, 'reclaim:ses_a')).toMatchObject({
      op: 'updateSession',
      update: { end: { endReason: 'reclaimed' } },
    });
    expect(change(plan.write, 'reclaim-lock:ses_a')).toMatchObject({ op: 'delete' });
  });

  it('reclaims an expired holder of a full license through another assignment', () => {
    const plan = decide({
      catalogue: {
        licenses: [serverLicense, license('lic_a', { seats: 1, used: 1 })],
        assignments: [
          assignment('asg_all', 'lic_a', 'All Users', 'all', { used: 0 }),
          assignment('asg_x', 'lic_a', 'Other', 'all', { used: 1 }),
        ],
        expired: [holder('ses_old', { assignmentId: 'asg_x', serverId: 'srv_2' })],
      },
    });
    expect(plan.kind === 'grant' && plan.reclaimed.map((h) => h.sessionId)).toEqual(['ses_old']);
    if (plan.kind !== 'grant') return;
    expect(change(plan.write, 'license')).toMatchObject({ add: { used: 0 } });
    expect(change(plan.write, 'assignment')).toMatchObject({ add: { used: 1 } });
    expect(change(plan.write, 'reclaim-assignment:ses_old')).toMatchObject({ add: { used: -1 } });
    expect(change(plan.write, 'reclaim-server:ses_old')).toMatchObject({
      add: { live: -1, connections: -1 },
    });
  });

  it('joins the user’s own expired session on this PC instead of taking or reclaiming', () => {
    const own = holder('ses_mine', { userId: 'usr_1', machineId: 'PC-1' });
    expect(seatOf(decide({ catalogue: { expired: [own] } }))).toBe('join ses_mine');
    // Another PC or product is another seat.
    expect(seatOf(decide({ catalogue: { expired: [{ ...own, machineId: 'PC-2' }] } }))).toBe('lic_a/asg_all');
  });

  it('leaves alone holders that are not expired at the request time, or known to be gone', () => {
    const full = { licenses: [serverLicense, license('lic_a', { seats: 1, used: 1 })] };
    const later = holder('ses_later', { expiresAt: '2026-06-01T12:00:00.001Z' });
    expect(seatOf(decide({ catalogue: { ...full, expired: [later] } }))).toBe('refuse seats_exhausted');
    const gone = decideSignIn({
      catalogue: catalogue({ ...full, expired: [holder('ses_gone')] }),
      user,
      request,
      learned: { ...NOTHING_LEARNED, goneHolders: new Set(['ses_gone']) },
    });
    expect(seatOf(gone)).toBe('refuse seats_exhausted');
  });
});

describe('decideSignIn: refusals and their messages', () => {
  const refusal = (plan: SignInPlan) => {
    expect(plan.kind).toBe('refuse');
    if (plan.kind !== 'refuse') throw new Error('not a refusal');
    return plan;
  };

  it('names the full license and says how to free a seat; counts the denial on it', () => {
    const plan = refusal(decide({ catalogue: { licenses: [serverLicense, license('lic_a', { used: 2 })] } }));
    expect(plan.error.message).toBe(
      'Every seat of Altium NEXUS Server CAL license lic_a is in use. An administrator can free a seat with Kill Session, or add seats or assignments.',
    );
    expect(change(plan.write, 'denial')).toMatchObject({
      op: 'putDenial',
      denial: { licenseId: 'lic_a', userId: 'usr_1' },
    });
    // Join beats refusal: the write checks that the user holds no seat on this PC.
    expect(change(plan.write, 'lock')).toMatchObject({ op: 'check', returnItem: true });
    expect(change(plan.write, 'user')).toMatchObject({ op: 'check' });
  });

  it('names the full role', () => {
    const plan = refusal(
      decide({ catalogue: { assignments: [assignment('asg_d', 'lic_a', 'Designers', 1, { used: 1 })] } }),
    );
    expect(plan.error.message).toContain('assigned to role Designers are all in use');
  });

  it('says when no role of the user has seats, counting the denial on the first valid license', () => {
    const plan = refusal(
      decide({ catalogue: { assignments: [assignment('asg_x', 'lic_a', 'Managers', 'all')] } }),
    );
    expect(plan.error.message).toBe(
      'No seat of any valid Altium NEXUS Server CAL license is assigned to any of your roles; ask an administrator to assign seats to your role.',
    );
    expect(change(plan.write, 'denial')).toMatchObject({ denial: { licenseId: 'lic_a' } });
  });

  it('says a named license is not valid now, and records no denial without a valid license', () => {
    const plan = refusal(
      decide({
        catalogue: {
          licenses: [
            serverLicense,
            license('lic_a', { validUntil: '2026-05-01T00:00:00.000Z' }),
            license('lic_b'),
          ],
        },
        request: { licenseId: 'lic_a' },
      }),
    );
    expect(plan.error.message).toContain('License lic_a is not valid now');
    expect(change(plan.write, 'denial')).toBeUndefined();
  });
});

describe('decideSignIn: admin_only and lapsed servers', () => {
  const noCal = { licenses: [serverLicense, license('lic_a', { validUntil: '2026-05-01T00:00:00.000Z' })] };
  const lapsed = {
    licenses: [
      license('lic_srv', {
        product: 'Altium NEXUS Server',
        kind: 'server',
        validUntil: '2026-05-15T00:00:00.000Z',
      }),
      license('lic_a'),
    ],
  };

  it('refuses everyone but an administrator, recording no denial', () => {
    for (const cat of [noCal, lapsed]) {
      const plan = decide({ catalogue: cat });
      expect(plan.kind).toBe('refuse');
      if (plan.kind !== 'refuse') continue;
      expect(plan.error.message).toContain('only an administrator may sign in');
      expect(change(plan.write, 'denial')).toBeUndefined();
    }
  });

  it('gives an administrator the administrative connection: no license seat, the server’s one connection', () => {
    const plan = decide({ catalogue: noCal, user: admin, request: { userId: admin.userId } });
    expect(plan.kind).toBe('grant');
    if (plan.kind !== 'grant') return;
    expect(plan.session).toMatchObject({ adminConnection: true, assignmentId: '', licenseId: 'lic_a' });
    expect(change(plan.write, 'license')).toBeUndefined();
    expect(change(plan.write, 'server')).toMatchObject({
      add: { live: 1, connections: 1 },
      set: { adminConnection: 'ses_new' },
    });
    // Named after the CAL that ended last; a lapsed server with valid CALs names its Server license.
    const onLapsed = decide({ catalogue: lapsed, user: admin, request: { userId: admin.userId } });
    expect(onLapsed.kind === 'grant' && onLapsed.session.licenseId).toBe('lic_srv');
  });

  it('refuses a second connection while one is live, and reclaims one that is expired', () => {
    const taken = decide({
      catalogue: { ...noCal, servers: [server({ live: 1, connections: 1, adminConnection: 'ses_held' })] },
      user: admin,
      request: { userId: admin.userId },
    });
    expect(taken.kind === 'refuse' && taken.error.message).toContain(
      'only one administrator may be signed in at a time',
    );
    const stale = holder('ses_held', { adminConnection: true, assignmentId: '', userId: 'usr_admin2' });
    const reclaim = decide({
      catalogue: {
        ...noCal,
        servers: [server({ live: 1, connections: 1, adminConnection: 'ses_held' })],
        expired: [stale],
      },
      user: admin,
      request: { userId: admin.userId },
    });
    expect(reclaim.kind === 'grant' && reclaim.reclaimed.map((h) => h.sessionId)).toEqual(['ses_held']);
    // A design-software seat on the server is not a connection: it does not keep the administrator out.
    const design = decide({
      catalogue: { ...noCal, servers: [server({ live: 1, connections: 0 })] },
      user: admin,
      request: { userId: admin.userId },
    });
    expect(design.kind).toBe('grant');
  });
});

describe('learnFromOutcome', () => {
  const grant = decide({
    catalogue: {
      expired: [holder('ses_old')],
      licenses: [serverLicense, license('lic_a', { seats: 1, used: 1 })],
    },
  });
  const failed = (names: string[], returned: Record<string, Record<string, unknown>> = {}) =>
    learnFromOutcome(grant, { ok: false, failed: names, returned }, NOTHING_LEARNED);

  it.each([
    [
      'the seat lock (with its holder)',
      ['lock', 'license'],
      { lock: { sessionId: 'ses_there' } },
      { kind: 'join', sessionId: 'ses_there' },
    ],
    ['the seat lock without a holder', ['lock'], {}, { kind: 'read_again' }],
    ['the user', ['user'], {}, { kind: 'reload_user' }],
    ['the server (removed)', ['server'], {}, { kind: 'fail' }],
  ] as const)('%s → %o', (_name, names, returned, next) => {
    expect(failed([...names], returned as never)).toMatchObject(next);
  });

  it('learns a full license and a full cap, and decides again from the same read', () => {
    const next = failed(['license', 'assignment']);
    expect(next.kind).toBe('decide_again');
    if (next.kind !== 'decide_again') return;
    expect([...next.learned.fullLicenses]).toEqual(['lic_a']);
    expect([...next.learned.fullAssignments]).toEqual(['asg_all']);
    expect(learnFromOutcome(grant, { ok: true }, NOTHING_LEARNED)).toEqual({ kind: 'done' });
  });

  it('reads again when the holder it meant to reclaim was ended or revived (its counters are stale)', () => {
    expect(failed(['reclaim:ses_old'])).toEqual({ kind: 'read_again' });
    expect(failed(['license', 'reclaim-lock:ses_old'])).toEqual({ kind: 'read_again' });
  });
});

// ------------------------------------------------------------------ properties

const arbitraryCatalogue = fc
  .record({
    licenses: fc.array(
      fc.record({
        seats: fc.integer({ min: 1, max: 3 }),
        used: fc.integer({ min: 0, max: 3 }),
        until: fc.integer({ min: 1, max: 4 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    assignments: fc.array(
      fc.record({
        license: fc.nat(2),
        role: fc.constantFrom('All Users', 'Designers', 'Managers'),
        seats: fc.oneof(fc.constant('all' as const), fc.integer({ min: 1, max: 3 })),
        used: fc.integer({ min: 0, max: 3 }),
        leasing: fc.boolean(),
      }),
      { maxLength: 5 },
    ),
    expired: fc.array(
      fc.record({
        assignment: fc.nat(4),
        user: fc.constantFrom('usr_1', 'usr_2'),
        machine: fc.constantFrom('PC-1', 'PC-2'),
        minutes: fc.integer({ min: 0, max: 50 }),
      }),
      { maxLength: 4 },
    ),
    named: fc.option(fc.nat(2), { nil: undefined }),
  })
  .map((spec) => {
    const licenses = spec.licenses.map((l, i) =>
      license(`lic_${i}`, {
        seats: l.seats,
        used: Math.min(l.used, l.seats),
        validUntil: `2026-${String(6 + l.until).padStart(2, '0')}-01T00:00:00.000Z`,
      }),
    );
    const assignments = spec.assignments
      .filter((a) => a.license < licenses.length)
      .map((a, i) =>
        assignment(`asg_${i}`, `lic_${a.license}`, a.role, a.seats, {
          used: a.seats === 'all' ? a.used : Math.min(a.used, a.seats),
          automaticLeasing: a.leasing,
        }),
      );
    const expired = spec.expired
      .filter((e) => e.assignment < assignments.length)
      .map((e, i) => {
        const a = assignments[e.assignment] as Assignment;
        return holder(`ses_${i}`, {
          licenseId: a.licenseId,
          assignmentId: a.assignmentId,
          userId: e.user,
          machineId: e.machine,
          expiresAt: new Date(NOW.getTime() - e.minutes * 60_000).toISOString(),
        });
      });
    const named = spec.named !== undefined && spec.named < licenses.length ? `lic_${spec.named}` : undefined;
    return { catalogue: catalogue({ licenses: [serverLicense, ...licenses], assignments, expired }), named };
  });

describe('decideSignIn properties', () => {
  it('never plans a seat beyond a license’s seats or an assignment’s cap (reclaims make the room)', () => {
    fc.assert(
      fc.property(arbitraryCatalogue, ({ catalogue: cat, named }) => {
        const plan = decideSignIn({ catalogue: cat, user, request: { ...request, licenseId: named } });
        if (plan.kind !== 'grant') return;
        const lic = cat.licenses.find((l) => l.licenseId === plan.session.licenseId) as License;
        const asg = cat.assignments.find((a) => a.assignmentId === plan.session.assignmentId) as Assignment;
        const freedOfLicense = plan.reclaimed.filter((h) => h.licenseId === lic.licenseId).length;
        const freedOfAssignment = plan.reclaimed.filter((h) => h.assignmentId === asg.assignmentId).length;
        expect(lic.used - freedOfLicense + 1).toBeLessThanOrEqual(lic.seats);
        if (asg.seats !== 'all') expect(asg.used - freedOfAssignment + 1).toBeLessThanOrEqual(asg.seats);
        for (const h of plan.reclaimed) expect(Date.parse(h.expiresAt)).toBeLessThanOrEqual(NOW.getTime());
      }),
    );
  });

  it('joins whenever the user’s own session on this PC is among the expired holders', () => {
    fc.assert(
      fc.property(arbitraryCatalogue, ({ catalogue: cat }) => {
        const plan = decideSignIn({ catalogue: cat, user, request });
        const own = cat.expired.find((h) => h.userId === 'usr_1' && h.machineId === 'PC-1');
        if (own) expect(plan).toEqual({ kind: 'join', sessionId: own.sessionId });
        else expect(plan.kind).not.toBe('join');
      }),
    );
  });

  it('takes the first seat in API.md order that is free or has an expired holder (an oracle written here)', () => {
    fc.assert(
      fc.property(arbitraryCatalogue, ({ catalogue: cat, named }) => {
        if (cat.expired.some((h) => h.userId === 'usr_1' && h.machineId === 'PC-1')) return;
        const plan = decideSignIn({ catalogue: cat, user, request: { ...request, licenseId: named } });
        const valid = cat.licenses
          .filter(
            (l) =>
              l.kind === 'cal' &&
              (named === undefined || l.licenseId === named) &&
              holds(licenseHasFreeSeat(NOW), { ...l, used: 0 }),
          )
          .sort((a, b) =>
            a.validUntil === b.validUntil
              ? a.licenseId < b.licenseId
                ? -1
                : 1
              : a.validUntil < b.validUntil
                ? -1
                : 1,
          );
        let expected = 'refuse';
        outer: for (const l of valid) {
          const mine = cat.assignments
            .filter(
              (a) =>
                a.licenseId === l.licenseId &&
                user.roles.includes(a.role) &&
                (named !== undefined || a.automaticLeasing),
            )
            .sort(
              (a, b) =>
                (a.seats === 'all' ? 1 : 0) - (b.seats === 'all' ? 1 : 0) ||
                (a.assignmentId < b.assignmentId ? -1 : 1),
            );
          for (const a of mine) {
            const licenseFull = l.used >= l.seats;
            const capFull = a.seats !== 'all' && a.used >= a.seats;
            const holders = cat.expired.filter((h) =>
              capFull ? h.assignmentId === a.assignmentId : h.licenseId === l.licenseId,
            );
            if ((!licenseFull && !capFull) || holders.length > 0) {
              expected = `${l.licenseId}/${a.assignmentId}`;
              break outer;
            }
          }
        }
        expect(
          plan.kind === 'grant' ? `${plan.session.licenseId}/${plan.session.assignmentId}` : plan.kind,
        ).toBe(expected);
      }),
    );
  });
});
