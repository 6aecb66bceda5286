// Replays every sample event of events/ (API Gateway HTTP API payload 2.0 with Cognito ID-token claims as
// strings, and the EventBridge schedule) through its Lambda handler on DynamoDB Local, as `npm run invoke` does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteSpec, routeKeyOf, routeList } from '../../functions/api/routes.js';
import {
  lambdaContext,
  loadFunction,
  sampleEvent,
  seedExamples,
  withFreshTokenTimes,
} from '../../infra/local/invoke.js';
import { startTestPortal, type TestAccount, type TestPortal } from '../support/portal.js';

const HTTP_EVENTS = join(process.cwd(), 'events', 'http');
const eventNames = readdirSync(HTTP_EVENTS)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length));

/** The ids written in the sample events, replaced by ids of data this test creates. */
const ids: Record<string, string> = {
  acc_exampleaccount00000000: '',
  usr_exampleadmin000000000: '',
  usr_examplemember00000000: '',
  lic_exampleserver00000000: '',
  lic_examplecal00000000000: '',
  lic_exampleclient00000000: '',
  srv_exampleserver00000000: '',
  ses_examplesession0000000: '',
  asg_exampleassignment0000: '',
  act_exampleactivation0000: '',
  // The secret before the credential id that begins it: a secret is replaced whole.
  'crd_examplecredential0000.q3XoN9bq1y7dT2mVf5gKc8jR0wLh4sPz6uEa1iYb3nQ': '',
  crd_examplecredential0000: '',
};

function rawEvent(name: string): string {
  return readFileSync(join(HTTP_EVENTS, `${name}.json`), 'utf8');
}

function specOf(event: APIGatewayProxyEventV2): RouteSpec {
  const spec = routeList.find((route) => routeKeyOf(route) === event.routeKey);
  if (!spec) throw new Error(`no route ${event.routeKey}`);
  return spec;
}

interface Replayed {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

async function replay(
  name: string,
  change: (event: APIGatewayProxyEventV2) => void = () => {},
): Promise<Replayed> {
  let text = rawEvent(name);
  for (const [placeholder, real] of Object.entries(ids)) if (real) text = text.replaceAll(placeholder, real);
  const event = withFreshTokenTimes(JSON.parse(text) as APIGatewayProxyEventV2);
  change(event);
  const spec = specOf(event);
  const handler = await loadFunction(spec.group);
  const result = (await handler(event, lambdaContext(spec.group))) as APIGatewayProxyStructuredResultV2;
  const body = result.body ?? '';
  let parsed: unknown = body;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    // text (the .alf file, CSV)
  }
  const status = result.statusCode ?? 200;
  expect(status, `${name}: ${body}`).toBeLessThan(500);
  return { status, headers: (result.headers ?? {}) as Record<string, string>, body: parsed, text: body };
}

let portal: TestPortal;
let acme: TestAccount;
let alf = '';

beforeAll(async () => {
  portal = await startTestPortal();
  acme = await portal.createAccount('Events Co');
  ids.acc_exampleaccount00000000 = acme.accountId;
  ids.usr_exampleadmin000000000 = acme.admin.userId;
  ids.usr_examplemember00000000 = acme.member.userId;
  ids.lic_exampleserver00000000 = (
    await portal.issueLicense(acme.accountId, 'Altium NEXUS Server', 2)
  ).licenseId;
  ids.lic_examplecal00000000000 = (
    await portal.issueLicense(acme.accountId, 'Altium NEXUS Server CAL', 10)
  ).licenseId;
  ids.lic_exampleclient00000000 = (await portal.issueLicense(acme.accountId, 'Altium NEXUS', 5)).licenseId;
});
afterAll(() => portal?.stop());

describe('the sample events', () => {
  it('cover every route of the route table, and name only routes that exist', () => {
    const covered = new Set(
      eventNames.map((name) => (JSON.parse(rawEvent(name)) as { routeKey: string }).routeKey),
    );
    const known = new Set(routeList.map(routeKeyOf));
    expect([...known].filter((key) => !covered.has(key))).toEqual([]);
    expect([...covered].filter((key) => !known.has(key))).toEqual([]);
  });

  it('carry the authorizer claims as API Gateway does: every value a string, none on public routes', () => {
    for (const name of eventNames) {
      const event = JSON.parse(rawEvent(name)) as APIGatewayProxyEventV2 & {
        requestContext: {
          authorizer?: { jwt?: { claims: Record<string, unknown> }; lambda?: Record<string, unknown> };
        };
      };
      const spec = specOf(event);
      // The Lambda authorizer's context (the stack now), or the JWT authorizer's claims (captured before it).
      const claims = event.requestContext.authorizer?.lambda ?? event.requestContext.authorizer?.jwt?.claims;
      if (spec.access === 'public') {
        expect(claims, name).toBeUndefined();
        continue;
      }
      expect(claims, name).toBeDefined();
      for (const value of Object.values(claims ?? {})) expect(typeof value, name).toBe('string');
      expect(event.requestContext.http.method, name).toBe(spec.method);
    }
  });
});

