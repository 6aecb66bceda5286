// Who holds a seat of one license now (the seed: expand the connection license's entry), with Kill Session.
import { useState } from 'preact/hooks';
import { ok, type PortalClient, type Schemas } from '../../../client/index.js';
import { collectPages } from '../data.js';
import { formatDuration, formatTime, type License, licenseLabel } from '../format.js';
import { clientsText } from '../live-sessions.js';
import { errorText, type MessageContext } from '../messages.js';
import { type Column, DataTable, ErrorText, Loading, type Notice, useLoad, whileBusy } from '../ui.js';

type LicenseSession = Schemas['LicenseSession'];

/**
 * Kill Session for a table of sessions (a license's, or the account's on the Sessions page): the columns (who,
 * server, the license when `licenseOf` is given, machine, clients, since, duration, the button), and the kill
 * itself: a confirmation, the DELETE, a notice naming whose seat is free, then `after()` to read the table again.
 */
export function useKillSession<S extends LicenseSession>(options: {
  api: PortalClient;
  notify: (notice: Notice) => void;
  after: () => Promise<unknown>;
  /** The session's license in words (its own column and in the notice); absent on a license's own page. */
  licenseOf?: (session: S) => string;
  /** What a failure's message may name (the license of the page). */
  context?: MessageContext;
}) {
  const { api, licenseOf } = options;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const kill = async (session: S) => {
    const who = `${session.email} on ${session.machineId}`;
    if (!confirm(`Kill the session of ${who} (server ${session.hostName})? Their seat is freed at once.`))
      return;
    setError(null);
    try {
      await whileBusy(setBusy, () =>
        ok(api.DELETE('/v1/sessions/{sessionId}', { params: { path: { sessionId: session.sessionId } } })),
      );
      const seat = licenseOf ? `its seat of ${licenseOf(session)}` : 'its seat';
      options.notify({ kind: 'success', text: `Session of ${who} ended; ${seat} is free.` });
    } catch (failure) {
      setError(errorText(failure, { ...options.context, subject: `The session of ${who}` }));
    }
    await options.after();
  };

  const columns: Column<S>[] = [
    { label: 'User', cell: (session) => session.email },
    { label: 'Server', cell: (session) => session.hostName },
    ...(licenseOf ? [{ label: 'License', cell: licenseOf }] : []),
    { label: 'Machine', cell: (session) => session.machineId },
    { label: 'Clients', cell: clientsText },
    { label: 'Since', nowrap: true, cell: (session) => formatTime(session.startedAt) },
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
  return { busy, setBusy, error, columns };
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
  const { busy, setBusy, error, columns } = useKillSession<LicenseSession>({
    api,
    notify: props.notify,
    after: () => Promise.all([reload(), props.onChanged()]),
    context: { license },
  });

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
