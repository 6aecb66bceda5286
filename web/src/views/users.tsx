// Users (the NEXUS Server's Admin - Users): the account's users with search by email, creating one, changing
// roles and administrator, disabling and enabling, deleting. Disabling or deleting ends the user's sessions at
// once; the confirmation says how many, and the notice says they ended.
import { useState } from 'preact/hooks';
import { ok } from '../../../client/index.js';
import { countSessions } from '../data.js';
import { capitalize, formatDate } from '../format.js';
import { sessionsEnded, sessionsEnding } from '../live-sessions.js';
import { errorText } from '../messages.js';
import {
  type Column,
  DataTable,
  ErrorText,
  Loading,
  MorePager,
  onSubmit,
  type PageProps,
  useEditForm,
  useLoad,
  usePaged,
  whileBusy,
} from '../ui.js';
import {
  ALL_USERS,
  draftOf,
  MIN_PASSWORD,
  NEW_USER,
  newUserBody,
  rolesText,
  type User,
  type UserDraft,
  type UserPatch,
  userLabel,
  userPatch,
} from '../users.js';

const PAGE_SIZE = 50;
const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** What a saved change did, for the notice: "roles Designers; administrator yes". */
function changesText(patch: UserPatch): string {
  const parts: string[] = [];
  if (patch.name !== undefined) parts.push(patch.name ? `name ${patch.name}` : 'no name');
  if (patch.roles) parts.push(`roles ${patch.roles.length ? patch.roles.join(', ') : `${ALL_USERS} only`}`);
  if (patch.admin !== undefined)
    parts.push(patch.admin ? 'now an administrator' : 'no longer an administrator');
  return parts.join('; ');
}

