// NEXUS servers in integration tests: register one, give it a credential, exchange the secret for its own token,
// and read the audit records the portal wrote (the audit log's own routes are not needed for that).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { createDocumentClient } from '../../functions/store/client.js';
import { keys } from '../../functions/store/keys.js';
import type { TestAccount, TestPortal } from './portal.js';

/** A registered server of `account`, holding `licenseIds` when given (an admin's acquisition). */
export async function registerServer(
  portal: TestPortal,
  account: TestAccount,
  hostName: string,
  licenseIds: string[] = [],
): Promise<string> {
  const res = await portal.call('POST', '/v1/servers', { token: account.admin.token, body: { hostName } });
  expect(res.status, res.text).toBe(201);
  const serverId = res.body.serverId as string;
  if (licenseIds.length) {
    const acquired = await portal.call('POST', `/v1/servers/${serverId}/acquisitions`, {
      token: account.admin.token,
      body: { licenseIds },
    });
    expect(acquired.status, acquired.text).toBe(201);
  }
  return serverId;
}

/** A new credential of the server: its id and its secret, as the administrator sees them once. */
export async function createCredential(
  portal: TestPortal,
  account: TestAccount,
  serverId: string,
): Promise<{ credentialId: string; secret: string; createdAt: string }> {
  const res = await portal.call('POST', `/v1/servers/${serverId}/credentials`, {
    token: account.admin.token,
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** POST /v1/auth/server-token with `secret`, as a NEXUS server sends it. */
export function exchange(portal: TestPortal, secret: string) {
  return portal.call('POST', '/v1/auth/server-token', { body: { secret } });
}

/** The server token a right secret is exchanged for. */
export async function serverToken(portal: TestPortal, secret: string): Promise<string> {
  const res = await exchange(portal, secret);
  expect(res.status, res.text).toBe(200);
  return res.body.accessToken as string;
}

/** Every audit record of the account, as stored (oldest first). */
export async function auditRecords(portal: TestPortal, accountId: string): Promise<Record<string, any>[]> {
  const doc = createDocumentClient(portal.portal.endpoint, 'us-east-1');
  const prefix = keys.auditPrefix(accountId);
  try {
    const result = await doc.send(
      new QueryCommand({
        TableName: portal.portal.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
        ConsistentRead: true,
      }),
    );
    return result.Items ?? [];
  } finally {
    doc.destroy();
  }
}
