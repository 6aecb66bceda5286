// One NEXUS server's page: its state and what it holds, Add Licenses (From cloud, From file), its credentials, and
// removing it. The seed's "Add Licenses" window is the From cloud dialog (cloud.tsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ok, PortalError } from '../../../client/index.js';
import { importLicenseFile, saveFile } from '../api.js';
import { countSessions, listLicenses, listServers, namesOf } from '../data.js';
import { capitalize, formatTime, licenseLabel } from '../format.js';
import { sessionsEnded, sessionsEnding } from '../live-sessions.js';
import { errorText } from '../messages.js';
import { hrefOf } from '../routes.js';
import { importedNotice, serverAlerts } from '../servers.js';
import { ErrorText, Loading, type PageProps, useLoad, whileBusy } from '../ui.js';
import { CloudDialog } from './cloud.js';
import { CredentialsPanel } from './credentials.js';
import { ServerAlerts, StateBadge } from './servers.js';

/** A license file the page got for the server: to download again (From cloud) or as imported (From file). */
interface Added {
  licenseId: string;
  label: string;
  fileName: string;
  /** The file's text, for Download .alf; absent for an import (the administrator has the file). */
  alf?: string;
}

function NamedList({ names, empty }: { names: string[]; empty: string }) {
  if (names.length === 0) return <span class="muted">{empty}</span>;
  return (
    <ul class="plain-list">
      {names.map((name) => (
        <li key={name}>{name}</li>
      ))}
    </ul>
  );
}

