// Account administration's rules (domain/users.ts) and its order of writes (functions/use-cases/users.ts), with
// doubles for the store, the identity provider and seat leasing.
import { describe, expect, it } from 'vitest';
import type { User } from '../../domain/account.js';
import { holds } from '../../domain/conditions.js';
import { LastAdminError, NotFoundError } from '../../domain/errors.js';
import {
  adminCounterCondition,
  adminDeltaOf,
  countEnabledAdmins,
  lastAdminRefusal,
  newUser,
  planUserChange,
  userAsStored,
} from '../../domain/users.js';
import type { IdentityProvider } from '../../functions/identity/provider.js';
import type { Page } from '../../functions/store/paging.js';
import { AdminCounterRefusedError, UserChangedError } from '../../functions/store/users.js';
import { createUserAdministration, type UserAdministrationPorts } from '../../functions/use-cases/users.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');

function user(overrides: Partial<User> = {}): User {
  return {
    userId: 'usr_1',
    accountId: 'acc_1',
    email: 'ada@example.com',
    name: 'Ada',
    roles: ['All Users', 'Designers'],
    admin: false,
    disabled: false,
    profileVersion: 3,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('newUser', () => {
  it('lower-cases the email, adds All Users once, defaults name and admin, starts enabled at version 0', () => {
    expect(
      newUser(
        { email: ' Dana@ACME.example ', roles: ['Designers', 'All Users'] },
        { accountId: 'a', userId: 'u' },
        NOW,
      ),
    ).toEqual({
      userId: 'u',
      accountId: 'a',
      email: 'dana@acme.example',
      name: '',
      roles: ['All Users', 'Designers'],
      admin: false,
      disabled: false,
      profileVersion: 0,
      createdAt: NOW.toISOString(),
    });
  });
});

describe('planUserChange (PATCH semantics)', () => {
  it('changes only the named fields and raises profileVersion once', () => {
    const plan = planUserChange(user(), { name: 'Ada L.' });
    expect(plan).toMatchObject({
      kind: 'change',
      after: { ...user(), name: 'Ada L.', profileVersion: 4 },
      adminDelta: 0,
      endsSessions: false,
      changes: { name: { from: 'Ada', to: 'Ada L.' } },
    });
  });

  it('keeps All Users first in new roles, and a patch naming the values as they are is unchanged', () => {
    const roles = planUserChange(user(), { roles: ['Librarians'] });
    expect(roles.kind === 'change' && roles.after.roles).toEqual(['All Users', 'Librarians']);
    expect(planUserChange(user(), { roles: ['Designers'], admin: false, name: 'Ada' })).toEqual({
      kind: 'unchanged',
      user: user(),
    });
  });

  it.each([
    ['promoting', user(), { admin: true }, 1, false],
    ['demoting', user({ admin: true }), { admin: false }, -1, false],
    ['disabling an administrator', user({ admin: true }), { disabled: true }, -1, true],
    ['disabling a member', user(), { disabled: true }, 0, true],
    ['enabling an administrator', user({ admin: true, disabled: true }), { disabled: false }, 1, false],
    ['promoting a disabled user', user({ disabled: true }), { admin: true }, 0, false],
    ['demoting and disabling at once', user({ admin: true }), { admin: false, disabled: true }, -1, true],
  ] as const)('%s moves the enabled administrators by %i', (_name, before, patch, delta, ends) => {
    const plan = planUserChange(before, patch);
    expect(plan.kind).toBe('change');
    if (plan.kind !== 'change') return;
    expect(plan.adminDelta).toBe(delta);
    expect(plan.endsSessions).toBe(ends);
  });
});

describe('the last enabled administrator', () => {
  it('refuses taking away the only one, allows it while another is left, never refuses the rest', () => {
    expect(lastAdminRefusal(-1, 1)).toBeInstanceOf(LastAdminError);
    expect(lastAdminRefusal(-1, 2)).toBeNull();
    expect(lastAdminRefusal(0, 1)).toBeNull();
    expect(lastAdminRefusal(1, 0)).toBeNull();
  });

  it('guards the counter: going down needs two or more, going up needs it written', () => {
    const down = adminCounterCondition(-1);
    expect(holds(down, { enabledAdmins: 2 })).toBe(true);
    expect(holds(down, { enabledAdmins: 1 })).toBe(false);
    expect(holds(down, {})).toBe(false);
    expect(holds(adminCounterCondition(1), { enabledAdmins: 0 })).toBe(true);
    expect(holds(adminCounterCondition(1), {})).toBe(false);
  });

  it('counts enabled administrators only, and a deletion takes one away', () => {
    const users = [user({ admin: true }), user({ admin: true, disabled: true }), user()];
    expect(countEnabledAdmins(users)).toBe(1);
    expect(adminDeltaOf(user({ admin: true }), null)).toBe(-1);
    expect(adminDeltaOf(user({ admin: true, disabled: true }), null)).toBe(0);
  });

  it('conditions a change on the user as read and not being deleted (old items without a version read as 0)', () => {
    expect(holds(userAsStored(3), { profileVersion: 3 })).toBe(true);
    expect(holds(userAsStored(3), { profileVersion: 4 })).toBe(false);
    expect(holds(userAsStored(3), { profileVersion: 3, deletedAt: NOW.toISOString() })).toBe(false);
    expect(holds(userAsStored(0), { userId: 'old' })).toBe(true);
    expect(holds(userAsStored(0), null)).toBe(false);
  });
});

/** A store double: users by id, the counter, and scripted refusals of the next writes. */
function fakeStore(initial: User[], enabledAdmins: number | null) {
  const users = new Map(initial.map((u) => [u.userId, { user: u, beingDeleted: false }]));
  const state = { enabledAdmins, refuse: [] as Error[], writes: [] as string[] };
  const next = () => state.refuse.shift();
  const store: UserAdministrationPorts['users'] = {
    get: async (_accountId, userId) => users.get(userId) ?? null,
    list: async () => ({ items: [...users.values()].map((u) => u.user), nextToken: null }) as Page<User>,
    all: async () => [...users.values()].map((u) => u.user),
    enabledAdmins: async () => state.enabledAdmins,
    startEnabledAdmins: async (_accountId, count) => {
      state.writes.push(`start:${count}`);
      state.enabledAdmins = count;
      return true;
    },
    create: async (created, _hash, delta) => {
      const refusal = next();
      if (refusal) throw refusal;
      state.writes.push('create');
      users.set(created.userId, { user: created, beingDeleted: false });
      state.enabledAdmins = (state.enabledAdmins ?? 0) + delta;
    },
    update: async (_before, after, delta) => {
      const refusal = next();
      if (refusal) throw refusal;
      state.writes.push(`update:${delta}`);
      users.set(after.userId, { user: after, beingDeleted: false });
      state.enabledAdmins = (state.enabledAdmins ?? 0) + delta;
    },
    markDeleted: async (_before, marked, delta) => {
      const refusal = next();
      if (refusal) throw refusal;
      state.writes.push('mark');
      users.set(marked.userId, { user: marked, beingDeleted: true });
      state.enabledAdmins = (state.enabledAdmins ?? 0) + delta;
    },
    remove: async (removed) => {
      state.writes.push('remove');
      return users.delete(removed.userId);
    },
  };
  return { store, state, users };
}

function ports(store: UserAdministrationPorts['users'], identity: Partial<IdentityProvider> = {}) {
  const calls: string[] = [];
  const ids = { n: 0 };
  const administration = createUserAdministration({
    users: store,
    identity: {
      passwordHashFor: async () => 'hash',
      createIdentity: async (u) => {
        calls.push(`identity:create:${u.userId}`);
      },
      updateIdentity: async (u) => {
        calls.push(`identity:update:${u.admin}:${u.disabled}`);
      },
      deleteIdentity: async (u) => {
        calls.push(`identity:delete:${u.userId}`);
      },
      ...identity,
    },
    sessions: {
      endSessionsOfUser: async (_accountId, userId, reason) => {
        calls.push(`sessions:${reason}:${userId}`);
        return 0;
      },
    },
    newId: (prefix) => `${prefix}_${++ids.n}`,
    retry: { attempts: 2, baseMs: 0, maxMs: 0, retryAfterSeconds: 1 },
  });
  return { administration, calls };
}

const ACTOR = { type: 'user' as const, id: 'usr_admin' };

describe('account administration (use case)', () => {
  it('answers last_admin when the counter refuses under a race the first read did not see', async () => {
    const { store, state } = fakeStore([user({ admin: true }), user({ userId: 'usr_2', admin: true })], 2);
    const { administration } = ports(store);
    // Another demotion landed between this one's read of the counter (2) and its write.
    state.refuse.push(new AdminCounterRefusedError());
    await expect(
      administration.update('acc_1', 'usr_1', { admin: false }, ACTOR, NOW),
    ).rejects.toBeInstanceOf(LastAdminError);
  });

  it('decides again on the user as it is now when it changed since it was read', async () => {
    const { store, state } = fakeStore([user({ admin: true })], 1);
    const { administration } = ports(store);
    state.refuse.push(new UserChangedError());
    const after = await administration.update('acc_1', 'usr_1', { name: 'Ada B.' }, ACTOR, NOW);
    expect(after.name).toBe('Ada B.');
    expect(state.writes).toEqual(['update:0']);
  });

  it('disables: table first, then the sessions end, then the identity provider', async () => {
    const { store, state } = fakeStore([user()], 1);
    const { administration, calls } = ports(store);
    await administration.update('acc_1', 'usr_1', { disabled: true }, ACTOR, NOW);
    expect(state.writes).toEqual(['update:0']);
    expect(calls).toEqual(['sessions:user_disabled:usr_1', 'identity:update:false:true']);
  });

  it('finishes a disabling that failed after its write when the same request comes again', async () => {
    const { store, state } = fakeStore([user({ disabled: true, profileVersion: 4 })], 1);
    const { administration, calls } = ports(store);
    const again = await administration.update('acc_1', 'usr_1', { disabled: true }, ACTOR, NOW);
    expect(again.disabled).toBe(true);
    expect(state.writes).toEqual([]);
    expect(calls).toEqual(['sessions:user_disabled:usr_1', 'identity:update:false:true']);
  });

  it('writes the counter of an account stored before it from the stored users, then decides on it', async () => {
    const { store, state } = fakeStore([user({ admin: true }), user({ userId: 'usr_2', admin: true })], null);
    const { administration } = ports(store);
    await administration.update('acc_1', 'usr_2', { admin: false }, ACTOR, NOW);
    expect(state.writes).toEqual(['start:2', 'update:-1']);
    await expect(
      administration.update('acc_1', 'usr_1', { admin: false }, ACTOR, NOW),
    ).rejects.toBeInstanceOf(LastAdminError);
  });

  it('creates the identity before the table, and removes it when the table refuses', async () => {
    const { store, state } = fakeStore([], 0);
    const { administration, calls } = ports(store);
    state.refuse.push(new Error('table down'));
    await expect(
      administration.create('acc_1', { email: 'x@example.com', password: 'p'.repeat(12) }, ACTOR, NOW),
    ).rejects.toThrow('table down');
    expect(calls).toEqual(['identity:create:usr_1', 'identity:delete:usr_1']);
    expect(state.writes).toEqual([]);
  });

  it('writes nothing when the identity provider refuses a new user', async () => {
    const { store, state } = fakeStore([], 0);
    const { administration } = ports(store, {
      createIdentity: async () => {
        throw new Error('cognito down');
      },
    });
    await expect(
      administration.create('acc_1', { email: 'x@example.com', password: 'p'.repeat(12) }, ACTOR, NOW),
    ).rejects.toThrow('cognito down');
    expect(state.writes).toEqual([]);
  });

  it('deletes: mark, end sessions, delete the identity, remove; a retry continues from the mark', async () => {
    const { store, state, users } = fakeStore([user()], 1);
    const failing = ports(store, {
      deleteIdentity: async () => {
        throw new Error('cognito down');
      },
    });
    await expect(failing.administration.remove('acc_1', 'usr_1', ACTOR, NOW)).rejects.toThrow('cognito down');
    expect(users.get('usr_1')?.beingDeleted).toBe(true);
    // Gone for every read but its deletion.
    await expect(failing.administration.get('acc_1', 'usr_1')).rejects.toBeInstanceOf(NotFoundError);
    const { administration, calls } = ports(store);
    await administration.remove('acc_1', 'usr_1', ACTOR, NOW);
    expect(state.writes).toEqual(['mark', 'remove']);
    expect(calls).toEqual(['sessions:user_deleted:usr_1', 'identity:delete:usr_1']);
    await expect(administration.remove('acc_1', 'usr_1', ACTOR, NOW)).rejects.toBeInstanceOf(NotFoundError);
  });
});
