// Sessions (the seed's Admin - Sessions): every live session of the account, newest first, a page at a time,
// filtered by server, user and license (chosen by name), with Kill Session.
import { useState } from 'preact/hooks';
import { ok } from '../../../client/index.js';
import { listLicenses, listServers, listUsers } from '../data.js';
import { countOf, licenseLabel } from '../format.js';
import {
  type AccountSession,
  isFiltered,
  NO_FILTER,
  type SessionFilter,
  sessionQuery,
} from '../live-sessions.js';
import { errorText } from '../messages.js';
import {
  DataTable,
  ErrorText,
  Loading,
  MorePager,
  type PageProps,
  useLoad,
  usePaged,
  whileBusy,
} from '../ui.js';
import { userLabel } from '../users.js';
import { useKillSession } from './sessions.js';

const PAGE_SIZE = 25;

/** The Sessions page. */
export function AllSessionsView({ api, notify }: PageProps) {
  const [filter, setFilter] = useState<SessionFilter>(NO_FILTER);
  // The filters' choices, by name: every server, user and license of the account.
  const [choices] = useLoad(async () => {
    const [servers, users, licenses] = await Promise.all([
      listServers(api),
      listUsers(api),
      listLicenses(api),
    ]);
    return {
      servers: [...servers].sort((a, b) => a.hostName.localeCompare(b.hostName)),
      users: [...users].sort((a, b) => a.email.localeCompare(b.email)),
      licenses: [...licenses].sort((a, b) => licenseLabel(a).localeCompare(licenseLabel(b))),
    };
  }, [api]);
  const sessions = usePaged<AccountSession>(
    async (nextToken) => {
      const page = await ok(
        api.GET('/v1/sessions', {
          params: {
            query: { ...sessionQuery(filter), limit: PAGE_SIZE, ...(nextToken ? { nextToken } : {}) },
          },
        }),
      );
      return { items: page.sessions, nextToken: page.nextToken };
    },
    [api, filter.serverId, filter.userId, filter.licenseId],
  );
  const licenses = new Map(
    choices.state === 'ready' ? choices.data.licenses.map((license) => [license.licenseId, license]) : [],
  );
  const { busy, setBusy, error, columns } = useKillSession<AccountSession>({
    api,
    notify,
    after: sessions.reload,
    licenseOf: (session) => {
      const license = licenses.get(session.licenseId);
      return license ? licenseLabel(license) : session.product;
    },
  });
  const set = (change: Partial<SessionFilter>) => setFilter((current) => ({ ...current, ...change }));

  return (
    <>
      <p class="muted lead">
        Every live session of your account, newest first: who holds a seat, on which server and license, since
        when. Kill Session frees the seat at once (the user's client is signed out at its next heartbeat).
      </p>
      <search>
        <form class="toolbar" aria-label="Filter sessions" onSubmit={(event) => event.preventDefault()}>
          <div class="field">
            <label for="sessions-server">Server</label>
            <select
              id="sessions-server"
              value={filter.serverId}
              onChange={(event) => set({ serverId: event.currentTarget.value })}
            >
              <option value="">All servers</option>
              {choices.state === 'ready' &&
                choices.data.servers.map((server) => (
                  <option key={server.serverId} value={server.serverId}>
                    {server.hostName}
                  </option>
                ))}
            </select>
          </div>
          <div class="field">
            <label for="sessions-user">User</label>
            <select
              id="sessions-user"
              value={filter.userId}
              onChange={(event) => set({ userId: event.currentTarget.value })}
            >
              <option value="">All users</option>
              {choices.state === 'ready' &&
                choices.data.users.map((user) => (
                  <option key={user.userId} value={user.userId}>
                    {userLabel(user)}
                  </option>
                ))}
            </select>
          </div>
          <div class="field">
            <label for="sessions-license">License</label>
            <select
              id="sessions-license"
              value={filter.licenseId}
              onChange={(event) => set({ licenseId: event.currentTarget.value })}
            >
              <option value="">All licenses</option>
              {choices.state === 'ready' &&
                choices.data.licenses.map((license) => (
                  <option key={license.licenseId} value={license.licenseId}>
                    {licenseLabel(license)}
                  </option>
                ))}
            </select>
          </div>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => void whileBusy(setBusy, sessions.reload)}
          >
            Refresh
          </button>
        </form>
      </search>
      {choices.state === 'error' && (
        <ErrorText
          text={`The servers, users and licenses to filter by could not be loaded. ${errorText(choices.error)}`}
        />
      )}
      <ErrorText text={error} />
      {sessions.state === 'loading' && <Loading what="sessions" />}
      {sessions.state === 'error' && (
        <ErrorText text={`The sessions could not be loaded. ${errorText(sessions.error)}`} />
      )}
      {sessions.state === 'ready' &&
        (sessions.items.length === 0 ? (
          isFiltered(filter) ? (
            <p class="empty">
              No live session matches these filters.{' '}
              <button type="button" class="link-button" onClick={() => setFilter(NO_FILTER)}>
                Show all sessions
              </button>
            </p>
          ) : (
            <p class="empty">Nobody holds a seat now: no session of your account is live.</p>
          )
        ) : (
          <>
            <p class="muted count">
              {countOf(sessions.items.length, 'session')} shown{sessions.hasMore ? '; there are more' : ''}
            </p>
            <DataTable
              caption="Live sessions"
              captionHidden
              columns={columns}
              rows={sessions.items}
              rowKey={(session) => session.sessionId}
            />
            <MorePager paged={sessions} what="sessions" />
          </>
        ))}
    </>
  );
}
