// What the hourly check reads and writes through, and its time budget: the store's repositories and the one
// seat-leasing path (every session it ends goes through it).
import type { User } from '../../../domain/account.js';
import type { AuditRecord } from '../../../domain/audit.js';
import type { License } from '../../../domain/license.js';
import type { Holding, Server } from '../../../domain/server-status.js';
import type { SeatHolder } from '../../../domain/sessions.js';
import type { SeatWrite, WriteOutcome } from '../../../domain/seat-write.js';
import type { DueStore } from '../../store/due.js';
import type { HourlyRunStore } from '../../store/hourly-runs.js';
import type { UsageStore } from '../../store/usage.js';
import type { SeatLeasing } from '../../use-cases/seat-leasing.js';

export interface HourlyCheckPorts {
  runs: HourlyRunStore;
  due: DueStore;
  usage: UsageStore;
  leasing: Pick<SeatLeasing, 'endHolder'>;
  ledger: { write(write: SeatWrite): Promise<WriteOutcome> };
  licenses: {
    get(accountId: string, licenseId: string): Promise<License | null>;
    listAll(accountId: string): Promise<License[]>;
    markExpired(accountId: string, licenseId: string, at: Date, audit: AuditRecord): Promise<boolean>;
  };
  servers: {
    listAll(accountId: string): Promise<Server[]>;
    holdings(accountId: string, serverId: string): Promise<Holding[]>;
    markRestricted(accountId: string, serverId: string, at: Date): Promise<void>;
    markLapsed(
      accountId: string,
      serverId: string,
      asOf: string,
      at: Date,
      audit: AuditRecord,
    ): Promise<boolean>;
  };
  sessions: { liveHolders(accountId: string, only?: { serverId?: string }): Promise<SeatHolder[]> };
  users: { get(accountId: string, userId: string): Promise<User | null> };
  newId(prefix: string): string;
}

/** A run's time budget: past it, a step stops taking work and the run answers complete: false. */
export interface Budget {
  overtime(): boolean;
}

/** A budget that ends at `deadline` (epoch ms, real time); none when undefined. */
export function budgetUntil(deadline: number | undefined): Budget {
  return { overtime: () => deadline !== undefined && Date.now() > deadline };
}