/** The page of one NEXUS server. */
export function ServerView({ api, params, notify, setHeading, go }: PageProps) {
  const serverId = params.serverId ?? '';
  const [loaded, reload] = useLoad(async () => {
    // The status answers 404 for a server that is gone; the list gives its host name and registration time.
    const [status, servers, licenses] = await Promise.all([
      ok(api.GET('/v1/servers/{serverId}/status', { params: { path: { serverId } } })),
      listServers(api),
      listLicenses(api),
    ]);
    const server = servers.find((candidate) => candidate.serverId === serverId);
    if (!server) throw new PortalError(404, 'not_found', 'No such server.');
    return { server: { ...server, state: status.state }, status, licenses };
  }, [api, serverId]);
  const [added, setAdded] = useState<Added[]>([]);
  const [cloudOpen, setCloudOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const cloudButton = useRef<HTMLButtonElement>(null);

  const data = loaded.state === 'ready' ? loaded.data : null;
  const hostName = data?.server.hostName;
  useEffect(() => {
    if (hostName) setHeading(hostName);
  }, [hostName, setHeading]);

  if (loaded.state === 'loading') return <Loading what="the server" />;
  if (loaded.state === 'error' || !data)
    return (
      <>
        <p class="back">
          <a href={hrefOf('servers')}>← All servers</a>
        </p>
        <ErrorText
          text={loaded.state === 'error' ? errorText(loaded.error, { subject: 'This server' }) : null}
        />
      </>
    );

  const { server, status, licenses } = data;
  const host = server.hostName;
  const byId = new Map(licenses.map((license) => [license.licenseId, license]));
  const nameOf = (id: string) => {
    const license = byId.get(id);
    return license ? licenseLabel(license) : 'a license no longer listed';
  };
  const names = (ids: string[]) => ids.map(nameOf);

  const closeCloud = () => {
    setCloudOpen(false);
    // Back to the button that opened the window, once the modal dialog is gone (the page is inert until then).
    setTimeout(() => cloudButton.current?.focus(), 0);
  };

  const acquired = async (files: { licenseId: string; fileName: string; alf: string }[], text: string) => {
    setAdded((list) => [
      ...files.map((file) => ({
        ...file,
        label: nameOf(file.licenseId),
      })),
      ...list.filter((entry) => !files.some((file) => file.fileName === entry.fileName)),
    ]);
    closeCloud();
    notify({ kind: 'success', text });
    await reload();
  };

  const importFile = async (file: File) => {
    setError(null);
    try {
      const text = await file.text();
      const { license, fresh } = await whileBusy(setBusy, () => importLicenseFile(api, serverId, text));
      const known = byId.get(license.licenseId);
      setAdded((list) => [
        {
          licenseId: license.licenseId,
          label: known ? licenseLabel(known) : license.product,
          fileName: file.name,
        },
        ...list.filter((entry) => entry.fileName !== file.name),
      ]);
      notify({ kind: 'success', text: importedNotice(host, known, file.name, fresh) });
      await reload();
    } catch (failure) {
      setError(
        errorText(failure, {
          fileName: file.name,
          server: host,
          licenses,
          verb: 'imported',
          licenseNames: namesOf(licenses, (license) => license.licenseId, licenseLabel),
        }),
      );
    }
  };

  const remove = async () => {
    setError(null);
    try {
      const live = await whileBusy(setBusy, () => countSessions(api, { serverId }));
      if (
        !confirm(
          `Remove ${host}? ${capitalize(sessionsEnding(live.count, live.more, 'server'))}; its System seat is freed and its credentials stop working. This cannot be undone.`,
        )
      )
        return;
      await whileBusy(setBusy, () =>
        ok(api.DELETE('/v1/servers/{serverId}', { params: { path: { serverId } } })),
      );
      const ended = sessionsEnded(live.count, live.more, 'server');
      go(hrefOf('servers'), {
        kind: 'success',
        text: `${host} removed: ${ended ? `${ended}, ` : ''}its System seat is free and its credentials no longer work.`,
      });
    } catch (failure) {
      setError(errorText(failure, { subject: host }));
    }
  };

  return (
    <>
      <p class="back">
        <a href={hrefOf('servers')}>← All servers</a>
      </p>
      <ServerAlerts alerts={serverAlerts([server])} linked={false} />
      <dl class="facts wide-facts">
        <div>
          <dt>State</dt>
          <dd>
            <StateBadge state={server.state} />
          </dd>
        </div>
        <div>
          <dt>Registered</dt>
          <dd>{formatTime(server.createdAt)}</dd>
        </div>
        <div>
          <dt>Server licenses held</dt>
          <dd>
            <NamedList names={names(status.serverLicenseIds)} empty="None" />
          </dd>
        </div>
        <div>
          <dt>Valid CALs of the account</dt>
          <dd>
            <NamedList names={names(status.validCalLicenseIds)} empty="None" />
          </dd>
        </div>
      </dl>

      <section class="card" aria-labelledby="add-licenses-title">
        <h2 id="add-licenses-title">Add Licenses</h2>
        <p class="muted">
          From cloud lists your company's licenses to select and acquire for {host}; a Server license takes
          one of its seats for the server's System user. From file imports a license file (.alf) you
          downloaded with Activate on a license's page.
        </p>
        <div class="actions">
          <button type="button" ref={cloudButton} disabled={busy} onClick={() => setCloudOpen(true)}>
            From cloud
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => fileInput.current?.click()}>
            From file
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".alf,text/plain"
            hidden
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) void importFile(file);
            }}
          />
        </div>
        <ErrorText text={error} />
        {added.length > 0 && (
          <ul class="activations" aria-label={`Licenses added to ${host} on this page`}>
            {added.map((entry) => (
              <li key={entry.fileName} class="result">
                <span>
                  {entry.alf ? 'Acquired' : 'Imported'}: {entry.label} — <strong>{entry.fileName}</strong>
                </span>
                {entry.alf && (
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => saveFile(entry.fileName, entry.alf ?? '', 'text/plain;charset=utf-8')}
                    aria-label={`Download .alf ${entry.fileName}`}
                  >
                    Download .alf
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      {cloudOpen && (
        <CloudDialog
          api={api}
          hostName={host}
          serverId={serverId}
          held={new Set(status.serverLicenseIds)}
          onCancel={closeCloud}
          onAcquired={acquired}
        />
      )}

      <CredentialsPanel api={api} serverId={serverId} hostName={host} notify={notify} />

      <section class="card danger-zone" aria-labelledby="remove-title">
        <h2 id="remove-title">Remove this server</h2>
        <p class="muted">
          Removing {host} ends its sessions at once,{' '}
          {status.serverLicenseIds.length === 0
            ? ''
            : `frees its System ${status.serverLicenseIds.length === 1 ? 'seat' : 'seats'} of ${names(status.serverLicenseIds).join(', ')} `}
          and revokes its credentials.
        </p>
        <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
          Remove server
        </button>
      </section>
    </>
  );
}
