// The dashboard's page rules, apart from the browser: licenses (groups, sort, search, notices), messages with
// names instead of ids, report rows and CSV, roles' availability, servers' states and the From cloud window,
// sessions, users' forms, the audit log in words, the route table and the session's claims.
import { describe, expect, it } from 'vitest';
import { PortalError } from '../../client/index.js';
import {
  type AuditEvent,
  actorText,
  auditRange,
  detailsText,
  joinCsvPages,
  NO_NAMES,
  targetText,
  withNamesOf,
} from '../../web/src/audit.js';
import { collectPages } from '../../web/src/data.js';
import { daysLeftText, type License, termPosition } from '../../web/src/format.js';
import {
  expiryNotices,
  groupLicenses,
  searchLicenses,
  sortLicenses,
  usedHint,
} from '../../web/src/licenses.js';
import { sessionQuery, sessionsEnded, sessionsEnding } from '../../web/src/live-sessions.js';
import { errorText, humanize, NETWORK_MESSAGE } from '../../web/src/messages.js';
import {
  chartData,
  filterCsv,
  reportRange,
  rowsWhileLicenseExisted,
  type UsageRow,
} from '../../web/src/reports.js';
import { rolesUse } from '../../web/src/roles.js';
import { hrefOf, PAGES, parseHash, tabOf, tabsFor } from '../../web/src/routes.js';
import {
  acquiredNotice,
  cloudQuery,
  type ListedServer,
  notAcquirable,
  serverAlerts,
} from '../../web/src/servers.js';
import { sessionOf } from '../../web/src/session.js';
import { newUserBody, parseRoles, type User, userPatch } from '../../web/src/users.js';

const NOW = new Date('2026-06-15T12:00:00Z');

function license(overrides: Partial<License>): License {
  return {
    licenseId: 'lic_aaaaaaaaaaaaaaaaaaaa',
    accountId: 'acc_aaaaaaaaaaaaaaaaaaaa',
    product: 'Altium NEXUS Server CAL',
    kind: 'cal',
    seats: 10,
    used: 0,
    activationCode: 'NX-AAAA-AAAA-AAAA-AAAA',
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: '2027-01-01T00:00:00.000Z',
    status: 'valid',
    ...overrides,
  };
}

const server = license({
  licenseId: 'lic_server0000000000000',
  product: 'Altium NEXUS Server',
  kind: 'server',
  seats: 2,
  used: 1,
  activationCode: 'NX-SRV1-0000-0000-0000',
});
const ending = license({
  licenseId: 'lic_ending0000000000000',
  seats: 3,
  activationCode: 'NX-ENDS-SOON-0000-0000',
  validUntil: '2026-06-25T00:00:00.000Z',
});
const ended = license({
  licenseId: 'lic_ended00000000000000',
  product: 'Altium NEXUS Server',
  kind: 'server',
  seats: 1,
  activationCode: 'NX-OLD0-0000-0000-0000',
  validFrom: '2020-01-01T00:00:00.000Z',
  validUntil: '2021-01-01T00:00:00.000Z',
  status: 'expired',
});
const design = license({
  licenseId: 'lic_design0000000000000',
  product: 'Altium NEXUS',
  kind: 'client',
  seats: 5,
  activationCode: 'NX-DSGN-0000-0000-0000',
});

