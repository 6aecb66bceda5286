// Seeds the demo account once, through the portal's own HTTP API, so the demo data obeys every rule.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/store/client.js';
import { keys } from '../../functions/store/keys.js';

export const DEMO = {
  accountName: 'Demo Company',
  admin: { email: 'admin@demo.example', password: 'demo-admin-pass' },
  member: { email: 'member@demo.example', password: 'demo-member-pass' },
};

export interface DemoSeed {
  accountId: string;
  adminUserId: string;
  memberUserId: string;
  licenseIds: { server: string; cal: string; client: string };
}

async function call(
  url: string,
  path: string,
  token: string | null,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`seeding ${path} failed with ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Returns the seed, creating it on the first start of this data folder only. */
export async function seedDemo(
  url: string,
  store: { endpoint: string; tableName: string },
  operator: { username: string; password: string },
): Promise<{ seed: DemoSeed; created: boolean }> {
  const doc = createDocumentClient(store.endpoint, 'us-east-1');
  try {
    const existing = await doc.send(new GetCommand({ TableName: store.tableName, Key: keys.demoSeed() }));
    if (existing.Item) return { seed: existing.Item.seed as DemoSeed, created: false };

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
    await doc.send(
      new PutCommand({ TableName: store.tableName, Item: { ...keys.demoSeed(), entity: 'DemoSeed', seed } }),
    );
    return { seed, created: true };
  } finally {
    doc.destroy();
  }
}
