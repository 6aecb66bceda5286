// A sign-in's catalogue: the account's licenses, assignments, servers and holdings, in ONE Query.
import type { Assignment } from '../../domain/assignments.js';
import type { License } from '../../domain/license.js';
import { assignmentFromItem } from './assignments.js';
import type { TableContext } from './client.js';
import { keys } from './keys.js';
import { licenseFromItem } from './licenses.js';
import { queryAll } from './query.js';
import { type Holding, holdingFromItem, type Server, serverFromItem } from './servers.js';

export interface AccountCatalog {
  licenses: License[];
  /** Live assignments only (deleted ones are kept as tombstones and left out here). */
  assignments: Assignment[];
  servers: Server[];
  /** Every holding of every server of the account, released ones included. */
  holdings: Holding[];
}

export function createCatalogStore({ doc, table }: TableContext) {
  return {
    /** Strongly consistent, so a sign-in sees every license and assignment written before it arrived. */
    async read(accountId: string): Promise<AccountCatalog> {
      const prefix = keys.catalog(accountId);
      const items = await queryAll(doc, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': prefix.pk, ':sk': prefix.sk },
        ConsistentRead: true,
      });
      const catalog: AccountCatalog = { licenses: [], assignments: [], servers: [], holdings: [] };
      for (const item of items) {
        if (item.entity === 'License') catalog.licenses.push(licenseFromItem(item));
        else if (item.entity === 'Assignment' && !item.deletedAt)
          catalog.assignments.push(assignmentFromItem(item));
        else if (item.entity === 'Server') catalog.servers.push(serverFromItem(item));
        else if (item.entity === 'Holding') catalog.holdings.push(holdingFromItem(item));
      }
      return catalog;
    },
  };
}