/** The Users page. */
export function UsersView({ api, session, notify }: PageProps) {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const users = usePaged<User>(
    async (nextToken) => {
      const page = await ok(
        api.GET('/v1/users', {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(search ? { email: search } : {}),
              ...(nextToken ? { nextToken } : {}),
            },
          },
        }),
      );
      return { items: page.users, nextToken: page.nextToken };
    },
    [api, search],
  );
  // Roles that have seats assigned, as a hint for the Roles field.
  const [roles] = useLoad(async () => (await ok(api.GET('/v1/roles'))).roles.map((role) => role.role), [api]);
  const form = useEditForm<User, UserDraft>(NEW_USER, draftOf);
  const { draft, set, open, close } = form;
  const editingUser = form.editing?.item;
  const [listError, setListError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isMe = (user: User) => user.email === session.email.toLowerCase();

  const save = async () => {
    const existing = editingUser;
    form.setError(null);
    try {
      if (existing) {
        const patch = userPatch(existing, draft);
        if (!patch) {
          close();
          notify({ kind: 'info', text: `Nothing changed for ${existing.email}.` });
          return;
        }
        await whileBusy(setBusy, () =>
          ok(api.PATCH('/v1/users/{userId}', { params: { path: { userId: existing.userId } }, body: patch })),
        );
        close();
        notify({
          kind: 'success',
          text: `${existing.email} saved: ${changesText(patch)}.${patch.roles ? ' New roles apply from their next sign-in; seats they hold now stay until those sessions end.' : ''}`,
        });
      } else {
        const checked = newUserBody(draft);
        if ('error' in checked) {
          form.setError(checked.error);
          return;
        }
        const user = await whileBusy(setBusy, () => ok(api.POST('/v1/users', { body: checked.body })));
        close();
        notify({
          kind: 'success',
          text: `${userLabel(user)} created, in ${rolesText(user)}${user.admin ? ', as an administrator' : ''}. They sign in with the password you set.`,
        });
      }
      await users.reload();
    } catch (failure) {
      form.setError(errorText(failure, { user: existing?.email ?? draft.email.trim() }));
    }
  };

  const setDisabled = async (user: User, disabled: boolean) => {
    setListError(null);
    try {
      const live = disabled
        ? await whileBusy(setBusy, () => countSessions(api, { userId: user.userId }))
        : null;
      if (
        live &&
        !confirm(
          `Disable ${userLabel(user)}? They can no longer sign in, their tokens stop working, and ${sessionsEnding(live.count, live.more, 'user')}.${isMe(user) ? ' This is you: you will be signed out.' : ''}`,
        )
      )
        return;
      await whileBusy(setBusy, () =>
        ok(
          api.PATCH('/v1/users/{userId}', { params: { path: { userId: user.userId } }, body: { disabled } }),
        ),
      );
      const ended = live ? sessionsEnded(live.count, live.more, 'user') : '';
      notify({
        kind: 'success',
        text: disabled
          ? `${user.email} disabled: ${ended || 'they held no session'}; they cannot sign in until enabled again.`
          : `${user.email} enabled: they can sign in again.`,
      });
    } catch (failure) {
      setListError(errorText(failure, { user: user.email, subject: user.email }));
    }
    await users.reload();
  };

  const remove = async (user: User) => {
    setListError(null);
    try {
      const live = await whileBusy(setBusy, () => countSessions(api, { userId: user.userId }));
      if (
        !confirm(
          `Delete ${userLabel(user)}? ${capitalize(sessionsEnding(live.count, live.more, 'user'))}; they can no longer sign in, and this cannot be undone.${isMe(user) ? ' This is you: you will be signed out.' : ''}`,
        )
      )
        return;
      await whileBusy(setBusy, () =>
        ok(api.DELETE('/v1/users/{userId}', { params: { path: { userId: user.userId } } })),
      );
      const ended = sessionsEnded(live.count, live.more, 'user');
      notify({
        kind: 'success',
        text: `${user.email} deleted${ended ? `: ${ended}` : ''}.`,
      });
    } catch (failure) {
      setListError(errorText(failure, { user: user.email, subject: user.email }));
    }
    await users.reload();
  };

  const columns: Column<User>[] = [
    {
      label: 'Email',
      cell: (user) => (
        <>
          {user.email}
          {isMe(user) && <small class="hint">You</small>}
        </>
      ),
    },
    { label: 'Name', cell: (user) => user.name || '—' },
    { label: 'Roles', cell: rolesText },
    { label: 'Administrator', cell: (user) => yesNo(user.admin) },
    {
      label: 'Status',
      cell: (user) => (
        <span class={`badge ${user.disabled ? 'status-expired' : 'status-valid'}`}>
          {user.disabled ? 'Disabled' : 'Enabled'}
        </span>
      ),
    },
    { label: 'Created', nowrap: true, cell: (user) => formatDate(user.createdAt) },
    {
      label: 'Actions',
      hiddenLabel: true,
      cell: (user) => (
        <>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => open(user)}
            aria-label={`Edit ${user.email}`}
          >
            Edit
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => void setDisabled(user, !user.disabled)}
            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.email}`}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            class="danger"
            disabled={busy}
            onClick={() => void remove(user)}
            aria-label={`Delete ${user.email}`}
          >
            Delete
          </button>
        </>
      ),
    },
  ];

  return (
    <>
      <p class="muted lead">
        The people of your account. Roles decide which license seats a user may take (see Roles); an
        administrator manages licenses, servers and users. Disabling or deleting a user ends their sessions at
        once.
      </p>
      <div class="toolbar">
        <search>
          <form
            class="toolbar inline"
            aria-label="Search users"
            onSubmit={onSubmit(() => setSearch(query.trim()))}
          >
            <div class="field">
              <label for="user-search">Search by email</label>
              <input
                id="user-search"
                type="search"
                maxLength={254}
                value={query}
                onInput={(event) => setQuery(event.currentTarget.value)}
              />
            </div>
            <button type="submit" class="secondary">
              Search
            </button>
          </form>
        </search>
        <button type="button" ref={form.addButton} disabled={busy} onClick={() => open()}>
          Add user
        </button>
      </div>

      {form.editing && (
        <form
          class="card subform-card"
          noValidate
          onSubmit={onSubmit(save)}
          aria-labelledby="user-form-title"
        >
          <h2 id="user-form-title">{editingUser ? `Edit ${editingUser.email}` : 'Add user'}</h2>
          {!editingUser && (
            <>
              <label for="user-email">Email</label>
              <input
                id="user-email"
                ref={form.firstField}
                type="email"
                maxLength={254}
                autocomplete="off"
                required
                value={draft.email}
                onInput={(event) => set({ email: event.currentTarget.value })}
              />
            </>
          )}
          <label for="user-name">
            Name <span class="muted">(optional)</span>
          </label>
          <input
            id="user-name"
            ref={editingUser ? form.firstField : undefined}
            maxLength={200}
            autocomplete="off"
            value={draft.name}
            onInput={(event) => set({ name: event.currentTarget.value })}
          />
          {!editingUser && (
            <>
              <label for="user-password">Password</label>
              <input
                id="user-password"
                type="password"
                autocomplete="new-password"
                minLength={MIN_PASSWORD}
                required
                aria-describedby="user-password-help"
                value={draft.password}
                onInput={(event) => set({ password: event.currentTarget.value })}
              />
              <p class="muted field-help" id="user-password-help">
                At least {MIN_PASSWORD} characters. Give it to the user yourself: it is never shown again.
              </p>
            </>
          )}
          <label for="user-roles">Roles</label>
          <input
            id="user-roles"
            maxLength={1000}
            autocomplete="off"
            aria-describedby="user-roles-help"
            value={draft.roles}
            onInput={(event) => set({ roles: event.currentTarget.value })}
          />
          <p class="muted field-help" id="user-roles-help">
            Separate roles with commas. Every user is also in {ALL_USERS}.
            {roles.state === 'ready' &&
              roles.data.length > 0 &&
              ` Roles with seats assigned: ${roles.data.join(', ')}.`}
          </p>
          <label class="check">
            <input
              type="checkbox"
              checked={draft.admin}
              onChange={(event) => set({ admin: event.currentTarget.checked })}
            />{' '}
            Administrator
          </label>
          <ErrorText text={form.error} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {editingUser ? 'Save user' : 'Create user'}
            </button>
            <button type="button" class="secondary" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}

      <ErrorText text={listError} />
      {users.state === 'loading' && <Loading what="users" />}
      {users.state === 'error' && (
        <ErrorText text={`The users could not be loaded. ${errorText(users.error)}`} />
      )}
      {users.state === 'ready' &&
        (users.items.length === 0 ? (
          <p class="empty">
            {search ? (
              <>
                No user's email contains “{search}”.{' '}
                <button
                  type="button"
                  class="link-button"
                  onClick={() => {
                    setQuery('');
                    setSearch('');
                  }}
                >
                  Show all users
                </button>
              </>
            ) : (
              'Your account has no users yet. Add one.'
            )}
          </p>
        ) : (
          <>
            <p class="muted count">
              {users.items.length} {users.items.length === 1 ? 'user' : 'users'}
              {search ? ` whose email contains “${search}”` : ''}
              {users.hasMore ? ' shown; there are more' : ''}
            </p>
            <DataTable
              caption="Users"
              captionHidden
              columns={columns}
              rows={users.items}
              rowKey={(user) => user.userId}
            />
            <MorePager paged={users} what="users" />
          </>
        ))}
    </>
  );
}
