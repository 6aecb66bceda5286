// nextToken <-> DynamoDB LastEvaluatedKey; a token is only accepted for the partition it was issued for.
import { InvalidRequestError } from '../../domain/errors.js';

export interface PageRequest {
  limit: number;
  nextToken?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;

export function pageRequest(
  query: { limit?: string | undefined; nextToken?: string | undefined } | undefined,
): PageRequest {
  return { limit: query?.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE, nextToken: query?.nextToken };
}

export function encodeToken(lastKey: Record<string, unknown> | undefined): string | null {
  if (!lastKey) return null;
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

/** partition: the attribute and value every key in the token must carry, so a token cannot read elsewhere. */
export function decodeToken(
  token: string | undefined,
  partition: { attribute: string; value: string },
): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (
      key &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      (key as Record<string, unknown>)[partition.attribute] === partition.value &&
      Object.values(key).every((v) => typeof v === 'string' || typeof v === 'number')
    ) {
      return key as Record<string, unknown>;
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidRequestError('nextToken is not one this list issued; start again without it.');
}
