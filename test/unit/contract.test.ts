// The answer check of the integration tests: what the committed document does not describe is refused, with a
// message naming the route, the status and what is wrong.
import { describe, expect, it } from 'vitest';
import { Contract, type Exchange } from '../support/contract.js';

const contract = Contract.load();
const json = { 'content-type': 'application/json' };

function answer(
  method: string,
  url: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = json,
): Exchange {
  return {
    method,
    url,
    status,
    headers: new Headers(headers),
    text: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

const license = {
  licenseId: 'lic_1',
  accountId: 'acc_1',
  product: 'Altium NEXUS Server CAL',
  kind: 'cal',
  seats: 5,
  used: 0,
  activationCode: 'NX-AAAA-BBBB-CCCC-DDDD',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  status: 'valid',
};
const busy = { error: { code: 'busy', message: 'Retry after a moment.' } };

describe('the answer check against docs/openapi.json', () => {
  it('accepts answers the document describes, on templated paths with a query', () => {
    expect(contract.problemsOf(answer('GET', '/v1/licenses/lic_1', 200, license))).toEqual([]);
    expect(
      contract.problemsOf(
        answer('GET', '/v1/licenses?limit=5', 200, { licenses: [license], nextToken: null }),
      ),
    ).toEqual([]);
    expect(
      contract.problemsOf(
        answer('POST', '/v1/servers/srv_1/sessions', 503, busy, { ...json, 'retry-after': '1' }),
      ),
    ).toEqual([]);
    expect(contract.problemsOf(answer('DELETE', '/v1/sessions/ses_1', 204, ''))).toEqual([]);
  });

  it('refuses a field the document lacks, naming route, status and field', () => {
    const [problem] = contract.problemsOf(
      answer('GET', '/v1/licenses/lic_1', 200, { ...license, secret: 'x' }),
    );
    expect(problem).toContain('GET /v1/licenses/{licenseId} (getLicense) answered 200');
    expect(problem).toContain('"secret"');
  });

  it('refuses a missing field, a wrong type and a time that is not date-time', () => {
    const { used: _used, ...withoutUsed } = license;
    expect(contract.problemsOf(answer('GET', '/v1/licenses/lic_1', 200, withoutUsed)).join()).toContain(
      'used',
    );
    expect(
      contract.problemsOf(answer('GET', '/v1/licenses/lic_1', 200, { ...license, seats: '5' })).join(),
    ).toContain('/seats must be integer');
    expect(
      contract
        .problemsOf(answer('GET', '/v1/licenses/lic_1', 200, { ...license, validUntil: 'next year' }))
        .join(),
    ).toContain('date-time');
  });

  it('refuses an undocumented status (a 500 is always a bug) and an error code another status owns', () => {
    expect(
      contract
        .problemsOf(answer('GET', '/health', 500, { error: { code: 'internal_error', message: 'x' } }))
        .join(),
    ).toContain('describes no 500');
    expect(contract.problemsOf(answer('POST', '/v1/servers/srv_1/sessions', 409, busy)).join()).toContain(
      '/error/code must be equal to constant "seats_exhausted"',
    );
  });

  it('refuses a missing required header and an undocumented media type', () => {
    expect(contract.problemsOf(answer('POST', '/v1/servers/srv_1/sessions', 503, busy)).join()).toContain(
      'header retry-after is missing',
    );
    expect(
      contract
        .problemsOf(
          answer('GET', '/v1/activations/act_1/alf', 200, 'Account: a\n', { 'content-type': 'text/plain' }),
        )
        .join(),
    ).toContain('content-disposition is missing');
    expect(
      contract.problemsOf(answer('GET', '/health', 200, 'ok', { 'content-type': 'text/plain' })).join(),
    ).toContain('content-type "text/plain" is not among the documented application/json');
  });

  it('accepts the error body on a path the document lacks, and nothing else there', () => {
    const notFound = { error: { code: 'not_found', message: 'No route.' } };
    expect(contract.problemsOf(answer('GET', '/v1/nothing-here', 404, notFound))).toEqual([]);
    expect(contract.problemsOf(answer('PATCH', '/v1/licenses', 404, notFound))).toEqual([]);
    expect(contract.problemsOf(answer('GET', '/v1/nothing-here', 200, { ok: true })).join()).toContain(
      'only 404 not_found',
    );
  });
});