describe('licenses page rules', () => {
  it('groups Server and CAL licenses under ALTIUM NEXUS SERVER and the design software apart', () => {
    const groups = groupLicenses([design, server, ending]);
    expect(groups.map((group) => [group.name, group.licenses.length])).toEqual([
      ['ALTIUM NEXUS SERVER', 2],
      ['ALTIUM NEXUS', 1],
    ]);
  });

  it('sorts by a column either way, ties by activation code', () => {
    const list = [server, ending, ended, design];
    expect(sortLicenses(list, { key: 'seats', direction: 'ascending' }).map((l) => l.seats)).toEqual([
      1, 2, 3, 5,
    ]);
    expect(
      sortLicenses(list, { key: 'daysLeft', direction: 'descending' }).map((l) => l.activationCode)[3],
    ).toBe(ended.activationCode);
  });

  it('searches every word in product, kind, status and code', () => {
    const list = [server, ending, ended, design];
    expect(searchLicenses(list, 'server expired')).toEqual([ended]);
    expect(searchLicenses(list, 'ENDS-SOON')).toEqual([ending]);
    expect(searchLicenses(list, 'design software')).toEqual([design]);
    expect(searchLicenses(list, '  ')).toHaveLength(4);
  });

  it('says what a Server license’s Used counts', () => {
    expect(usedHint(server)).toBe('System seat of 1 NEXUS server');
    expect(usedHint({ ...server, used: 2 })).toBe('System seat of 2 NEXUS servers');
    expect(usedHint({ ...server, used: 0 })).toBe('No NEXUS server holds it yet');
  });

  it('counts days left, since the end, or to the start', () => {
    expect(daysLeftText(termPosition(ending, NOW))).toBe('10 days left');
    expect(daysLeftText(termPosition(ended, NOW))).toBe('Ended 1991 days ago');
    expect(daysLeftText(termPosition({ ...ending, validFrom: '2026-06-17T00:00:00Z' }, NOW))).toBe(
      'Starts in 2 days',
    );
  });

  it('warns about licenses ending within 30 days and those ended, by name, with how to renew', () => {
    const notices = expiryNotices([server, ending, ended, design], NOW);
    expect(notices.map((notice) => [notice.level, notice.title, notice.items])).toEqual([
      [
        'warning',
        'A license ends within 30 days',
        ['Altium NEXUS Server CAL NX-ENDS-SOON-0000-0000 ends in 10 days, on 2026-06-25'],
      ],
      [
        'ended',
        'A license has ended',
        [expect.stringMatching(/^Altium NEXUS Server NX-OLD0-0000-0000-0000 ended on 2021-01-01: /)],
      ],
    ]);
    expect(notices[0]?.advice).toMatch(/ask your license operator/);
    expect(expiryNotices([server, design], NOW)).toEqual([]);
  });
});

describe('messages', () => {
  it('replaces ids with names and API values with the labels people see', () => {
    const text = humanize(
      `The numbered seats assigned on license ${ending.licenseId} would add up to more than its 3 seats; lower a number or use "all".`,
      { license: ending },
    );
    expect(text).toBe(
      'The numbered seats assigned on license Altium NEXUS Server CAL NX-ENDS-SOON-0000-0000 would add up to more than its 3 seats; lower a number or use "All available seats".',
    );
    expect(humanize('No session with id ses_abcdefghijklmnopqrst exists.')).toBe(
      'No session with id this session exists.',
    );
    expect(humanize('License lic_zzzzzzzzzzzzzzzzzzzz has expired.')).toBe('This license has expired.');
  });

  it('writes its own sentence for the codes it knows, naming the license', () => {
    const overcommitted = new PortalError(409, 'seats_overcommitted', `license ${ending.licenseId} …`);
    expect(errorText(overcommitted, { license: ending })).toBe(
      'The Seats counts of Altium NEXUS Server CAL NX-ENDS-SOON-0000-0000\'s assignments would add up to more than its 3 seats. Lower a Seats count, or choose "All available seats", which takes only seats still free.',
    );
    const expired = new PortalError(409, 'license_expired', `License ${ended.licenseId} has expired`);
    expect(errorText(expired, { license: ended })).toMatch(
      /^Altium NEXUS Server NX-OLD0-0000-0000-0000 has ended \(on 2021-01-01\), so it cannot be activated\. To renew/,
    );
    expect(errorText(new PortalError(429, 'rate_limited', 'x', 30))).toBe(
      'Too many requests in a short time; try again in 30 seconds.',
    );
    expect(errorText(new TypeError('Failed to fetch'))).toBe(NETWORK_MESSAGE);
    for (const code of ['forbidden', 'not_found', 'busy', 'idempotency_key_reused']) {
      expect(errorText(new PortalError(400, code, `lic_${'a'.repeat(20)}`))).not.toMatch(/lic_|_/);
    }
  });

  it('says in words what the administration pages’ refusals mean', () => {
    const exhausted = new PortalError(
      409,
      'seats_exhausted',
      `License ${server.licenseId} has no free System seat: every seat is held by another server.`,
    );
    expect(errorText(exhausted, { licenses: [ended, server], verb: 'acquired' })).toBe(
      'Altium NEXUS Server NX-SRV1-0000-0000-0000 has no free seat: each of its 2 seats is the System seat of another NEXUS server. Remove a server that no longer needs it (its page on Servers), or ask your license operator for more seats.',
    );
    const expired = new PortalError(409, 'license_expired', `License ${ended.licenseId} has expired`);
    expect(errorText(expired, { licenses: [server, ended], verb: 'acquired' })).toMatch(
      /^Altium NEXUS Server NX-OLD0-0000-0000-0000 has ended \(on 2021-01-01\), so it cannot be acquired\./,
    );
    expect(
      errorText(new PortalError(400, 'invalid_license_file', 'invalid (signature check, line 13)'), {
        fileName: 'x.alf',
      }),
    ).toMatch(/^“x\.alf” is not a license file of your account as this portal signed it/);
    expect(errorText(new PortalError(409, 'last_admin', 'x'), { user: 'ann@acme.example' })).toBe(
      'ann@acme.example is the last enabled administrator of your account, and the account must keep one. Make another user an administrator first, then try again.',
    );
    expect(errorText(new PortalError(409, 'email_taken', 'x'), { user: 'ann@acme.example' })).toBe(
      'ann@acme.example already belongs to a user (of your account or another one); use another email address.',
    );
    expect(errorText(new PortalError(403, 'server_unlicensed', 'x'), { server: 'nexus-01' })).toMatch(
      /^nexus-01 holds no valid Server license, so nobody can sign in to it\./,
    );
    expect(
      humanize('Credential crd_abcdefghijklmnopqrst of server srv_abcdefghijklmnopqrst was revoked.', {
        names: new Map([['srv_abcdefghijklmnopqrst', 'nexus-01']]),
      }),
    ).toBe('This credential of server nexus-01 was revoked.');
  });
});

