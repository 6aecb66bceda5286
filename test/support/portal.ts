// Starts the local runtime in this test file's process against the shared DynamoDB Local, on a fresh table,
// and gives tests a small HTTP client with the operator and account sign-ins they need; the client checks
// every answer against the committed OpenAPI document (./contract.ts).
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type RunningPortal, startPortal } from '../../infra/local/portal.js';
import { assertDescribed } from './contract.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is (no JSON encoding): text as UTF-8, or bytes exactly as given. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface TestAccount {
  accountId: string;
  admin: { userId: string; email: string; password: string; token: string };
  member: { userId: string; email: string; password: string; token: string };
}

export interface TestPortal {
  url: string;
  portal: RunningPortal;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  operatorToken(): Promise<string>;
  signIn(username: string, password: string): Promise<string>;
  /** An account with an administrator and a member ("Designers"), each signed in. */
  createAccount(name?: string): Promise<TestAccount>;
  issueLicense(
    accountId: string,
    product: string,
    seats: number,
    extra?: { validFrom?: string; termMonths?: number },
  ): Promise<any>;
  createUser(
    accountId: string,
    options: { roles?: string[]; admin?: boolean },
  ): Promise<{ userId: string; email: string; token: string }>;
  /** Users created by the back office without signing them in (seat tests need many users, not their tokens). */
  createUserIds(accountId: string, count: number, roles?: string[]): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startTestPortal(): Promise<TestPortal> {
  const portal = await startPortal({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `test-${randomUUID()}`,
    site: inject('dashboardSite'),
  });
  let operator: string | null = null;

  const call = async <T = any>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${portal.url}${path}`, { method, headers, body });
    const text = await response.text();
    // Every answer a test sees must be one the committed document describes.
    assertDescribed({ method, url: path, status: response.status, headers: response.headers, text });
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };

  const signIn = async (username: string, password: string) => {
    const response = await call<{ accessToken: string }>('POST', '/v1/auth/token', {
      body: { username, password },
    });
    if (response.status !== 200) throw new Error(`sign-in of ${username} failed: ${response.text}`);
    return response.body.accessToken;
  };

  const operatorToken = async () => {
    operator ??= await signIn('operator', 'operator');
    return operator;
  };

  const createUser = async (accountId: string, options: { roles?: string[]; admin?: boolean }) => {
    const email = `user-${randomUUID()}@example.com`;
    const password = 'correct-horse-battery';
    const response = await call('POST', `/v1/accounts/${accountId}/users`, {
      token: await operatorToken(),
      body: { email, password, roles: options.roles ?? [], admin: options.admin ?? false },
    });
    if (response.status !== 201) throw new Error(`creating a user failed: ${response.text}`);
    return { userId: response.body.userId as string, email, token: await signIn(email, password) };
  };

  return {
    url: portal.url,
    portal,
    call,
    operatorToken,
    signIn,
    createUser,
    async createAccount(name = 'Test Company') {
      const created = await call('POST', '/v1/accounts', { token: await operatorToken(), body: { name } });
      if (created.status !== 201) throw new Error(`creating an account failed: ${created.text}`);
      const accountId = created.body.accountId as string;
      const admin = await createUser(accountId, { roles: ['Administrators'], admin: true });
      const member = await createUser(accountId, { roles: ['Designers'], admin: false });
      return {
        accountId,
        admin: { ...admin, password: 'correct-horse-battery' },
        member: { ...member, password: 'correct-horse-battery' },
      };
    },
    async issueLicense(accountId, product, seats, extra = {}) {
      const response = await call('POST', `/v1/accounts/${accountId}/licenses`, {
        token: await operatorToken(),
        body: { product, seats, ...extra },
      });
      if (response.status !== 201) throw new Error(`issuing a license failed: ${response.text}`);
      return response.body;
    },
    async createUserIds(accountId, count, roles = []) {
      const token = await operatorToken();
      const create = async () => {
        const response = await call('POST', `/v1/accounts/${accountId}/users`, {
          token,
          body: {
            email: `user-${randomUUID()}@example.com`,
            password: 'correct-horse-battery',
            roles,
            admin: false,
          },
        });
        if (response.status !== 201) throw new Error(`creating a user failed: ${response.text}`);
        return response.body.userId as string;
      };
      const ids: string[] = [];
      for (let i = 0; i < count; i += 8) {
        ids.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, create))));
      }
      return ids;
    },
    stop: () => portal.stop(),
  };
}
