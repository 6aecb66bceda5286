// The audit log over HTTP: an account's events for its administrators, any account's for operators; JSON or CSV.
import { type AuditEvent, auditCsv, auditFilter } from '../../domain/audit.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { createAccountStore } from '../store/accounts.js';
import { createAuditStore } from '../store/audit.js';
import { tableContext } from '../store/client.js';
import type { Page } from '../store/paging.js';
import { pageRequest } from '../store/paging.js';

type AuditQuery = {
  from?: string | undefined;
  to?: string | undefined;
  action?: AuditEvent['action'] | undefined;
  limit?: string | undefined;
  nextToken?: string | undefined;
  format?: 'json' | 'csv' | undefined;
};

/**
 * Reads one page of `accountId`'s log for `query` (`list` names the list its page tokens are bound to). The query
 * and the token are checked (400) before `before` runs, then the page is read.
 */
async function auditPage(
  list: string,
  accountId: string,
  query: AuditQuery,
  now: Date,
  before: () => Promise<unknown> = async () => {},
): Promise<Page<AuditEvent>> {
  const filter = auditFilter(query);
  const page = await pageRequest(query, {
    list,
    accountId,
    filter: { from: filter.from, to: filter.to, action: filter.action },
  });
  await before();
  return createAuditStore(tableContext()).list(accountId, filter, page, now);
}

/** The page as API.md answers it: JSON `{"events","nextToken"}`, or with `format=csv` the same page as CSV. */
function answer(found: Page<AuditEvent>, format: AuditQuery['format']) {
  if (format === 'csv') {
    return {
      statusCode: 200 as const,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="audit.csv"',
        ...(found.nextToken ? { 'x-next-token': found.nextToken } : {}),
      },
      text: auditCsv(found.items),
    };
  }
  return { statusCode: 200 as const, body: { events: found.items, nextToken: found.nextToken } };
}

export const handler = createGroupHandler('audit', storedCallers, {
  listAudit: async ({ query, caller, now }) =>
    answer(await auditPage('audit', caller.accountId, query, now), query.format),

  // API.md's order: a bad query or page token (400) before an unknown account (404).
  listAccountAudit: async ({ params, query, now }) =>
    answer(
      await auditPage('account-audit', params.accountId, query, now, () =>
        createAccountStore(tableContext()).require(params.accountId),
      ),
      query.format,
    ),
});