const listed = (hostName: string, state: ListedServer['state']): ListedServer => ({
  serverId: `srv_${hostName}`,
  hostName,
  state,
  createdAt: '2026-06-01T00:00:00.000Z',
});

describe('servers', () => {
  it('raises one banner per state that keeps users out, naming its servers, with what it means and what to do', () => {
    const alerts = serverAlerts([
      listed('a', 'licensed'),
      listed('b', 'admin_only'),
      listed('c', 'unlicensed'),
      listed('d', 'unlicensed'),
      listed('e', 'lapsed'),
    ]);
    expect(alerts.map((alert) => [alert.title, alert.servers.map((s) => s.hostName)])).toEqual([
      ['2 servers are unlicensed', ['c', 'd']],
      ['A server’s licensing has lapsed', ['e']],
      ['A server admits administrators only', ['b']],
    ]);
    for (const alert of alerts) {
      expect(alert.meaning).toMatch(/\.$/);
      expect(alert.todo).toMatch(/license/i);
    }
    expect(serverAlerts([listed('a', 'licensed')])).toEqual([]);
  });

  it('filters the From cloud window by Product Name and Show valid only, and names what cannot be acquired', () => {
    expect(cloudQuery({ product: '  cal ', validOnly: true })).toEqual({ product: 'cal', validOnly: true });
    expect(cloudQuery({ product: '', validOnly: false })).toEqual({});
    expect(notAcquirable(ended)).toBe('Ended on 2021-01-01');
    expect(notAcquirable({ ...server, status: 'not_yet_valid', validFrom: '2027-01-01T00:00:00Z' })).toBe(
      'Starts on 2027-01-01',
    );
    expect(notAcquirable(server)).toBeNull();
    expect(acquiredNotice('nexus-01', [server, ending], true)).toBe(
      'Acquired for nexus-01: Altium NEXUS Server NX-SRV1-0000-0000-0000, Altium NEXUS Server CAL NX-ENDS-SOON-0000-0000. Sign out of the NEXUS server and in again to enable what they license.',
    );
    expect(acquiredNotice('nexus-01', [server], false)).toMatch(/^nexus-01 already held .*nothing new/);
  });

  it('says how many sessions a removal or a disabling ends', () => {
    expect(sessionsEnding(0, false, 'server')).toBe('it has no live session');
    expect(sessionsEnding(1, false, 'user')).toBe('their 1 live session ends at once, freeing its seat');
    expect(sessionsEnding(100, true, 'server')).toBe(
      'its 100 or more live sessions end at once, freeing their seats',
    );
    expect(sessionsEnded(0, false, 'user')).toBe('');
    expect(sessionsEnded(2, false, 'user')).toBe('their 2 live sessions ended');
    expect(sessionQuery({ serverId: 'srv_1', userId: '', licenseId: 'lic_1' })).toEqual({
      serverId: 'srv_1',
      licenseId: 'lic_1',
    });
  });
});

