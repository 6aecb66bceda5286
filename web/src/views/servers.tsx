// Servers: the account's NEXUS servers with their licensing state, an alert banner for the states that keep users
// out (what each means and what to do), and registering a new server.
import { useState } from 'preact/hooks';
import { ok } from '../../../client/index.js';
import { listServers } from '../data.js';
import { countOf, formatTime } from '../format.js';
import { errorText } from '../messages.js';
import { hrefOf } from '../routes.js';
import {
  type ListedServer,
  STATE_LABELS,
  type ServerAlert,
  type ServerState,
  serverAlerts,
} from '../servers.js';
import {
  type Column,
  DataTable,
  ErrorText,
  Loading,
  onSubmit,
  type PageProps,
  useLoad,
  whileBusy,
} from '../ui.js';

/** A server's state as a badge. */
export function StateBadge({ state }: { state: ServerState }) {
  return <span class={`badge state-${state}`}>{STATE_LABELS[state]}</span>;
}

/** The alert banners of servers that keep users out; `linked` names each server with a link to its page. */
export function ServerAlerts({ alerts, linked }: { alerts: ServerAlert[]; linked: boolean }) {
  return (
    <>
      {alerts.map((alert) => (
        <section
          key={alert.state}
          class={`banner banner-${alert.state === 'admin_only' ? 'warning' : 'ended'}`}
          aria-labelledby={`alert-${alert.state}`}
        >
          <h2 id={`alert-${alert.state}`}>{alert.title}</h2>
          {linked && (
            <ul>
              {alert.servers.map((server) => (
                <li key={server.serverId}>
                  <a href={hrefOf('server', { serverId: server.serverId })}>{server.hostName}</a>
                </li>
              ))}
            </ul>
          )}
          <p>{alert.meaning}</p>
          <p>
            <strong>What to do:</strong> {alert.todo}
          </p>
        </section>
      ))}
    </>
  );
}

const columns: Column<ListedServer>[] = [
  {
    label: 'Host name',
    cell: (server) => <a href={hrefOf('server', { serverId: server.serverId })}>{server.hostName}</a>,
  },
  { label: 'State', cell: (server) => <StateBadge state={server.state} /> },
  { label: 'Registered', nowrap: true, cell: (server) => formatTime(server.createdAt) },
];

/** The Servers page. */
export function ServersView({ api, notify }: PageProps) {
  const [loaded, reload] = useLoad(() => listServers(api), [api]);
  const [hostName, setHostName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const register = async () => {
    const name = hostName.trim();
    if (!name) {
      setError('Enter the host name of the NEXUS server (its computer name, e.g. nexus-01.acme.local).');
      return;
    }
    setError(null);
    try {
      await whileBusy(setBusy, () => ok(api.POST('/v1/servers', { body: { hostName: name } })));
      setHostName('');
      notify({
        kind: 'success',
        text: `${name} registered. It is unlicensed until it holds a Server license: open it to add licenses and create its credential.`,
      });
      await reload();
    } catch (failure) {
      setError(errorText(failure, { server: name }));
    }
  };

  return (
    <>
      <p class="muted lead">
        The NEXUS servers of your account. A server works once it holds a valid Altium NEXUS Server license
        (one System seat each); its users connect through the account's CALs. Open a server to add licenses,
        manage its credentials or remove it.
      </p>
      {loaded.state === 'ready' && <ServerAlerts alerts={serverAlerts(loaded.data)} linked />}
      <form class="toolbar" noValidate onSubmit={onSubmit(register)} aria-label="Register a server">
        <div class="field">
          <label for="server-host-name">Host name of a new server</label>
          <input
            id="server-host-name"
            maxLength={255}
            autocomplete="off"
            value={hostName}
            onInput={(event) => setHostName(event.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          Register server
        </button>
      </form>
      <ErrorText text={error} />
      {loaded.state === 'loading' && <Loading what="servers" />}
      {loaded.state === 'error' && (
        <div class="error-block">
          <ErrorText text={`The servers could not be loaded. ${errorText(loaded.error)}`} />
          <button type="button" class="secondary" onClick={() => void reload()}>
            Try again
          </button>
        </div>
      )}
      {loaded.state === 'ready' &&
        (loaded.data.length === 0 ? (
          <p class="empty">
            No NEXUS server is registered yet. Register one with its host name above, then add licenses to it.
          </p>
        ) : (
          <>
            <p class="muted count">{countOf(loaded.data.length, 'server')}</p>
            <DataTable
              caption="NEXUS servers"
              captionHidden
              columns={columns}
              rows={loaded.data}
              rowKey={(server) => server.serverId}
            />
          </>
        ))}
    </>
  );
}
