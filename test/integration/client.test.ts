// The typed client (client/) against the local runtime: a NEXUS server's calls as a program would make them,
// every answer checked against the committed document on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPortalClient,
  downloadAlf,
  issueToken,
  ok,
  type PortalClient,
  PortalError,
  TokenKeeper,
  usageCsv,
} from '../../client/index.js';
import { checkedFetch } from '../support/contract.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

let portal: TestPortal;
let acme: TestAccount;
let operator: PortalClient;

function clientOf(token?: string | (() => Promise<string>)): PortalClient {
  return createPortalClient({ baseUrl: portal.url, fetch: checkedFetch, ...(token ? { token } : {}) });
}

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Client Co');
  const anonymous = clientOf();
  operator = clientOf((await issueToken(anonymous, 'operator', 'operator')).accessToken);
});
afterAll(() => portal?.stop());

describe('the typed client', () => {
  it('signs in with a token keeper, issues and lists licenses with typed query values, and reads a server status', async () => {
    const keeper = new TokenKeeper(() => issueToken(clientOf(), acme.admin.email, acme.admin.password));
    const admin = clientOf(() => keeper.current());
    const issued = await ok(
      operator.POST('/v1/accounts/{accountId}/licenses', {
        params: { path: { accountId: acme.accountId } },
        body: { product: 'Altium NEXUS Server', seats: 1 },
      }),
    );
    expect(issued.kind).toBe('server');

    // limit is an integer and validOnly a boolean in the document; the query still validates them as text.
    const page = await ok(admin.GET('/v1/licenses', { params: { query: { limit: 1, validOnly: true } } }));
    expect(page.licenses.map((l) => l.licenseId)).toEqual([issued.licenseId]);

    const server = await ok(admin.POST('/v1/servers', { body: { hostName: 'nexus-client-test' } }));
    const path = { serverId: server.serverId };
    const acquired = await admin.POST('/v1/servers/{serverId}/acquisitions', {
      params: { path },
      body: { licenseIds: [issued.licenseId] },
    });
    expect(acquired.response.status).toBe(201);
    const again = await admin.POST('/v1/servers/{serverId}/acquisitions', {
      params: { path },
      body: { licenseIds: [issued.licenseId] },
    });
    expect(again.response.status).toBe(200);
    const status = await ok(admin.GET('/v1/servers/{serverId}/status', { params: { path } }));
    expect(status).toMatchObject({ serverId: server.serverId, state: 'admin_only' });
    expect(status.serverLicenseIds).toEqual([issued.licenseId]);
  });

  it('sends the idempotency-key header and downloads the byte-identical .alf file with its name', async () => {
    const admin = clientOf(acme.admin.token);
    const cal = await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 2);
    const activate = () =>
      ok(
        admin.POST('/v1/licenses/{licenseId}/activations', {
          params: { path: { licenseId: cal.licenseId }, header: { 'idempotency-key': 'client-test-1' } },
          body: { hostId: 'HOST-1' },
        }),
      );
    const first = await activate();
    expect((await activate()).activationId).toBe(first.activationId);
    const file = await downloadAlf(admin, first.activationId);
    expect(file).toEqual({ fileName: first.fileName, text: first.alf });
  });

  it('reads the usage report as CSV and as JSON', async () => {
    const admin = clientOf(acme.admin.token);
    const hour = new Date();
    hour.setUTCMinutes(0, 0, 0);
    const query = {
      from: hour.toISOString(),
      to: new Date(hour.getTime() + 3_600_000).toISOString(),
      interval: 'hour' as const,
    };
    const csv = await usageCsv(admin, query);
    expect(csv.split('\r\n')[0]).toBe('start,licenseId,peakSessions,sessionsStarted,denied,seatHours');
    const json = await ok(admin.GET('/v1/reports/usage', { params: { query } }));
    expect(csv.trimEnd().split('\r\n')).toHaveLength(json.rows.length + 1);
  });

  it('turns error answers into a PortalError with the status and code', async () => {
    const member = clientOf(acme.member.token);
    const error = await ok(member.POST('/v1/servers', { body: { hostName: 'not-allowed' } })).catch((e) => e);
    expect(error).toBeInstanceOf(PortalError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden' });
    const missing = await ok(
      clientOf(acme.admin.token).GET('/v1/licenses/{licenseId}', {
        params: { path: { licenseId: 'lic_none' } },
      }),
    ).catch((e) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });
});