const dana: User = {
  userId: 'usr_dana',
  email: 'dana@acme.example',
  name: 'Dana',
  roles: ['All Users', 'Designers'],
  admin: false,
  disabled: false,
  createdAt: '2026-06-01T00:00:00.000Z',
};

describe('users', () => {
  it('reads roles typed as a list: trimmed, each once, without All Users', () => {
    expect(parseRoles(' Designers ,reviewers,, designers, All users, Library  Team ')).toEqual([
      'Designers',
      'reviewers',
      'Library Team',
    ]);
  });

  it('checks a new user before sending it, and sends only what an edit changed', () => {
    const draft = { email: 'x@acme.example', name: ' ', password: 'short', roles: 'A', admin: false };
    expect(newUserBody(draft)).toEqual({ error: 'The password must have at least 12 characters.' });
    expect(newUserBody({ ...draft, email: 'not an email' })).toEqual({
      error: 'Enter the user’s email address (name@company.example).',
    });
    expect(newUserBody({ ...draft, password: 'twelve-chars' })).toEqual({
      body: { email: 'x@acme.example', password: 'twelve-chars', roles: ['A'], admin: false },
    });
    const same = { email: dana.email, name: 'Dana', password: '', roles: 'Designers', admin: false };
    expect(userPatch(dana, same)).toBeNull();
    expect(userPatch(dana, { ...same, roles: 'Designers, Reviewers', admin: true })).toEqual({
      roles: ['Designers', 'Reviewers'],
      admin: true,
    });
    expect(userPatch(dana, { ...same, name: '' })).toEqual({ name: '' });
  });
});

const event = (overrides: Partial<AuditEvent>): AuditEvent => ({
  eventId: 'evt_1',
  at: '2026-06-15T10:00:00.000Z',
  actor: { type: 'user', id: 'usr_admin' },
  action: 'user.updated',
  targetId: 'usr_dana',
  details: {},
  ...overrides,
});

describe('audit log', () => {
  const names = {
    users: new Map([['usr_admin', 'admin@acme.example']]),
    servers: new Map([['srv_hq', 'nexus-hq']]),
    licenses: new Map([['lic_cal', 'Altium NEXUS Server CAL NX-CAL']]),
  };

  it('writes each event with names: who, on what, how', () => {
    const changed = event({
      details: {
        email: 'dana@acme.example',
        changes: { roles: { from: ['All Users', 'A'], to: ['All Users'] }, admin: { from: false, to: true } },
      },
    });
    expect([actorText(changed, names), targetText(changed, names), detailsText(changed)]).toEqual([
      'admin@acme.example',
      'dana@acme.example',
      'Roles: A → none; Administrator: no → yes',
    ]);
    const killed = event({
      action: 'session.killed',
      targetId: 'ses_1',
      details: { userId: 'usr_gone', serverId: 'srv_hq', licenseId: 'lic_cal', machineId: 'PC-1' },
    });
    expect(targetText(killed, names)).toBe('Session of a deleted user on PC-1 (nexus-hq)');
    const assignment = event({
      action: 'assignment.updated',
      targetId: 'asg_1',
      details: {
        licenseId: 'lic_cal',
        role: 'Designers',
        seats: 'all',
        automaticLeasing: true,
        allowRoaming: false,
      },
    });
    expect([targetText(assignment, names), detailsText(assignment)]).toEqual([
      'Designers on Altium NEXUS Server CAL NX-CAL',
      'Seats: All available seats; automatic leasing yes; roaming no',
    ]);
    expect(actorText(event({ actor: { type: 'system', id: 'hourly-check' } }), names)).toBe('Hourly check');
    expect(actorText(event({ actor: { type: 'operator', id: 'operator' } }), names)).toBe('License operator');
    expect(actorText(event({ actor: { type: 'user', id: 'usr_gone' } }), NO_NAMES)).toBe('A deleted user');
  });

  it('names a removed server and a deleted user from the events that carry their names', () => {
    const removed = event({
      action: 'server.removed',
      targetId: 'srv_old',
      details: { hostName: 'nexus-old' },
    });
    const revoked = event({
      action: 'credential.revoked',
      targetId: 'crd_1',
      details: { serverId: 'srv_old' },
    });
    expect(targetText(revoked, names)).toBe('A credential of a removed server');
    expect(targetText(revoked, withNamesOf([removed, revoked], names))).toBe('A credential of nexus-old');
  });

  it('turns From and To days into the API range (To included) and joins CSV pages under one header', () => {
    expect(auditRange('2026-06-01', '2026-06-02')).toEqual({
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-06-03T00:00:00.000Z',
    });
    expect(auditRange('', '')).toEqual({});
    expect(auditRange('2026-06-03', '2026-06-02')).toEqual({
      error: 'From is after To; choose a From day on or before the To day.',
    });
    expect(joinCsvPages(['h\r\na\r\n', 'h\r\nb\r\n', 'h\r\n'])).toBe('h\r\na\r\nb\r\n');
    expect(joinCsvPages([])).toBe('');
  });
});

