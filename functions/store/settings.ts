// The account's license-manager settings: one item in the catalogue range, so a sign-in reads them with the rest.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { failedConditions } from './errors.js';
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
  /**
   * The settings with the version they were read at (0 before any change), for `replace`, and the ISO time of
   * the change that wrote them (null before any).
   */
  async function read(
    accountId: string,
  ): Promise<{ settings: LicenseManagerSettings; version: number; updatedAt: string | null }> {
    const { Item } = await doc.send(
      new GetCommand({ TableName: table, Key: keys.settings(accountId), ConsistentRead: true }),
    );
    return {
      settings: settingsFromItem(Item),
      version: typeof Item?.version === 'number' ? Item.version : 0,
      updatedAt: typeof Item?.updatedAt === 'string' ? Item.updatedAt : null,
    };
  }

  return {
    /** The account's settings (defaults when never set). */
    async get(accountId: string): Promise<LicenseManagerSettings> {
      return (await read(accountId)).settings;
    },

    read,

    /**
     * Replaces the settings read at `version` (the caller merged a change into them), with its audit record. false
     * when they changed since (another PUT won): read them again, so that no change is lost.
     */
    async replace(
      accountId: string,
      settings: LicenseManagerSettings,
      version: number,
      audit: AuditRecord,
    ): Promise<boolean> {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.settings(accountId),
                    entity: 'Settings',
                    accountId,
                    ...settings,
                    version: version + 1,
                    updatedAt: audit.at,
                  },
                  ConditionExpression: version === 0 ? 'attribute_not_exists(version)' : 'version = :version',
                  ...(version === 0 ? {} : { ExpressionAttributeValues: { ':version': version } }),
                },
              },
              auditPut(table, audit),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (failedConditions(error, ['settings', 'audit'])?.includes('settings')) return false;
        throw error;
      }
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
