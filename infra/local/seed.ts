// Seeds the demo account once, through the portal's own HTTP API, so the demo data obeys every rule.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/store/client.js';
import { keys } from '../../functions/store/keys.js';

export const DEMO = {
  accountName: 'Demo Company',
  admin: { email: 'admin@demo.example', password: 'demo-admin-pass' },
  member: { email: 'member@demo.example', password: 'demo-member-pass' },
  server: { hostName: 'nexus-demo.example' },
};

/**
 * The demo NEXUS server and its own credential. The secret is kept in the demo-seed item so that every start can
 * print it, as the demo passwords are printed: demo data only; a real credential's secret is shown once and
 * stored only as a hash.
 */
export interface DemoServer {
  serverId: string;
  hostName: string;
  credentialId: string;
  secret: string;
}

export interface DemoSeed {
  accountId: string;
  adminUserId: string;
  memberUserId: string;
  licenseIds: { server: string; cal: string; client: string };
  /** Absent in data folders seeded before servers had credentials: the next start adds it. */
  server?: DemoServer;
}

async function call(
  url: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`seeding ${path} failed with ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Registers the demo NEXUS server as the demo administrator, acquires the demo Server license for it (so users
 * can sign in through it) and gives it a credential: what an administrator does for a new NEXUS server.
 */
async function seedDemoServer(url: string, seed: DemoSeed): Promise<DemoServer> {
  const { accessToken } = (await call(url, '/v1/auth/token', null, {
    username: DEMO.admin.email,
    password: DEMO.admin.password,
  })) as { accessToken: string };
  const { serverId } = (await call(url, '/v1/servers', accessToken, DEMO.server)) as { serverId: string };
  await call(url, `/v1/servers/${serverId}/acquisitions`, accessToken, {
    licenseIds: [seed.licenseIds.server],
  });
  const credential = (await call(url, `/v1/servers/${serverId}/credentials`, accessToken)) as {
    credentialId: string;
    secret: string;
  };
  return {
    serverId,
    hostName: DEMO.server.hostName,
    credentialId: credential.credentialId,
    secret: credential.secret,
  };
}

/**
 * Returns the seed, creating it on the first start of this data folder only; a folder seeded before demo servers
 * existed gets its demo server (once) at its next start.
 */
export async function seedDemo(
  url: string,
  store: { endpoint: string; tableName: string },
  operator: { username: string; password: string },
): Promise<{ seed: DemoSeed; created: boolean }> {
  const doc = createDocumentClient(store.endpoint, 'us-east-1');
  try {
    const existing = await doc.send(
      new GetCommand({ TableName: store.tableName, Key: keys.demoSeed(), ConsistentRead: true }),
    );
    if (existing.Item) {
      const seed = existing.Item.seed as DemoSeed;
      if (seed.server) return { seed, created: false };
      const server = await seedDemoServer(url, seed);
      await doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: keys.demoSeed(),
          UpdateExpression: 'SET seed.#server = :server',
          ExpressionAttributeNames: { '#server': 'server' },
          ExpressionAttributeValues: { ':server': server },
        }),
      );
      return { seed: { ...seed, server }, created: false };
    }

    const { accessToken } = (await call(url, '/v1/auth/token', null, operator)) as { accessToken: string };
    const account = await call(url, '/v1/accounts', accessToken, { name: DEMO.accountName });
    const accountId = account.accountId as string;
    const admin = await call(url, `/v1/accounts/${accountId}/users`, accessToken, {
      ...DEMO.admin,
      roles: ['Administrators'],
      admin: true,
    });
    const member = await call(url, `/v1/accounts/${accountId}/users`, accessToken, {
      ...DEMO.member,
      roles: ['Designers'],
      admin: false,
    });
    const license = (product: string, seats: number) =>
      call(url, `/v1/accounts/${accountId}/licenses`, accessToken, { product, seats });
    const server = await license('Altium NEXUS Server', 2);
    const cal = await license('Altium NEXUS Server CAL', 10);
    const client = await license('Altium NEXUS', 5);
    const seed: DemoSeed = {
      accountId,
      adminUserId: admin.userId as string,
      memberUserId: member.userId as string,
      licenseIds: {
        server: server.licenseId as string,
        cal: cal.licenseId as string,
        client: client.licenseId as string,
      },
    };
    seed.server = await seedDemoServer(url, seed);
    await doc.send(
      new PutCommand({ TableName: store.tableName, Item: { ...keys.demoSeed(), entity: 'DemoSeed', seed } }),
    );
    return { seed, created: true };
  } finally {
    doc.destroy();
  }
}
