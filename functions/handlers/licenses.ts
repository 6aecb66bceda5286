// From cloud: an account's licenses as a NEXUS server's Add Licenses window lists them.
import { withStatus } from '../../domain/license.js';
import { storedCallers } from '../http/callers.js';
import { createGroupHandler } from '../http/handler.js';
import { tableContext } from '../store/client.js';
import { createLicenseStore } from '../store/licenses.js';
import { pageRequest } from '../store/paging.js';

export const handler = createGroupHandler('licenses', storedCallers, {
  listLicenses: async ({ query, caller, now }) => {
    const page = await createLicenseStore(tableContext()).list(
      caller.accountId,
      { product: query.product, validAt: query.validOnly === 'true' ? now : undefined },
      await pageRequest(query, {
        list: 'licenses',
        accountId: caller.accountId,
        filter: { product: query.product, validOnly: query.validOnly },
      }),
    );
    return {
      statusCode: 200,
      body: { licenses: page.items.map((license) => withStatus(license, now)), nextToken: page.nextToken },
    };
  },
  getLicense: async ({ params, caller, now }) => {
    const license = await createLicenseStore(tableContext()).require(caller.accountId, params.licenseId);
    return { statusCode: 200, body: withStatus(license, now) };
  },
});
