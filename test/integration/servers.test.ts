// Servers over HTTP on DynamoDB Local: register, acquire From cloud (System seats), status, import From file, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAlf } from '../../domain/alf.js';
import { setClock } from '../../functions/runtime/clock.js';
import { issueAlf } from '../../functions/signing/issue.js';
import { localKeys } from '../../functions/signing/local.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let acme: TestAccount;
let other: TestAccount;

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Acme');
  other = await portal.createAccount('Other');
});
afterAll(() => portal?.stop());

const SERVER = 'Altium NEXUS Server';
const CAL = 'Altium NEXUS Server CAL';

async function register(account: TestAccount, hostName = 'nexus-01'): Promise<string> {
  const res = await portal.call('POST', '/v1/servers', { token: account.admin.token, body: { hostName } });
  expect(res.status).toBe(201);
  expect(res.body.hostName).toBe(hostName);
  return res.body.serverId;
}

async function keys() {
  return (await portal.call('GET', '/v1/keys')).body.keys;
}

async function license(account: TestAccount, licenseId: string) {
  return (await portal.call('GET', `/v1/licenses/${licenseId}`, { token: account.admin.token })).body;
}

function acquire(account: TestAccount, serverId: string, licenseIds: string[]) {
  return portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
    token: account.admin.token,
    body: { licenseIds },
  });
}

function status(account: TestAccount, serverId: string) {
  return portal.call('GET', `/v1/servers/${serverId}/status`, { token: account.admin.token });
}

describe('acquiring From cloud', () => {
  it('refuses a license that has not started yet with license_expired, saying when it starts', async () => {
    const serverId = await register(acme, 'nexus-early');
    const future = await portal.issueLicense(acme.accountId, SERVER, 1, {
      validFrom: '2099-01-01T00:00:00Z',
    });
    const res = await acquire(acme, serverId, [future.licenseId]);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('license_expired');
    expect(res.body.error.message).toContain('not valid until 2099-01-01T00:00:00.000Z');
    expect((await license(acme, future.licenseId)).used).toBe(0);
  });

  it('takes one System seat for a Server license, none for a CAL, and nothing on a repeat', async () => {
    const serverId = await register(acme);
    const srv = await portal.issueLicense(acme.accountId, SERVER, 2);
    const cal = await portal.issueLicense(acme.accountId, CAL, 10);
    expect((await status(acme, serverId)).body.state).toBe('unlicensed');

    const first = await acquire(acme, serverId, [srv.licenseId, cal.licenseId]);
    expect(first.status).toBe(201);
    expect(first.body.files.map((f: { licenseId: string }) => f.licenseId)).toEqual([
      srv.licenseId,
      cal.licenseId,
    ]);
    const published = await keys();
    for (const file of first.body.files) {
      const verdict = verifyAlf(file.alf, published);
      expect(verdict.valid).toBe(true);
    }
    expect(first.body.files[0].fileName).toBe(
      `Altium Nexus Server License ${srv.activationCode} R10 Primary.alf`,
    );
    expect(first.body.files[1].fileName).toBe(
      `Altium Nexus Server CAL License ${cal.activationCode} R10 Primary.alf`,
    );
    expect((await license(acme, srv.licenseId)).used).toBe(1);
    expect((await license(acme, cal.licenseId)).used).toBe(0);
    expect((await status(acme, serverId)).body.state).toBe('licensed');

    const again = await acquire(acme, serverId, [srv.licenseId]);
    expect(again.status).toBe(200);
    expect(again.body.files).toHaveLength(1);
    expect((await license(acme, srv.licenseId)).used).toBe(1);
  });

  it('is admin_only with a Server license and no valid CAL', async () => {
    const account = await portal.createAccount('No CALs');
    const serverId = await register(account);
    const srv = await portal.issueLicense(account.accountId, SERVER, 1);
    expect((await acquire(account, serverId, [srv.licenseId])).status).toBe(201);
    expect((await status(account, serverId)).body.state).toBe('admin_only');
  });

  it('refuses a full Server license with 409 seats_exhausted and acquires nothing else of the request', async () => {
    const account = await portal.createAccount('Full');
    const a = await register(account, 'a');
    const b = await register(account, 'b');
    const srv = await portal.issueLicense(account.accountId, SERVER, 1);
    const cal = await portal.issueLicense(account.accountId, CAL, 5);
    expect((await acquire(account, a, [srv.licenseId])).status).toBe(201);
    const refused = await acquire(account, b, [cal.licenseId, srv.licenseId]);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('seats_exhausted');
    // The CAL of the refused request was not acquired either: b still holds nothing.
    expect((await status(account, b)).body.state).toBe('unlicensed');
    expect((await status(account, b)).body.serverLicenseIds).toEqual([]);
    expect((await license(account, srv.licenseId)).used).toBe(1);
  });

  it('is lapsed once every Server license it held has expired, and keeps its holding', async () => {
    const account = await portal.createAccount('Lapsing');
    const serverId = await register(account);
    const srv = await portal.issueLicense(account.accountId, SERVER, 1, { termMonths: 1 });
    await portal.issueLicense(account.accountId, CAL, 5, { termMonths: 24 });
    expect((await acquire(account, serverId, [srv.licenseId])).status).toBe(201);
    expect((await status(account, serverId)).body.state).toBe('licensed');
    const after = new Date(Date.parse(srv.validUntil) + 1000);
    setClock(() => after);
    try {
      expect((await status(account, serverId)).body.state).toBe('lapsed');
      const again = await acquire(account, serverId, [srv.licenseId]);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('license_expired');
    } finally {
      setClock(null);
    }
  });

  it('refuses an expired license with 409 license_expired and takes no seat', async () => {
    const account = await portal.createAccount('Expiring');
    const serverId = await register(account);
    const old = await portal.issueLicense(account.accountId, SERVER, 1, {
      validFrom: '2020-01-01T00:00:00.000Z',
      termMonths: 12,
    });
    const res = await acquire(account, serverId, [old.licenseId]);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('license_expired');
    expect((await license(account, old.licenseId)).used).toBe(0);
    expect((await status(account, serverId)).body.state).toBe('unlicensed');
  });

  it('answers 404 for another account’s server or license, and 400 for duplicate ids', async () => {
    const mine = await register(acme);
    const theirs = await register(other);
    const theirLicense = await portal.issueLicense(other.accountId, SERVER, 1);
    const myLicense = await portal.issueLicense(acme.accountId, SERVER, 1);
    expect((await acquire(acme, theirs, [myLicense.licenseId])).status).toBe(404);
    expect((await acquire(acme, mine, [theirLicense.licenseId])).status).toBe(404);
    expect((await status(acme, theirs)).status).toBe(404);
    expect((await portal.call('DELETE', `/v1/servers/${theirs}`, { token: acme.admin.token })).status).toBe(
      404,
    );
    const dup = await acquire(acme, mine, [myLicense.licenseId, myLicense.licenseId]);
    expect(dup.status).toBe(400);
    expect(dup.body.error.code).toBe('invalid_request');
    expect((await license(acme, myLicense.licenseId)).used).toBe(0);
    expect((await license(other, theirLicense.licenseId)).used).toBe(0);
  });

  it('refuses bad bodies with 400 and members with 403', async () => {
    const serverId = await register(acme);
    for (const body of [{}, { licenseIds: [] }, { licenseIds: 'x' }, { licenseIds: ['a'], extra: 1 }]) {
      const res = await portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
        token: acme.admin.token,
        body,
      });
      expect(res.status).toBe(400);
    }
    for (const hostName of ['a\u0001b', 'a\u0085b', '', 'x'.repeat(256)]) {
      const bad = await portal.call('POST', '/v1/servers', { token: acme.admin.token, body: { hostName } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
    }
    const member = await portal.call('POST', '/v1/servers', {
      token: acme.member.token,
      body: { hostName: 'x' },
    });
    expect(member.status).toBe(403);
  });

  it('lets exactly one of 10 servers racing for a one-seat Server license win', async () => {
    const account = await portal.createAccount('Race');
    const srv = await portal.issueLicense(account.accountId, SERVER, 1);
    const servers = await Promise.all(Array.from({ length: 10 }, (_, i) => register(account, `race-${i}`)));
    const results = await Promise.all(servers.map((serverId) => acquire(account, serverId, [srv.licenseId])));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409))
      expect(r.body.error.code).toBe('seats_exhausted');
    expect((await license(account, srv.licenseId)).used).toBe(1);
  });
});

