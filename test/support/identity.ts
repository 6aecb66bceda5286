// Unit tests of handlers with a mocked DocumentClient: token claims with fresh times, and the identity read
// (the BatchGetItem every authenticated request makes) answered as the store would for these callers.
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { TOKEN_LIFETIME_SECONDS } from '../../domain/identity.js';
import { keys } from '../../functions/store/keys.js';

/** The claims with iat = now and exp = now + the token lifetime, as strings (API Gateway's way). */
export function freshClaims(claims: Record<string, string>): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  return { ...claims, iat: String(now), exp: String(now + TOKEN_LIFETIME_SECONDS) };
}

type Known = { userId: string; accountId: string; admin: boolean } | { operator: string };

/** Answers the identity BatchGetItem with the stored items of `known` users, their accounts and operators. */
export function storeKnows(ddb: AwsStub<any, any, any>, table: string, known: Known[]): void {
  const items: Record<string, unknown>[] = [];
  for (const principal of known) {
    if ('operator' in principal) {
      items.push({ ...keys.operator(principal.operator), userId: principal.operator });
    } else {
      items.push({ ...keys.user(principal.accountId, principal.userId), ...principal });
      items.push({ ...keys.account(principal.accountId), accountId: principal.accountId });
    }
  }
  (ddb as unknown as AwsStub<any, any, DynamoDBDocumentClient['config']>)
    .on(BatchGetCommand)
    .callsFake((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => {
      const wanted = input.RequestItems[table]?.Keys ?? [];
      const found = items.filter((item) => wanted.some((key) => key.pk === item.pk && key.sk === item.sk));
      return { Responses: { [table]: found } };
    });
}
