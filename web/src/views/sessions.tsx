// Who holds a seat of one license now (the seed: expand the connection license's entry), with Kill Session.
import { useState } from 'preact/hooks';
import { ok, type PortalClient, type Schemas } from '../../../client/index.js';
import { collectPages } from '../data.js';
import { CLIENT_LABELS, formatDuration, formatTime, type License, licenseLabel } from '../format.js';
import { errorText } from '../messages.js';
import { type Column, DataTable, ErrorText, Loading, type Notice, useLoad, whileBusy } from '../ui.js';

type LicenseSession = Schemas['LicenseSession'];

function clientsText(session: LicenseSession): string {
  const clients = session.clients.map((client) => CLIENT_LABELS[client] ?? client).join(', ');
  return session.roamingUntil ? `${clients} (roaming until ${formatTime(session.roamingUntil)})` : clients;
}

/** The Sessions panel of a license's page. `onChanged` reloads the license (its Used) after a kill. */
export function SessionsPanel(props: {
  api: PortalClient;
  license: License;
  notify: (notice: Notice) => void;
  onChanged: () => Promise<void>;
}) {
  const { api, license } = props;
  const licenseId = license.licenseId;
  const [loaded, reload] = useLoad(
    () =>
      collectPages(async (nextToken) => {
        const page = await ok(
          api.GET('/v1/licenses/{licenseId}/sessions', {
            params: { path: { licenseId }, query: { limit: 100, ...(nextToken ? { nextToken } : {}) } },
          }),
        );
        return { items: page.sessions, nextToken: page.nextToken };
      }),
    [api, licenseId],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const kill = async (session: LicenseSession) => {
    const who = `${session.email} on ${session.machineId}`;
    if (!confirm(`Kill the session of ${who} (server ${session.hostName})? Their seat is freed at once.`))
      return;
    setError(null);
    try {
      await whileBusy(setBusy, () =>
        ok(api.DELETE('/v1/sessions/{sessionId}', { params: { path: { sessionId: session.sessionId } } })),
      );
      props.notify({ kind: 'success', text: `Session of ${who} ended; its seat is free.` });
    } catch (failure) {
      setError(errorText(failure, { license, subject: `The session of ${who}` }));
    }
    await Promise.all([reload(), props.onChanged()]);
  };

  const columns: Column<LicenseSession>[] = [
    { label: 'User', cell: (session) => session.email },
    { label: 'Server', cell: (session) => session.hostName },
    { label: 'Machine', cell: (session) => session.machineId },
    { label: 'Clients', cell: clientsText },
    { label: 'Since', cell: (session) => formatTime(session.startedAt) },
    { label: 'Duration', cell: (session) => formatDuration(session.durationSeconds) },
    {
      label: 'Actions',
      hiddenLabel: true,
      cell: (session) => (
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={() => void kill(session)}
          aria-label={`Kill Session of ${session.email} on ${session.machineId}`}
        >
          Kill Session
        </button>
      ),
    },
  ];

  return (
    <section class="card" aria-labelledby="sessions-title">
      <div class="panel-head">
        <h2 id="sessions-title">Sessions</h2>
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => void whileBusy(setBusy, reload)}
        >
          Refresh
        </button>
      </div>
      <p class="muted">
        Who holds a seat of {licenseLabel(license)} now. Kill Session frees the seat at once.
      </p>
      <ErrorText text={error} />
      {loaded.state === 'loading' && <Loading what="sessions" />}
      {loaded.state === 'error' && <ErrorText text={errorText(loaded.error, { license })} />}
      {loaded.state === 'ready' &&
        (loaded.data.length ? (
          <DataTable
            caption={`Sessions of ${licenseLabel(license)}`}
            captionHidden
            columns={columns}
            rows={loaded.data}
            rowKey={(session) => session.sessionId}
          />
        ) : (
          <p class="empty">Nobody holds a seat of this license now.</p>
        ))}
    </section>
  );
}
