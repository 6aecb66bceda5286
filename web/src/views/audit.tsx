// Audit log: every change to the account's licenses, servers, sessions, users and settings, newest first, a page
// at a time, filtered by From/To (UTC days) and action, each event in words with names; Download CSV of the
// filtered log.
import { useState } from 'preact/hooks';
import { ok } from '../../../client/index.js';
import { type AuditQuery, auditCsvPage, saveFile } from '../api.js';
import {
  ACTION_LABELS,
  type AuditAction,
  type AuditEvent,
  type AuditNames,
  actorText,
  auditRange,
  detailsText,
  joinCsvPages,
  NO_NAMES,
  targetText,
  withNamesOf,
} from '../audit.js';
import { listLicenses, listServers, listUsers, MAX_ITEMS, namesOf } from '../data.js';
import { countOf, formatTime, licenseLabel } from '../format.js';
import { errorText } from '../messages.js';
import {
  type Column,
  DataTable,
  ErrorText,
  Loading,
  MorePager,
  onSubmit,
  type PageProps,
  useLoad,
  usePaged,
  whileBusy,
} from '../ui.js';

const PAGE_SIZE = 50;
const ACTIONS = Object.keys(ACTION_LABELS) as AuditAction[];

/** The form's values, as typed. */
interface AuditForm {
  from: string;
  to: string;
  action: AuditAction | '';
}

/** The Audit log page. */
export function AuditView({ api }: PageProps) {
  const [form, setForm] = useState<AuditForm>({ from: '', to: '', action: '' });
  const [query, setQuery] = useState<AuditQuery>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Names for the ids in events; without them the events still read from their own details.
  const [names] = useLoad(async (): Promise<AuditNames> => {
    const [users, servers, licenses] = await Promise.all([
      listUsers(api),
      listServers(api),
      listLicenses(api),
    ]);
    return {
      users: namesOf(
        users,
        (user) => user.userId,
        (user) => user.email,
      ),
      servers: namesOf(
        servers,
        (server) => server.serverId,
        (server) => server.hostName,
      ),
      licenses: namesOf(licenses, (license) => license.licenseId, licenseLabel),
    };
  }, [api]);
  const events = usePaged<AuditEvent>(
    async (nextToken) => {
      const page = await ok(
        api.GET('/v1/audit', {
          params: { query: { ...query, limit: PAGE_SIZE, ...(nextToken ? { nextToken } : {}) } },
        }),
      );
      return { items: page.events, nextToken: page.nextToken };
    },
    [api, query],
  );

  /** The query of the form, or null after saying what to fix. */
  const formQuery = (): AuditQuery | null => {
    const range = auditRange(form.from, form.to);
    if ('error' in range) {
      setFormError(range.error);
      return null;
    }
    setFormError(null);
    return { ...range, ...(form.action ? { action: form.action } : {}) };
  };

  const show = () => {
    const next = formQuery();
    if (next) setQuery(next);
  };

  const download = async () => {
    const filters = formQuery();
    if (!filters) return;
    try {
      const pages = await whileBusy(setBusy, async () => {
        const csv: string[] = [];
        let nextToken: string | null = null;
        let rows = 0;
        do {
          const page = await auditCsvPage(api, {
            ...filters,
            limit: 100,
            ...(nextToken ? { nextToken } : {}),
          });
          csv.push(page.csv);
          rows += page.csv.split('\r\n').length - 2;
          nextToken = page.nextToken;
        } while (nextToken && rows < MAX_ITEMS);
        return csv;
      });
      const range = [form.from, form.to].filter(Boolean).join('-to-');
      saveFile(
        `audit${range ? `-${range}` : ''}${form.action ? `-${form.action}` : ''}.csv`,
        joinCsvPages(pages),
        'text/csv;charset=utf-8',
      );
    } catch (failure) {
      setFormError(`The CSV could not be downloaded. ${errorText(failure)}`);
    }
  };

  const known = withNamesOf(events.items, names.state === 'ready' ? names.data : NO_NAMES);
  const set = (change: Partial<AuditForm>) => setForm((current) => ({ ...current, ...change }));
  const filtered = Boolean(query.from || query.to || query.action);

  const columns: Column<AuditEvent>[] = [
    { label: 'When', nowrap: true, cell: (event) => formatTime(event.at) },
    { label: 'Who', cell: (event) => actorText(event, known) },
    { label: 'Action', cell: (event) => ACTION_LABELS[event.action] ?? event.action },
    { label: 'On', cell: (event) => targetText(event, known) },
    { label: 'Details', cell: (event) => detailsText(event) || '—' },
  ];

  return (
    <>
      <p class="muted lead">
        Every change to your account's licenses, servers, sessions, users and settings, newest first, with who
        made it. Seat grants, sign-outs and heartbeats are not logged (Reports counts them).
      </p>
      <search>
        <form class="toolbar" noValidate aria-label="Filter the audit log" onSubmit={onSubmit(show)}>
          <div class="field">
            <label for="audit-from">From (UTC)</label>
            <input
              id="audit-from"
              type="date"
              value={form.from}
              onInput={(event) => set({ from: event.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="audit-to">To (UTC)</label>
            <input
              id="audit-to"
              type="date"
              value={form.to}
              onInput={(event) => set({ to: event.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="audit-action">Action</label>
            <select
              id="audit-action"
              value={form.action}
              onChange={(event) => set({ action: event.currentTarget.value as AuditAction | '' })}
            >
              <option value="">All actions</option>
              {ACTIONS.map((action) => (
                <option key={action} value={action}>
                  {ACTION_LABELS[action]}
                </option>
              ))}
            </select>
          </div>
          <div class="actions">
            <button type="submit">Show events</button>
            <button type="button" class="secondary" disabled={busy} onClick={() => void download()}>
              Download CSV
            </button>
          </div>
        </form>
      </search>
      <ErrorText text={formError} />
      {events.state === 'loading' && <Loading what="the audit log" />}
      {events.state === 'error' && (
        <ErrorText text={`The audit log could not be loaded. ${errorText(events.error)}`} />
      )}
      {events.state === 'ready' &&
        (events.items.length === 0 ? (
          <p class="empty">
            {filtered
              ? 'No event matches these filters; widen the dates or choose All actions.'
              : 'Nothing has been logged for your account yet.'}
          </p>
        ) : (
          <>
            <p class="muted count">
              {countOf(events.items.length, 'event')} shown{events.hasMore ? '; there are more' : ''}
            </p>
            <DataTable
              caption="Audit events"
              captionHidden
              class="audit-table"
              columns={columns}
              rows={events.items}
              rowKey={(event) => event.eventId}
            />
            <MorePager paged={events} what="events" />
          </>
        ))}
    </>
  );
}
