// Activations (a license's signed .alf file for one host) and their idempotency records, written together.
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../domain/audit.js';
import { IdempotencyKeyReusedError } from '../../domain/errors.js';
import type { TableContext } from './client.js';
import { auditPut } from './audit.js';
import { failedConditions } from './errors.js';
import { keys } from './keys.js';

export interface Activation {
  activationId: string;
  accountId: string;
  licenseId: string;
  hostId: string;
  hostName?: string | undefined;
  fileName: string;
  /** The signed file, byte for byte as it was first handed out. */
  alf: string;
  createdAt: string;
}

/** An idempotency-key, hashed (the raw header value is the caller's and is not stored), and the body it came with. */
export interface IdempotencyClaim {
  keyHash: string;
  requestHash: string;
}

function activationFromItem(item: Record<string, unknown>): Activation {
  return {
    activationId: item.activationId as string,
    accountId: item.accountId as string,
    licenseId: item.licenseId as string,
    hostId: item.hostId as string,
    ...(typeof item.hostName === 'string' ? { hostName: item.hostName } : {}),
    fileName: item.fileName as string,
    alf: item.alf as string,
    createdAt: item.createdAt as string,
  };
}

export function createActivationStore({ doc, table }: TableContext) {
  const store = {
    async get(accountId: string, activationId: string): Promise<Activation | null> {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: table,
          Key: keys.activation(accountId, activationId),
          ConsistentRead: true,
        }),
      );
      return Item ? activationFromItem(Item) : null;
    },

    /**
     * The activation an earlier request with this idempotency-key made, if any; a key first used with another
     * body → IdempotencyKeyReusedError.
     */
    async replay(accountId: string, licenseId: string, claim: IdempotencyClaim): Promise<Activation | null> {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: table,
          Key: keys.idempotency(accountId, licenseId, claim.keyHash),
          ConsistentRead: true,
        }),
      );
      if (!Item) return null;
      if (Item.requestHash !== claim.requestHash) throw new IdempotencyKeyReusedError();
      return store.get(accountId, Item.activationId as string);
    },

    /**
     * Records a new activation with its audit record (`activation.created`). With an idempotency claim, the claim,
     * the activation and the record are written in one transaction on the condition that the claim is new; when
     * another request won the claim, that request's activation is returned instead (created: false, nothing
     * written, no second record), so every retry hands out the same bytes.
     */
    async create(
      activation: Activation,
      claim: IdempotencyClaim | null,
      audit: AuditRecord,
    ): Promise<{ activation: Activation; created: boolean }> {
      const activationPut = {
        TableName: table,
        Item: {
          ...keys.activation(activation.accountId, activation.activationId),
          entity: 'Activation',
          ...activation,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      if (!claim) {
        await doc.send(
          new TransactWriteCommand({ TransactItems: [{ Put: activationPut }, auditPut(table, audit)] }),
        );
        return { activation, created: true };
      }
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...keys.idempotency(activation.accountId, activation.licenseId, claim.keyHash),
                    entity: 'Idempotency',
                    activationId: activation.activationId,
                    requestHash: claim.requestHash,
                    createdAt: activation.createdAt,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: activationPut },
              auditPut(table, audit),
            ],
          }),
        );
        return { activation, created: true };
      } catch (error) {
        if (!failedConditions(error, ['idempotency', 'activation', 'audit'])?.includes('idempotency'))
          throw error;
        const earlier = await store.replay(activation.accountId, activation.licenseId, claim);
        if (!earlier) throw error;
        return { activation: earlier, created: false };
      }
    },
  };
  return store;
}

export type ActivationStore = ReturnType<typeof createActivationStore>;
