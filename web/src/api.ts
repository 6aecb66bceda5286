// The typed client the views call (client/: openapi-fetch over docs/openapi.json), signing each request with the
// current token and reporting a 401 so that the page signs out.
import {
  createPortalClient,
  ok,
  type operations,
  type PortalClient,
  type Schemas,
} from '../../client/index.js';

/** The client of the page's own origin. `token` is asked before each request; `onUnauthorized` after a 401. */
export function createApi(token: () => string | undefined, onUnauthorized: () => void): PortalClient {
  const client = createPortalClient({ baseUrl: location.origin, token });
  client.use({
    onResponse({ request, response }) {
      // A 401 on a signed request means the token ended or was revoked (a failed sign-in is unsigned).
      if (response.status === 401 && request.headers.has('authorization')) onUnauthorized();
      return response;
    },
  });
  return client;
}

/** Hands text to the browser as a download with the given file name. */
export function saveFile(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * POST /v1/servers/{serverId}/license-files ("From file"): the .alf text exactly as read, as text/plain (the
 * client's default would send JSON). `fresh` is false when the server held the license already (200).
 */
export async function importLicenseFile(
  api: PortalClient,
  serverId: string,
  alf: string,
): Promise<{ license: Schemas['ImportedLicense']; fresh: boolean }> {
  const answer = await api.POST('/v1/servers/{serverId}/license-files', {
    params: { path: { serverId } },
    body: alf,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    bodySerializer: (body: string) => body,
  });
  // ok() reads the status: it throws the portal's error, or hands the license over.
  const license = await ok(Promise.resolve(answer));
  return { license, fresh: answer.response.status === 201 };
}

/** The audit log's filters, as GET /v1/audit takes them. */
export type AuditQuery = Omit<NonNullable<operations['listAudit']['parameters']['query']>, 'format'>;

/** One page of the audit log as CSV (header row first) and the next page's token (`x-next-token`). */
export async function auditCsvPage(
  api: PortalClient,
  query: AuditQuery,
): Promise<{ csv: string; nextToken: string | null }> {
  const answer = await api.GET('/v1/audit', {
    params: { query: { ...query, format: 'csv' } },
    parseAs: 'text',
  });
  const csv = await ok(Promise.resolve(answer));
  return { csv, nextToken: answer.response.headers.get('x-next-token') };
}
