// Reports (the seed's Reports tab): usage of CAL and design-software licenses per UTC hour or day, per license
// and role: a chart per license of peak sessions against seats with denied sign-ins marked, the table below
// it, and the same rows as CSV. Rows of buckets before a license existed are left out.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ok, usageCsv } from '../../../client/index.js';
import { saveFile } from '../api.js';
import { hasSeatsForPeople, listLicenses } from '../data.js';
import { formatTime, type License, licenseLabel } from '../format.js';
import { errorText } from '../messages.js';
import {
  bucketEnd,
  chartData,
  filterCsv,
  type Interval,
  reportRange,
  rowsWhileLicenseExisted,
  type UsageRow,
} from '../reports.js';
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
import { UsageChart } from './chart.js';

/** The form's values. */
interface ReportForm {
  fromDay: string;
  toDay: string;
  interval: Interval;
  licenseId: string;
  role: string;
}

/** A report as run: its form, the rows shown and the licenses they are of. */
interface Report {
  form: ReportForm;
  rows: UsageRow[];
  /** [from, to) in seconds, for the charts' time axis. */
  range: [number, number];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last seven UTC days, by day. */
function defaultForm(): ReportForm {
  const today = Date.now();
  return {
    fromDay: day(today - 6 * 86_400_000),
    toDay: day(today),
    interval: 'day',
    licenseId: '',
    role: '',
  };
}

/** The Reports page. */
export function ReportsView({ api }: PageProps) {
  const [catalogue] = useLoad(async () => {
    const [licenses, roles] = await Promise.all([
      listLicenses(api),
      ok(api.GET('/v1/roles')).then((answer) => answer.roles.map((role) => role.role)),
    ]);
    return { licenses: licenses.filter(hasSeatsForPeople), roles };
  }, [api]);
  const [form, setForm] = useState<ReportForm>(defaultForm);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const licenses = catalogue.state === 'ready' ? catalogue.data.licenses : [];
  const byId = useMemo(() => new Map(licenses.map((license) => [license.licenseId, license])), [licenses]);
  const names = useMemo(
    () => new Map(licenses.map((license) => [license.licenseId, licenseLabel(license)])),
    [licenses],
  );

  const queryOf = (values: ReportForm) => {
    const range = reportRange(values.fromDay, values.toDay, values.interval);
    if ('error' in range) throw new Error(range.error);
    return {
      ...range,
      interval: values.interval,
      ...(values.licenseId ? { licenseId: values.licenseId } : {}),
      ...(values.role.trim() ? { role: values.role.trim() } : {}),
    };
  };

  const run = async (values: ReportForm) => {
    setError(null);
    try {
      const query = queryOf(values);
      const answer = await whileBusy(setBusy, () => ok(api.GET('/v1/reports/usage', { params: { query } })));
      setReport({
        form: values,
        rows: rowsWhileLicenseExisted(answer.rows, byId, values.interval),
        range: [Date.parse(query.from) / 1000, Date.parse(query.to) / 1000],
      });
    } catch (failure) {
      setReport(null);
      setError(errorText(failure, { licenseNames: names }));
    }
  };

  const downloadCsv = async () => {
    setError(null);
    try {
      const query = queryOf(form);
      const csv = await whileBusy(setBusy, () => usageCsv(api, query));
      const kept = filterCsv(csv, (start, licenseId) => {
        const license = byId.get(licenseId);
        return !license || bucketEnd(start, form.interval) > Date.parse(license.validFrom);
      });
      saveFile(`usage-${form.interval}-${form.fromDay}-to-${form.toDay}.csv`, kept, 'text/csv;charset=utf-8');
    } catch (failure) {
      setError(errorText(failure, { licenseNames: names }));
    }
  };

  // The first report runs by itself once the licenses are known: the page opens on the last seven days.
  useEffect(() => {
    if (catalogue.state === 'ready' && catalogue.data.licenses.length > 0) void run(form);
  }, [catalogue.state]);

  const set = (change: Partial<ReportForm>) => setForm((current) => ({ ...current, ...change }));

  if (catalogue.state === 'loading') return <Loading what="licenses for the report" />;
  if (catalogue.state === 'error')
    return <ErrorText text={`The report could not be prepared. ${errorText(catalogue.error)}`} />;
  if (licenses.length === 0)
    return (
      <p class="empty">
        Reports cover CAL and design-software licenses, and your account has none yet. Your license operator
        issues them.
      </p>
    );

  return (
    <>
      <p class="muted lead">
        Use of CAL and design-software licenses per UTC hour or day: the most sessions held at once against
        the license's seats, and sign-ins refused because no seat was free.
      </p>
      <form class="toolbar report-form" noValidate onSubmit={onSubmit(() => void run(form))} aria-busy={busy}>
        <div class="field">
          <label for="report-from">From (UTC)</label>
          <input
            id="report-from"
            type="date"
            required
            value={form.fromDay}
            onInput={(event) => set({ fromDay: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="report-to">To (UTC, included)</label>
          <input
            id="report-to"
            type="date"
            required
            value={form.toDay}
            onInput={(event) => set({ toDay: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="report-interval">Interval</label>
          <select
            id="report-interval"
            value={form.interval}
            onChange={(event) => set({ interval: event.currentTarget.value as Interval })}
          >
            <option value="day">Day</option>
            <option value="hour">Hour</option>
          </select>
        </div>
        <div class="field wide">
          <label for="report-license">License</label>
          <select
            id="report-license"
            value={form.licenseId}
            onChange={(event) => set({ licenseId: event.currentTarget.value })}
          >
            <option value="">All CAL and design-software licenses</option>
            {licenses.map((license) => (
              <option key={license.licenseId} value={license.licenseId}>
                {licenseLabel(license)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="report-role">
            Role <span class="muted">(optional)</span>
          </label>
          <input
            id="report-role"
            maxLength={100}
            list="report-roles"
            autocomplete="off"
            value={form.role}
            onInput={(event) => set({ role: event.currentTarget.value })}
          />
          <datalist id="report-roles">
            {catalogue.data.roles.map((role) => (
              <option key={role} value={role} />
            ))}
          </datalist>
        </div>
        <div class="actions">
          <button type="submit" disabled={busy}>
            Run report
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void downloadCsv()}>
            Download CSV
          </button>
        </div>
      </form>
      <ErrorText text={error} />
      {busy && !report && <Loading what="the report" />}
      {report && <ReportResult report={report} byId={byId} />}
    </>
  );
}

function ReportResult({ report, byId }: { report: Report; byId: ReadonlyMap<string, License> }) {
  const { rows, form } = report;
  const shownLicenses = [...new Set(rows.map((row) => row.licenseId))]
    .map((id) => byId.get(id))
    .filter((license): license is License => Boolean(license));
  const columns: Column<UsageRow>[] = [
    { label: 'Start', nowrap: true, cell: (row) => formatTime(row.start) },
    {
      label: 'License',
      cell: (row) => {
        const license = byId.get(row.licenseId);
        return license ? licenseLabel(license) : 'A license no longer listed';
      },
    },
    { label: 'Peak sessions', numeric: true, cell: (row) => row.peakSessions },
    { label: 'Seats', numeric: true, cell: (row) => byId.get(row.licenseId)?.seats ?? '—' },
    { label: 'Sessions started', numeric: true, cell: (row) => row.sessionsStarted },
    { label: 'Denied', numeric: true, cell: (row) => row.denied },
    { label: 'Seat hours', numeric: true, cell: (row) => row.seatHours.toFixed(2) },
  ];
  const scope = `${form.fromDay} to ${form.toDay}, by ${form.interval}${form.role.trim() ? `, role ${form.role.trim()}` : ''}`;
  if (rows.length === 0)
    return (
      <p class="empty">
        No rows: the chosen licenses did not exist yet from {form.fromDay} to {form.toDay}.
      </p>
    );
  return (
    <section aria-labelledby="report-result-title">
      <h2 id="report-result-title" class="section-title">
        Usage, {scope}
      </h2>
      <div class="charts">
        {shownLicenses.map((license) => (
          <UsageChart
            key={license.licenseId}
            name={licenseLabel(license)}
            seats={license.seats}
            data={chartData(rows, license, form.interval)}
            interval={form.interval}
            range={report.range}
          />
        ))}
      </div>
      <DataTable
        caption={`Usage rows, ${scope}`}
        captionHidden
        class="report-table"
        columns={columns}
        rows={rows}
        rowKey={(row) => `${row.licenseId}:${row.start}`}
      />
    </section>
  );
}
