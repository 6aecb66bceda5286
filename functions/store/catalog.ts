// A sign-in's catalogue: the account's licenses, assignments, servers, holdings, settings and the Expiry items
// of its expired sessions, in ONE strongly consistent Query (docs/seat-protocol.md "The catalogue read").
import type { Catalogue } from '../../domain/sign-in.js';
import { assignmentFromItem } from './assignments.js';
import type { TableContext } from './client.js';
import { keys } from './keys.js';
import { licenseFromItem } from './licenses.js';
import { queryAll } from './query.js';
import { holderFromItem } from './seat-items.js';
import { holdingFromItem, serverFromItem } from './servers.js';
import { settingsFromItem } from './settings.js';

export function createCatalogStore({ doc, table }: TableContext) {
  return {
    /**
     * The catalogue as of `asOf`: everything a sign-in decides on, with the Expiry items of the sessions that
     * hold their seat no later than asOf (expired at asOf). Strongly consistent, so it sees every write that
     * committed before the read began.
     */
    async read(accountId: string, asOf: Date): Promise<Catalogue> {
      const range = keys.catalogRange(accountId, asOf.toISOString());
      const items = await queryAll(doc, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': range.pk, ':from': range.from, ':to': range.to },
        ConsistentRead: true,
      });
      const catalogue: Catalogue = {
        licenses: [],
        assignments: [],
        servers: [],
        holdings: [],
        settings: settingsFromItem(undefined),
        expired: [],
      };
      for (const item of items) {
        switch (item.entity) {
          case 'License':
            catalogue.licenses.push(licenseFromItem(item));
            break;
          case 'Assignment':
            if (!item.deletedAt) catalogue.assignments.push(assignmentFromItem(item));
            break;
          case 'Server':
            catalogue.servers.push(serverFromItem(item));
            break;
          case 'Holding':
            catalogue.holdings.push(holdingFromItem(item));
            break;
          case 'Settings':
            catalogue.settings = settingsFromItem(item);
            break;
          case 'Expiry':
            catalogue.expired.push(holderFromItem(item));
            break;
        }
      }
      return catalogue;
    },
  };
}

export type CatalogStore = ReturnType<typeof createCatalogStore>;