describe('a captured event replayed through its handler (stringified claims)', () => {
  it('a member (custom:admin "false", and no administrator in the store) is refused: 403 forbidden', async () => {
    const event = JSON.parse(rawEvent('activateLicense-member'));
    expect(event.requestContext.authorizer.jwt.claims['custom:admin']).toBe('false');
    const res = await replay('activateLicense-member');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('reads custom:account as the caller account: a member lists only its licenses', async () => {
    const res = await replay('listLicenses');
    expect(res.status).toBe(200);
    expect(res.body.licenses.map((license: any) => license.accountId)).toEqual([
      acme.accountId,
      acme.accountId,
      acme.accountId,
    ]);
  });

  it('answers 401 when the authorizer context is missing (never trusts a bare event)', async () => {
    const res = await replay('getLicense', (event) => {
      delete (event.requestContext as { authorizer?: unknown }).authorizer;
    });
    expect(res.status).toBe(401);
  });
});

describe('every sample through its handler, in the order a customer would go', () => {
  it('serves the public routes and the local token route', async () => {
    expect((await replay('health')).body).toEqual({ status: 'ok' });
    expect((await replay('openapi')).body.openapi).toBe('3.1.0');
    expect((await replay('listKeys')).body.keys.length).toBeGreaterThan(0);
    expect((await replay('issueToken')).status).toBe(200);
  });

  it('runs the back office with operator claims', async () => {
    expect((await replay('createAccount')).status).toBe(201);
    const user = await replay('createUser', (event) => {
      event.body = event.body?.replace('bob@customer.example', `bob.${Date.now()}@customer.example`);
    });
    expect(user.status).toBe(201);
    expect(user.body.roles).toEqual(['All Users', 'Designers']);
    expect((await replay('issueLicense')).body.kind).toBe('cal');
    expect((await replay('renewLicense')).status).toBe(200);
  });

  it('lists and shows licenses to a member', async () => {
    const license = await replay('getLicense');
    expect(license.status).toBe(200);
    expect(license.body.licenseId).toBe(ids.lic_examplecal00000000000);
  });

  it('activates a license and downloads its .alf file', async () => {
    const activated = await replay('activateLicense');
    expect(activated.status).toBe(201);
    ids.act_exampleactivation0000 = activated.body.activationId;
    alf = activated.body.alf;
    const again = await replay('activateLicense');
    expect(again.body.activationId).toBe(activated.body.activationId);
    const file = await replay('downloadAlf');
    expect(file.status).toBe(200);
    expect(file.text).toBe(alf);
  });

  it('registers a server, acquires its license, imports the file and reports it licensed', async () => {
    const server = await replay('registerServer');
    expect(server.status).toBe(201);
    ids.srv_exampleserver00000000 = server.body.serverId;
    expect((await replay('acquireLicenses')).status).toBe(201);
    expect((await replay('serverStatus')).body.state).toBe('licensed');
    const imported = await replay('importLicenseFile', (event) => {
      event.body = alf;
    });
    expect([200, 201]).toContain(imported.status);
    expect(imported.body.licenseId).toBe(ids.lic_exampleserver00000000);
    const listed = await replay('listServers');
    expect(listed.body.servers).toEqual([
      expect.objectContaining({ serverId: ids.srv_exampleserver00000000, state: 'licensed' }),
    ]);
  });

  it("gives the server a credential, which it exchanges for its own token (the Lambda authorizer's claims)", async () => {
    const created = await replay('createCredential');
    expect(created.status).toBe(201);
    ids.crd_examplecredential0000 = created.body.credentialId;
    ids['crd_examplecredential0000.q3XoN9bq1y7dT2mVf5gKc8jR0wLh4sPz6uEa1iYb3nQ'] = created.body.secret;
    expect((await replay('listCredentials')).body.credentials).toEqual([
      expect.objectContaining({ credentialId: created.body.credentialId, lastUsedAt: null }),
    ]);
    const token = await replay('issueServerToken');
    expect(token.status).toBe(200);
    expect(token.body.serverId).toBe(ids.srv_exampleserver00000000);
  });

  it('assigns roaming seats, signs a designer in, keeps the session alive, roams and signs out', async () => {
    expect((await replay('listAssignments')).status).toBe(200);
    const assignment = await replay('createAssignment');
    expect(assignment.status).toBe(201);
    ids.asg_exampleassignment0000 = assignment.body.assignmentId;
    const session = await replay('signIn');
    expect(session.status).toBe(201);
    expect(session.body.licenseId).toBe(ids.lic_exampleclient00000000);
    ids.ses_examplesession0000000 = session.body.sessionId;
    expect((await replay('heartbeat')).status).toBe(200);
    expect((await replay('heartbeat-server')).status).toBe(200);
    const live = await replay('listSessions');
    expect(live.body.sessions.map((held: any) => [held.sessionId, held.product])).toEqual([
      [ids.ses_examplesession0000000, 'Altium NEXUS'],
    ]);
    const sessions = await replay('listLicenseSessions');
    expect(sessions.body.sessions.map((held: any) => held.sessionId)).toEqual([
      ids.ses_examplesession0000000,
    ]);
    expect((await replay('startRoaming')).status).toBe(200);
    // Returning a roaming seat early ends the session.
    expect((await replay('endRoaming')).status).toBe(204);
    expect((await replay('heartbeat')).status).toBe(404);
    const next = await replay('signIn');
    expect(next.status).toBe(201);
    ids.ses_examplesession0000000 = next.body.sessionId;
    expect((await replay('endSession')).status).toBe(204);
    expect((await replay('replaceAssignment')).body.seats).toBe(3);
    expect((await replay('deleteAssignment')).status).toBe(204);
  });

  it('reads and changes settings, roles and usage reports', async () => {
    expect((await replay('getSettings')).body).toEqual({
      autoAssignAllUsers: true,
      sessionTimeoutMinutes: 10,
    });
    expect((await replay('putSettings')).status).toBe(200);
    expect((await replay('listRoles')).status).toBe(200);
    expect((await replay('usageReport')).body.rows).toBeInstanceOf(Array);
    const csv = await replay('usageReport-csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
  });

  it('runs the hourly check on demand, revokes the credential and removes the server', async () => {
    expect((await replay('hourlyCheck')).status).toBe(200);
    expect((await replay('revokeCredential')).status).toBe(204);
    expect((await replay('heartbeat-server')).status).toBe(401);
    expect((await replay('deleteServer')).status).toBe(204);
    expect((await replay('serverStatus')).status).toBe(404);
  });

  it('runs the hourly check from the EventBridge rules’ events; the follow-up only when a run is incomplete', async () => {
    const event = (name: string) =>
      JSON.parse(readFileSync(join(process.cwd(), 'events', 'scheduled', `${name}.json`), 'utf8'));
    expect(event('hourly')).toEqual({ trigger: 'hourly' });
    const handler = await loadFunction('scheduled');
    const summary = (await handler(event('hourly'), lambdaContext('scheduled'))) as Record<string, number>;
    expect(Object.keys(summary).sort()).toEqual(
      [
        'complete',
        'endedRoaming',
        'expiredLicenses',
        'lapsedServers',
        'reclaimedSessions',
        'rollupsWritten',
      ].sort(),
    );
    expect(summary.complete).toBe(true);
    // The latest run finished: the follow-up has nothing to do.
    expect(await handler(event('follow-up'), lambdaContext('scheduled'))).toEqual({
      skipped: 'nothing left to do',
    });
  });
});

describe('account administration and the audit log, replayed', () => {
  it('lists, creates, reads and changes users; operators list them; the audit log answers JSON and CSV', async () => {
    const listed = await replay('listUsers');
    expect(listed.status).toBe(200);
    // The sample filters on the email part `customer.example`: the back-office sample's user is one of them.
    expect(listed.body.users.length).toBeGreaterThan(0);
    expect(listed.body.users.every((user: any) => user.email.includes('customer.example'))).toBe(true);
    const added = await replay('addUser', (event) => {
      event.body = event.body?.replace('carol@customer.example', `carol.${Date.now()}@customer.example`);
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'Carol Chen', roles: ['All Users', 'Librarians'] });
    expect((await replay('getUser')).body.userId).toBe(ids.usr_examplemember00000000);
    const changed = await replay('updateUser');
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: 'Bob Baker',
      roles: ['All Users', 'Designers', 'Librarians'],
    });
    expect((await replay('listAccountUsers')).body.users.length).toBeGreaterThanOrEqual(3);
    const updates = await replay('listAudit');
    expect(updates.body.events.map((event: any) => event.targetId)).toContain(ids.usr_examplemember00000000);
    const csv = await replay('listAudit-csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('eventId,at,actorType,actorId,action,targetId,details');
    expect((await replay('listAccountAudit')).status).toBe(200);
  });

  it('deletes the member last: 204, then its id answers 404', async () => {
    expect((await replay('deleteUser')).status).toBe(204);
    expect((await replay('getUser')).status).toBe(404);
  });
});

describe('npm run invoke -- <function> <event> --seed', () => {
  it('creates the data the samples name, so they answer as in a live portal', async () => {
    const seeded = await seedExamples();
    expect(seeded.account).not.toBe(acme.accountId);
    const expected: [string, number][] = [
      ['getLicense', 200],
      ['downloadAlf', 200],
      ['serverStatus', 200],
      ['heartbeat', 200],
      ['listLicenseSessions', 200],
      ['listAssignments', 200],
      ['listCredentials', 200],
      ['issueServerToken', 200],
    ];
    for (const [name, status] of expected) {
      const event = sampleEvent(`events/http/${name}.json`, seeded) as APIGatewayProxyEventV2;
      const spec = specOf(event);
      const handler = await loadFunction(spec.group);
      const result = (await handler(event, lambdaContext(spec.group))) as APIGatewayProxyStructuredResultV2;
      expect(result.statusCode, `${name}: ${result.body}`).toBe(status);
    }
  });
});
