// Licenses: the account's licenses in the seed's product groupings, searchable and sortable, with days left and
// notices for licenses that end within 30 days or have ended.
import { useMemo, useState } from 'preact/hooks';
import { listLicenses } from '../data.js';
import { countOf, daysLeftText, formatDate, type License, STATUS_LABELS, termPosition } from '../format.js';
import {
  type ExpiryNotice,
  expiryNotices,
  groupLicenses,
  licensesLead,
  type SortKey,
  searchLicenses,
  sortLicenses,
  usedHint,
} from '../licenses.js';
import { errorText } from '../messages.js';
import { hrefOf } from '../routes.js';
import {
  type Column,
  DataTable,
  ErrorText,
  Loading,
  nextSort,
  type PageProps,
  type TableSort,
  useLoad,
} from '../ui.js';

/** A license's status as a badge. */
export function StatusBadge({ status }: { status: License['status'] }) {
  return <span class={`badge status-${status}`}>{STATUS_LABELS[status]}</span>;
}

/** The notices of licenses ending soon or ended, with how to renew. */
export function ExpiryNotices({ notices }: { notices: ExpiryNotice[] }) {
  return (
    <>
      {notices.map((notice) => (
        <section
          key={notice.level}
          class={`banner banner-${notice.level}`}
          aria-labelledby={`expiry-${notice.level}`}
        >
          <h2 id={`expiry-${notice.level}`}>{notice.title}</h2>
          <ul>
            {notice.items.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
          <p>{notice.advice}</p>
        </section>
      ))}
    </>
  );
}

function columns(now: Date): Column<License>[] {
  return [
    {
      label: 'Product',
      sort: 'product',
      cell: (license) => (
        <a href={hrefOf('license', { licenseId: license.licenseId })}>
          {license.product}
          <span class="visually-hidden"> {license.activationCode}</span>
        </a>
      ),
    },
    { label: 'Seats', numeric: true, sort: 'seats', cell: (license) => license.seats },
    {
      label: 'Used',
      numeric: true,
      sort: 'used',
      cell: (license) => (
        <>
          {license.used}
          {(license.kind === 'server' || license.used > 0) && <small class="hint">{usedHint(license)}</small>}
        </>
      ),
    },
    { label: 'Status', sort: 'status', cell: (license) => <StatusBadge status={license.status} /> },
    { label: 'Valid from', nowrap: true, cell: (license) => formatDate(license.validFrom) },
    {
      label: 'Valid until',
      sort: 'validUntil',
      nowrap: true,
      cell: (license) => formatDate(license.validUntil),
    },
    {
      label: 'Days left',
      numeric: true,
      sort: 'daysLeft',
      cell: (license) => daysLeftText(termPosition(license, now)),
    },
    {
      label: 'Activation code',
      sort: 'activationCode',
      cell: (license) => <code>{license.activationCode}</code>,
    },
  ];
}

/** An id for a group's heading ("ALTIUM NEXUS SERVER" -> "group-altium-nexus-server"). */
const groupId = (name: string) => `group-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** The Licenses page. */
export function LicensesView({ api, session }: PageProps) {
  const [loaded, reload] = useLoad(() => listLicenses(api), [api]);
  const [query, setQuery] = useState('');
  const [validOnly, setValidOnly] = useState(false);
  const [sort, setSort] = useState<TableSort>({ key: 'product', direction: 'ascending' });
  const now = useMemo(() => new Date(), []);
  const all = loaded.state === 'ready' ? loaded.data : [];
  const shown = useMemo(() => {
    const filtered = searchLicenses(
      validOnly ? all.filter((license) => license.status === 'valid') : all,
      query,
    );
    return sortLicenses(filtered, { key: sort.key as SortKey, direction: sort.direction });
  }, [all, query, validOnly, sort]);
  const groups = groupLicenses(shown);
  const cols = columns(now);

  return (
    <>
      <p class="muted lead">{licensesLead(session.isAdmin)}</p>
      {loaded.state === 'ready' && <ExpiryNotices notices={expiryNotices(all, now)} />}
      <search>
        <form class="toolbar" aria-label="Filter licenses" onSubmit={(event) => event.preventDefault()}>
          <div class="field">
            <label for="license-search">Search</label>
            <input
              id="license-search"
              type="search"
              maxLength={100}
              placeholder="Product, code or status"
              value={query}
              onInput={(event) => setQuery(event.currentTarget.value)}
            />
          </div>
          <label class="check">
            <input
              type="checkbox"
              checked={validOnly}
              onChange={(event) => setValidOnly(event.currentTarget.checked)}
            />{' '}
            Show valid only
          </label>
        </form>
      </search>
      {loaded.state === 'loading' && <Loading what="licenses" />}
      {loaded.state === 'error' && (
        <div class="error-block">
          <ErrorText text={`The licenses could not be loaded. ${errorText(loaded.error)}`} />
          <button type="button" class="secondary" onClick={() => void reload()}>
            Try again
          </button>
        </div>
      )}
      {loaded.state === 'ready' && (
        <>
          <p class="muted count" role="status">
            {shown.length === all.length
              ? countOf(all.length, 'license')
              : `${countOf(shown.length, 'license')} of ${all.length} shown`}
          </p>
          {all.length === 0 && (
            <p class="empty">
              Your account has no licenses yet. Your license operator (the back office) issues them; they
              appear here as soon as they are issued.
            </p>
          )}
          {all.length > 0 && shown.length === 0 && (
            <p class="empty">
              No license matches{query ? ` “${query}”` : ''}
              {validOnly ? ' among the valid ones' : ''}.{' '}
              <button
                type="button"
                class="link-button"
                onClick={() => {
                  setQuery('');
                  setValidOnly(false);
                }}
              >
                Show all licenses
              </button>
            </p>
          )}
          {groups.map((group) => (
            <section key={group.name} class="group" aria-labelledby={groupId(group.name)}>
              <h2 id={groupId(group.name)} class="group-title">
                {group.name}
              </h2>
              <DataTable
                caption={`${group.name} licenses`}
                captionHidden
                class="licenses-table"
                columns={cols}
                rows={group.licenses}
                rowKey={(license) => license.licenseId}
                sort={sort}
                onSort={(key) => setSort(nextSort(sort, key))}
              />
            </section>
          ))}
        </>
      )}
    </>
  );
}
