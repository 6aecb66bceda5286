// The one guarded write of the seat lifecycle, as data: what a decision changes, item by item, each change with
// its condition and a name. The store carries it out as ONE TransactWriteItems and reports failures by name
// (docs/seat-protocol.md "write"). Nothing here does I/O.
import type { AuditRecord } from './audit.js';
import { and, type Condition, type ConditionValue } from './conditions.js';
import type { Client, EndReason, SeatHolder, Session } from './sessions.js';

/** The items a seat write touches, by what they are (functions/store/keys.ts turns each into a key). */
export type ItemRef =
  | { type: 'license'; accountId: string; licenseId: string }
  | { type: 'assignment'; accountId: string; licenseId: string; assignmentId: string }
  | { type: 'server'; accountId: string; serverId: string }
  | { type: 'user'; accountId: string; userId: string }
  | { type: 'session'; accountId: string; sessionId: string }
  | { type: 'seatLock'; accountId: string; userId: string; product: string; machineId: string }
  | { type: 'expiry'; accountId: string; holdsUntil: string; sessionId: string };

/** A refused sign-in, kept for the usage report (API.md: "counted once, in the row of the first license"). */
export interface Denial {
  accountId: string;
  licenseId: string;
  userId: string;
  roles: string[];
  serverId: string;
  product: string;
  /** ISO time. */
  at: string;
  /** Makes two denials at the same millisecond two items. */
  nonce: string;
}

/** How a session item changes in a write. */
export interface SessionUpdate {
  /** New values (the store keeps the item's index attributes in step with them). */
  expiresAt?: string;
  lastSeenAt?: string;
  roamingUntil?: string;
  licenseId?: string;
  assignmentId?: string;
  adminConnection?: boolean;
  /** The session's new version (every change but an end bumps it; the Expiry item carries the same). */
  version?: number;
  addClient?: Client;
  /** Ends the session: it leaves every live index and keeps its history. */
  end?: { endedAt: string; endReason: EndReason };
}

/** One item's change. Every change has a name: a failed condition comes back as that name. */
export type Change =
  | {
      op: 'counters';
      name: string;
      ref: ItemRef;
      /** Counter attribute → net change (one operation per item: contributions are summed). */
      add: Record<string, number>;
      set: Record<string, ConditionValue>;
      remove: string[];
      condition: Condition;
    }
  | { op: 'check'; name: string; ref: ItemRef; condition: Condition; returnItem: boolean }
  | { op: 'delete'; name: string; ref: ItemRef; condition: Condition }
  | { op: 'putSession'; name: string; session: Session }
  | { op: 'putExpiry'; name: string; holder: SeatHolder }
  | { op: 'putLock'; name: string; ref: Extract<ItemRef, { type: 'seatLock' }>; sessionId: string }
  | {
      op: 'updateSession';
      name: string;
      ref: Extract<ItemRef, { type: 'session' }>;
      update: SessionUpdate;
      condition: Condition;
    }
  | { op: 'updateExpiry'; name: string; ref: Extract<ItemRef, { type: 'expiry' }>; holder: SeatHolder }
  | { op: 'putDenial'; name: string; denial: Denial }
  | { op: 'putAudit'; name: string; record: AuditRecord };

/** A whole write: at most 100 changes (DynamoDB's transaction limit), one per item. */
export interface SeatWrite {
  changes: Change[];
}

/** A stable string per item, so that two contributions to one item merge into one change. */
export function refKey(ref: ItemRef): string {
  switch (ref.type) {
    case 'license':
      return `license|${ref.licenseId}`;
    case 'assignment':
      return `assignment|${ref.licenseId}|${ref.assignmentId}`;
    case 'server':
      return `server|${ref.serverId}`;
    case 'user':
      return `user|${ref.userId}`;
    case 'session':
      return `session|${ref.sessionId}`;
    case 'seatLock':
      return `seatLock|${ref.userId}|${ref.product}|${ref.machineId}`;
    case 'expiry':
      return `expiry|${ref.holdsUntil}|${ref.sessionId}`;
  }
}