describe('one server acquiring the same license many times at once', () => {
  it('takes exactly one System seat: one 201, the rest 200', async () => {
    const account = await portal.createAccount('Repeat');
    const serverId = await register(account);
    const srv = await portal.issueLicense(account.accountId, SERVER, 5);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => acquire(account, serverId, [srv.licenseId])),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect((await license(account, srv.licenseId)).used).toBe(1);
  });
});

describe('deleting a server', () => {
  it('frees its System seat so another server can take it, and then answers 404', async () => {
    const account = await portal.createAccount('Delete');
    const a = await register(account, 'a');
    const b = await register(account, 'b');
    const srv = await portal.issueLicense(account.accountId, SERVER, 1);
    expect((await acquire(account, a, [srv.licenseId])).status).toBe(201);
    expect((await acquire(account, b, [srv.licenseId])).status).toBe(409);
    const deleted = await portal.call('DELETE', `/v1/servers/${a}`, { token: account.admin.token });
    expect(deleted.status).toBe(204);
    expect((await license(account, srv.licenseId)).used).toBe(0);
    expect((await status(account, a)).status).toBe(404);
    expect((await portal.call('DELETE', `/v1/servers/${a}`, { token: account.admin.token })).status).toBe(
      404,
    );
    expect((await acquire(account, b, [srv.licenseId])).status).toBe(201);
    expect((await license(account, srv.licenseId)).used).toBe(1);
  });
});

