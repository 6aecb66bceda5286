// Usage reports: rows per license per UTC hour or day, as JSON or CSV, from rollups and live records.
import { checkRange, toCsv } from '../../domain/usage.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { tableContext } from '../store/client.js';
import { createLicenseStore } from '../store/licenses.js';
import { usageReport } from '../use-cases/usage-report.js';

export const handler = createGroupHandler('reports', storedCallers, {
  usageReport: async ({ query, caller, now }) => {
    const from = new Date(query.from);
    const to = new Date(query.to);
    checkRange(from, to, query.interval);
    const context = tableContext();
    const licenses = createLicenseStore(context);
    const licenseIds = query.licenseId
      ? [(await licenses.require(caller.accountId, query.licenseId)).licenseId]
      : (await licenses.listAll(caller.accountId)).filter((l) => l.kind !== 'server').map((l) => l.licenseId);
    const rows = await usageReport(context, {
      accountId: caller.accountId,
      licenseIds,
      from,
      to,
      interval: query.interval,
      role: query.role,
      now,
    });
    if (query.format === 'csv') {
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="usage.csv"',
        },
        text: toCsv(rows),
      };
    }
    return { statusCode: 200, body: { rows } };
  },
});
