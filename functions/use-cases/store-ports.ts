// Wires the use cases to the DynamoDB repositories of one table: the composition each Lambda (and the local
// runtime) uses. Kept once per table so that process-level sharing (catalogue reads, users) spans requests.
import { now } from '../runtime/clock.js';
import { createAccountStore } from '../store/accounts.js';
import { createAssignmentStore } from '../store/assignments.js';
import { createCatalogStore } from '../store/catalog.js';
import type { TableContext } from '../store/client.js';
import { createDueStore } from '../store/due.js';
import { createHourlyRunStore } from '../store/hourly-runs.js';
import { newId } from '../store/ids.js';
import { createLicenseStore } from '../store/licenses.js';
import { createSeatLedger } from '../store/seat-ledger.js';
import { createServerStore } from '../store/servers.js';
import { createSessionStore } from '../store/sessions.js';
import { createSettingsStore } from '../store/settings.js';
import { createCredentialStore } from '../store/credentials.js';
import { createPrincipalStore } from '../store/principals.js';
import { createRateLimiter } from '../store/rate-limits.js';
import { serverKeys } from '../identity/server-keys.js';
import { createServerCredentials, type ServerCredentials } from './server-credentials.js';
import { createUsageStore, type Meter, newMeter } from '../store/usage.js';
import type { HourlyCheckPorts } from '../jobs/hourly-check/ports.js';
import { createSeatLeasing, type SeatLeasing, type SeatLeasingPorts } from './seat-leasing.js';

/** The seat-leasing ports of a table. */
export function seatLeasingPorts(ctx: TableContext): SeatLeasingPorts {
  const accounts = createAccountStore(ctx);
  return {
    scope: ctx.table,
    catalogue: createCatalogStore(ctx),
    ledger: createSeatLedger(ctx),
    sessions: createSessionStore(ctx),
    users: { get: (accountId, userId) => accounts.getUser(accountId, userId) },
    licenses: createLicenseStore(ctx),
    assignments: createAssignmentStore(ctx),
    settings: createSettingsStore(ctx),
    servers: createServerStore(ctx),
    newId,
    clock: now,
  };
}

const leasingByTable = new Map<string, { ctx: TableContext; leasing: SeatLeasing }>();

/** The seat leasing of a table (one per table and client per process). */
export function seatLeasingFor(ctx: TableContext): SeatLeasing {
  const known = leasingByTable.get(ctx.table);
  if (known && known.ctx === ctx) return known.leasing;
  const leasing = createSeatLeasing(seatLeasingPorts(ctx));
  leasingByTable.set(ctx.table, { ctx, leasing });
  return leasing;
}

/** The hourly check's ports of a table; `meter` counts the items its steps read and write (bench, logs). */
export function hourlyCheckPortsFor(ctx: TableContext, meter: Meter = newMeter()): HourlyCheckPorts {
  const accounts = createAccountStore(ctx);
  return {
    runs: createHourlyRunStore(ctx, meter),
    due: createDueStore(ctx, meter),
    usage: createUsageStore(ctx, meter),
    leasing: seatLeasingFor(ctx),
    ledger: createSeatLedger(ctx),
    licenses: createLicenseStore(ctx),
    servers: createServerStore(ctx),
    sessions: createSessionStore(ctx),
    users: { get: (accountId, userId) => accounts.getUser(accountId, userId) },
    newId,
  };
}

/** The server credential use cases of a table (functions/use-cases/server-credentials.ts). */
export function serverCredentialsFor(ctx: TableContext): ServerCredentials {
  return createServerCredentials({
    credentials: createCredentialStore(ctx),
    principals: createPrincipalStore(ctx),
    servers: createServerStore(ctx),
    limiter: createRateLimiter(ctx),
    keys: serverKeys,
    newId,
  });
}