/** One contribution to a counter item: a change of its counters and the condition it needs, given the net. */
export interface CounterContribution {
  name: string;
  ref: ItemRef;
  add?: Record<string, number>;
  set?: Record<string, ConditionValue>;
  remove?: string[];
  /** The condition this contribution needs, knowing the item's net change per counter. */
  condition: (net: Readonly<Record<string, number>>) => Condition;
}

/**
 * Collects the changes of one write. Counter contributions to the same item are merged into one change (their
 * counters summed, their conditions judged on the net change and AND-ed; the first contribution's name wins),
 * because a transaction may touch an item once: a reclaim that frees a seat of the license it takes nets 0.
 */
export class SeatWriteBuilder {
  private readonly counters = new Map<string, CounterContribution[]>();
  private readonly others: Change[] = [];

  /** Adds a counter contribution (see CounterContribution). */
  counter(contribution: CounterContribution): this {
    const key = refKey(contribution.ref);
    const list = this.counters.get(key) ?? [];
    list.push(contribution);
    this.counters.set(key, list);
    return this;
  }

  /** Adds a change that is not a counter (a put, a delete, a check, a session update). */
  change(change: Change): this {
    this.others.push(change);
    return this;
  }

  /** The write; throws when two non-counter changes touch one item (a planning bug, never a user's error). */
  build(): SeatWrite {
    const changes: Change[] = [];
    for (const list of this.counters.values()) {
      const first = list[0];
      if (!first) continue;
      const add: Record<string, number> = {};
      const set: Record<string, ConditionValue> = {};
      const remove = new Set<string>();
      for (const c of list) {
        for (const [name, delta] of Object.entries(c.add ?? {})) add[name] = (add[name] ?? 0) + delta;
        for (const name of c.remove ?? []) remove.add(name);
      }
      // A value set by one contribution wins over another's removal of it (a new administrative connection
      // replacing the reclaimed one).
      for (const c of list) Object.assign(set, c.set ?? {});
      for (const name of Object.keys(set)) remove.delete(name);
      changes.push({
        op: 'counters',
        name: first.name,
        ref: first.ref,
        add,
        set,
        remove: [...remove],
        condition: and(...list.map((c) => c.condition(add))),
      });
    }
    changes.push(...this.others);
    const seen = new Set<string>();
    for (const change of changes) {
      const ref = refOfChange(change);
      if (!ref) continue;
      const key = refKey(ref);
      if (seen.has(key)) throw new Error(`seat write touches ${key} twice`);
      seen.add(key);
    }
    return { changes };
  }
}

/** The item a change touches (denials and audit records are always new items of their own). */
export function refOfChange(change: Change): ItemRef | null {
  switch (change.op) {
    case 'counters':
    case 'check':
    case 'delete':
    case 'putLock':
    case 'updateSession':
    case 'updateExpiry':
      return change.ref;
    case 'putSession':
      return { type: 'session', accountId: change.session.accountId, sessionId: change.session.sessionId };
    case 'putExpiry':
      return expiryRef(change.holder);
    case 'putDenial':
    case 'putAudit':
      return null;
  }
}

/** The Expiry item of a holder (keyed by the time it holds its seat until). */
export function expiryRef(
  holder: Pick<SeatHolder, 'accountId' | 'sessionId' | 'expiresAt' | 'roamingUntil'>,
) {
  const holdsUntil =
    holder.roamingUntil && holder.roamingUntil > holder.expiresAt ? holder.roamingUntil : holder.expiresAt;
  return { type: 'expiry' as const, accountId: holder.accountId, holdsUntil, sessionId: holder.sessionId };
}

/** What a write's outcome tells the caller: nothing failed, or which named changes failed and what came back. */
export type WriteOutcome =
  | { ok: true }
  | {
      ok: false;
      /** Names of the changes whose condition failed. */
      failed: string[];
      /** For failed changes that asked for it: the item as it was (e.g. the seat lock's holder). */
      returned: Record<string, Record<string, unknown>>;
    };