describe('deleting a server with signed-in users', () => {
  it('ends its sessions (their CAL seats are free at once) and leaves other servers’ sessions alone', async () => {
    const account = await portal.createAccount('Sessions');
    const a = await register(account, 'a');
    const b = await register(account, 'b');
    const srv = await portal.issueLicense(account.accountId, SERVER, 2);
    const cal = await portal.issueLicense(account.accountId, CAL, 5);
    expect((await acquire(account, a, [srv.licenseId, cal.licenseId])).status).toBe(201);
    expect((await acquire(account, b, [srv.licenseId, cal.licenseId])).status).toBe(201);
    const signIn = (serverId: string, machineId: string) =>
      portal.call('POST', `/v1/servers/${serverId}/sessions`, {
        token: account.admin.token,
        body: { userId: account.member.userId, machineId, client: 'browser' },
      });
    const onA = await signIn(a, 'pc-a');
    const onB = await signIn(b, 'pc-b');
    expect(onA.status).toBe(201);
    expect(onB.status).toBe(201);
    expect((await license(account, cal.licenseId)).used).toBe(2);
    expect((await portal.call('DELETE', `/v1/servers/${a}`, { token: account.admin.token })).status).toBe(
      204,
    );
    expect((await license(account, cal.licenseId)).used).toBe(1);
    expect((await license(account, srv.licenseId)).used).toBe(1);
    const heartbeat = (sessionId: string) =>
      portal.call('POST', `/v1/sessions/${sessionId}/heartbeat`, { token: account.admin.token });
    expect((await heartbeat(onA.body.sessionId)).status).toBe(404);
    expect((await heartbeat(onB.body.sessionId)).status).toBe(200);
  });
});

describe('deleting while acquiring', () => {
  it('never leaves a System seat taken by a deleted server', async () => {
    const account = await portal.createAccount('Delete race');
    const srv = await portal.issueLicense(account.accountId, SERVER, 3);
    for (let round = 0; round < 5; round++) {
      const serverId = await register(account, `race-${round}`);
      const [acquired, deleted] = await Promise.all([
        acquire(account, serverId, [srv.licenseId]),
        portal.call('DELETE', `/v1/servers/${serverId}`, { token: account.admin.token }),
      ]);
      expect([201, 404]).toContain(acquired.status);
      expect(deleted.status).toBe(204);
      expect((await license(account, srv.licenseId)).used).toBe(0);
    }
  });
});

describe('importing From file', () => {
  async function activate(account: TestAccount, licenseId: string) {
    const res = await portal.call('POST', `/v1/licenses/${licenseId}/activations`, {
      token: account.admin.token,
      body: { hostId: 'HOST-1' },
    });
    expect(res.status).toBe(201);
    return res.body.alf as string;
  }

  function importFile(account: TestAccount, serverId: string, alf: string) {
    return portal.call('POST', `/v1/servers/${serverId}/license-files`, {
      token: account.admin.token,
      rawBody: alf,
      headers: { 'content-type': 'text/plain' },
    });
  }

  it('acquires the license of a genuine file (201, then 200), taking one System seat', async () => {
    const account = await portal.createAccount('Importer');
    const serverId = await register(account);
    const srv = await portal.issueLicense(account.accountId, SERVER, 1);
    const alf = await activate(account, srv.licenseId);
    const first = await importFile(account, serverId, alf);
    expect(first.status).toBe(201);
    expect(first.body.licenseId).toBe(srv.licenseId);
    expect((await importFile(account, serverId, alf)).status).toBe(200);
    expect((await license(account, srv.licenseId)).used).toBe(1);
    expect((await status(account, serverId)).body.state).toBe('admin_only');
  });

  it('refuses tampered, garbage and other accounts’ files with 400 invalid_license_file, importing nothing', async () => {
    const serverId = await register(acme);
    const srv = await portal.issueLicense(acme.accountId, SERVER, 3);
    const alf = await activate(acme, srv.licenseId);
    const theirs = await portal.issueLicense(other.accountId, SERVER, 1);
    const theirFile = await activate(other, theirs.licenseId);
    const tampered = alf.replace('Seats: 3', 'Seats: 9');
    // A well-formed file for this very license, signed by a key the portal never published.
    const stranger = localKeys(undefined);
    const unknownKey = (
      await issueAlf(stranger, { ...srv, accountId: acme.accountId, used: 0 }, { hostId: 'H' }, new Date())
    ).alf;
    for (const body of [tampered, 'garbage\n', theirFile, alf.replace('\n', '\r\n'), unknownKey]) {
      const res = await importFile(acme, serverId, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_license_file');
    }
    expect((await license(acme, srv.licenseId)).used).toBe(0);
    expect((await license(other, theirs.licenseId)).used).toBe(0);
    expect((await status(acme, serverId)).body.serverLicenseIds).toEqual([]);
  });

  it('answers 415 for a JSON content-type and 404 for another account’s server', async () => {
    const srv = await portal.issueLicense(acme.accountId, SERVER, 1);
    const alf = await activate(acme, srv.licenseId);
    const theirs = await register(other);
    expect((await importFile(acme, theirs, alf)).status).toBe(404);
    const mine = await register(acme);
    const json = await portal.call('POST', `/v1/servers/${mine}/license-files`, {
      token: acme.admin.token,
      body: { alf },
    });
    expect(json.status).toBe(415);
  });
});
