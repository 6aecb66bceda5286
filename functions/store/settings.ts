// The account's license-manager settings: one item in the catalogue range, so a sign-in reads them with the rest.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../domain/audit.js';
import { auditPut } from './audit.js';
import { DEFAULT_SETTINGS, type LicenseManagerSettings } from '../../domain/settings.js';
import type { TableContext } from './client.js';
import { keys } from './keys.js';

/** Settings from their item; an account that never changed them has the defaults (API.md). */
export function settingsFromItem(item: Record<string, unknown> | undefined): LicenseManagerSettings {
  return {
    autoAssignAllUsers:
      typeof item?.autoAssignAllUsers === 'boolean'
        ? item.autoAssignAllUsers
        : DEFAULT_SETTINGS.autoAssignAllUsers,
    sessionTimeoutMinutes:
      typeof item?.sessionTimeoutMinutes === 'number'
        ? item.sessionTimeoutMinutes
        : DEFAULT_SETTINGS.sessionTimeoutMinutes,
  };
}

export function createSettingsStore({ doc, table }: TableContext) {
  return {
    /** The account's settings (defaults when never set). */
    async get(accountId: string): Promise<LicenseManagerSettings> {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.settings(accountId), ConsistentRead: true }),
      );
      return settingsFromItem(Item);
    },

    /** Replaces the settings (the caller merged a partial change into the current ones), with its audit record. */
    async put(accountId: string, settings: LicenseManagerSettings, audit: AuditRecord): Promise<void> {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { ...keys.settings(accountId), entity: 'Settings', accountId, ...settings },
              },
            },
            auditPut(table, audit),
          ],
        }),
      );
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