describe('reports', () => {
  const rows: UsageRow[] = ['2026-06-12', '2026-06-13', '2026-06-14', '2026-06-15'].map((day, i) => ({
    start: `${day}T00:00:00.000Z`,
    licenseId: ending.licenseId,
    peakSessions: i,
    sessionsStarted: i,
    denied: i === 2 ? 4 : 0,
    seatHours: i,
  }));

  it('turns the form’s days into the API’s range and says what to change', () => {
    expect(reportRange('2026-06-01', '2026-06-07', 'day')).toEqual({
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-06-08T00:00:00.000Z',
    });
    expect(reportRange('2026-06-07', '2026-06-01', 'day')).toEqual({
      error: 'To must be the same day as From or later.',
    });
    expect(reportRange('2026-01-01', '2026-03-01', 'hour')).toEqual({
      error: 'A report by hour covers at most 31 days; shorten the range or choose Day.',
    });
    expect(reportRange('', '2026-03-01', 'day')).toEqual({ error: 'Enter both From and To dates.' });
  });

  it('keeps only buckets that end after the license began', () => {
    const started = new Map([[ending.licenseId, { validFrom: '2026-06-13T08:00:00.000Z' }]]);
    expect(rowsWhileLicenseExisted(rows, started, 'day').map((row) => row.start.slice(0, 10))).toEqual([
      '2026-06-13',
      '2026-06-14',
      '2026-06-15',
    ]);
    expect(rowsWhileLicenseExisted(rows, new Map(), 'day')).toHaveLength(4);
  });

  it('charts peak sessions, seats within the term and denied sign-ins as marks', () => {
    const data = chartData(rows, { ...ending, validFrom: '2026-06-13T08:00:00.000Z' }, 'day');
    expect(data.xs).toEqual(rows.map((row) => Date.parse(row.start) / 1000));
    expect(data.peak).toEqual([0, 1, 2, 3]);
    expect(data.seats).toEqual([null, 3, 3, 3]);
    expect(data.denied).toEqual([null, null, 4, null]);
    expect([data.maxPeak, data.totalDenied]).toEqual([3, 4]);
  });

  it('cuts the CSV to the rows the table shows', () => {
    const csv = `start,licenseId,peakSessions\r\n2026-06-12T00:00:00.000Z,lic_a,0\r\n2026-06-13T00:00:00.000Z,lic_a,1\r\n`;
    expect(filterCsv(csv, (start) => start >= '2026-06-13')).toBe(
      'start,licenseId,peakSessions\r\n2026-06-13T00:00:00.000Z,lic_a,1\r\n',
    );
  });
});

describe('roles', () => {
  it('sums seats, use and what is still available per role and per license', () => {
    const cal = { ...ending, seats: 10, used: 6 };
    const roles = rolesUse(
      [cal, design, ended],
      new Map([
        [
          cal.licenseId,
          [
            {
              assignmentId: 'a1',
              role: 'Designers',
              seats: 4,
              used: 3,
              automaticLeasing: true,
              allowRoaming: false,
            },
            {
              assignmentId: 'a2',
              role: 'All Users',
              seats: 'all',
              used: 3,
              automaticLeasing: true,
              allowRoaming: false,
            },
          ],
        ],
        [
          design.licenseId,
          [
            {
              assignmentId: 'a3',
              role: 'Designers',
              seats: 2,
              used: 0,
              automaticLeasing: true,
              allowRoaming: true,
            },
          ],
        ],
        [
          ended.licenseId,
          [
            {
              assignmentId: 'a4',
              role: 'Designers',
              seats: 1,
              used: 0,
              automaticLeasing: true,
              allowRoaming: false,
            },
          ],
        ],
      ]),
    );
    expect(roles.map(({ role, seats, used, available }) => ({ role, seats, used, available }))).toEqual([
      // Any seat still free of the CAL: 10 - 6.
      { role: 'All Users', seats: 'all', used: 3, available: 4 },
      // CAL: cap 4 - 3 used = 1; design: 2; the ended license: none.
      { role: 'Designers', seats: 7, used: 3, available: 3 },
    ]);
  });
});

describe('routes', () => {
  it('parses hashes into pages, sending unknown ones and members’ administrator pages home', () => {
    expect(parseHash('#license/lic_abc', false)).toEqual({
      page: 'license',
      params: { licenseId: 'lic_abc' },
    });
    expect(parseHash('#reports', true)).toEqual({ page: 'reports', params: {} });
    expect(parseHash('#reports', false)).toEqual({ page: 'licenses', params: {} });
    expect(parseHash('#nowhere', true)).toEqual({ page: 'licenses', params: {} });
    expect(parseHash('#license/%E0%A4%A', true)).toEqual({ page: 'licenses', params: {} });
    expect(hrefOf('license', { licenseId: 'a/b' })).toBe('#license/a%2Fb');
  });

  it('shows tabs only for pages that exist and the user may open', () => {
    expect(tabsFor(true).map((tab) => tab.label)).toEqual([
      'Licenses',
      'Servers',
      'Sessions',
      'Users',
      'Roles',
      'Reports',
      'Audit',
      'Settings',
    ]);
    expect(tabsFor(false).map((tab) => tab.label)).toEqual(['Licenses']);
    expect(tabOf('license')).toBe('licenses');
    expect(tabOf('server')).toBe('servers');
    expect(parseHash('#server/srv_abc', true)).toEqual({ page: 'server', params: { serverId: 'srv_abc' } });
    for (const page of ['#servers', '#server/srv_abc', '#sessions', '#users', '#audit'])
      expect(parseHash(page, false)).toEqual({ page: 'licenses', params: {} });
    for (const spec of Object.values(PAGES)) expect(spec.tab === null || spec.tab.length > 0).toBe(true);
  });
});

describe('session and paging', () => {
  const token = (claims: object) => `x.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.y`;

  it('reads the role from local and Cognito claims', () => {
    expect(sessionOf(token({ admin: 'true' }), 'a@x').role).toBe('Administrator');
    expect(sessionOf(token({ 'custom:admin': 'true' }), 'a@x').isAdmin).toBe(true);
    expect(sessionOf(token({ operator: true }), 'a@x').role).toBe('Operator');
    expect(sessionOf('garbage', 'a@x')).toMatchObject({ role: 'Member', isAdmin: false });
  });

  it('gathers every page of a list', async () => {
    const pages: Record<string, { items: number[]; nextToken: string | null }> = {
      start: { items: [1, 2], nextToken: 'p2' },
      p2: { items: [], nextToken: 'p3' },
      p3: { items: [3], nextToken: null },
    };
    const seen: (string | undefined)[] = [];
    const items = await collectPages(async (next) => {
      seen.push(next);
      return pages[next ?? 'start'] ?? { items: [], nextToken: null };
    });
    expect(items).toEqual([1, 2, 3]);
    expect(seen).toEqual([undefined, 'p2', 'p3']);
  });
});
