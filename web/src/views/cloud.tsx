// The seed's Add Licenses window, From cloud: the company's licenses filtered by Product Name and Show valid only,
// selected and acquired for one server. A modal <dialog>: the browser keeps focus inside and Escape closes it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ok, type PortalClient, type Schemas } from '../../../client/index.js';
import { collectPages } from '../data.js';
import { countOf, formatDate, type License, licenseLabel } from '../format.js';
import { errorText } from '../messages.js';
import { acquiredNotice, type CloudFilter, cloudQuery, notAcquirable } from '../servers.js';
import { type Column, DataTable, ErrorText, Loading, onSubmit, useLoad, whileBusy } from '../ui.js';
import { StatusBadge } from './licenses.js';

type AlfFile = Schemas['AlfFile'];

/** The From cloud window of a server's page. */
export function CloudDialog(props: {
  api: PortalClient;
  serverId: string;
  hostName: string;
  /** Server licenses the server holds already (acquiring them again changes nothing). */
  held: ReadonlySet<string>;
  onCancel: () => void;
  onAcquired: (files: AlfFile[], notice: string) => void;
}) {
  const { api, hostName } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [filter, setFilter] = useState<CloudFilter>({ product: '', validOnly: false });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The API filters (GET /v1/licenses?product=&validOnly=), as the seed's window asks the license service.
  const [loaded] = useLoad(
    () =>
      collectPages(async (nextToken) => {
        const page = await ok(
          api.GET('/v1/licenses', {
            params: { query: { ...cloudQuery(filter), limit: 100, ...(nextToken ? { nextToken } : {}) } },
          }),
        );
        return { items: page.licenses, nextToken: page.nextToken };
      }),
    [api, filter.product, filter.validOnly],
  );
  // While a new filter loads, the last list stays (no flicker while typing a product name).
  const lastList = useRef<License[] | null>(null);
  if (loaded.state === 'ready') lastList.current = loaded.data;
  const list = lastList.current;
  // Every license seen, so that the selection keeps its names when a filter hides some of it.
  const seen = useRef(new Map<string, License>());
  for (const license of list ?? []) seen.current.set(license.licenseId, license);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const toggle = (licenseId: string, on: boolean) => {
    setError(null);
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(licenseId);
      else next.delete(licenseId);
      return next;
    });
  };

  const chosen = [...selected].map((id) => seen.current.get(id)).filter((license) => license !== undefined);

  const acquire = async () => {
    if (chosen.length === 0) {
      setError('Select at least one license to acquire (the boxes in the first column).');
      return;
    }
    setError(null);
    try {
      const answer = await whileBusy(setBusy, async () => {
        const result = await api.POST('/v1/servers/{serverId}/acquisitions', {
          params: { path: { serverId: props.serverId } },
          body: { licenseIds: chosen.map((license) => license.licenseId) },
        });
        return { files: (await ok(Promise.resolve(result))).files, fresh: result.response.status === 201 };
      });
      props.onAcquired(answer.files, acquiredNotice(hostName, chosen, answer.fresh));
    } catch (failure) {
      setError(errorText(failure, { licenses: chosen, verb: 'acquired', server: hostName }));
    }
  };

  const columns: Column<License>[] = [
    {
      label: 'Select',
      cell: (license) => {
        const reason = props.held.has(license.licenseId) ? 'Held by this server' : notAcquirable(license);
        return (
          <label class="check">
            <input
              type="checkbox"
              checked={selected.has(license.licenseId)}
              disabled={reason !== null}
              onChange={(event) => toggle(license.licenseId, event.currentTarget.checked)}
            />
            <span class="visually-hidden">Select {licenseLabel(license)}</span>
            {reason && <small class="hint">{reason}</small>}
          </label>
        );
      },
    },
    { label: 'Product Name', cell: (license) => license.product },
    { label: 'Activation code', cell: (license) => <code>{license.activationCode}</code> },
    { label: 'Seats', numeric: true, cell: (license) => license.seats },
    { label: 'Used', numeric: true, cell: (license) => license.used },
    { label: 'Status', cell: (license) => <StatusBadge status={license.status} /> },
    { label: 'Valid until', nowrap: true, cell: (license) => formatDate(license.validUntil) },
  ];

  return (
    <dialog
      ref={dialog}
      class="window"
      aria-labelledby="cloud-title"
      onCancel={(event) => {
        // Escape: close through onCancel, so the page's state and focus follow.
        event.preventDefault();
        props.onCancel();
      }}
    >
      <form noValidate onSubmit={onSubmit(acquire)} aria-busy={busy}>
        <h2 id="cloud-title">Add Licenses From cloud for {hostName}</h2>
        <p class="muted">
          Select a valid Altium NEXUS Server license to license the server, and a CAL so that its users can
          connect.
        </p>
        <search class="toolbar">
          <div class="field">
            <label for="cloud-product">Product Name</label>
            <input
              id="cloud-product"
              type="search"
              maxLength={100}
              autocomplete="off"
              value={filter.product}
              onInput={(event) => {
                const product = event.currentTarget.value;
                setFilter((current) => ({ ...current, product }));
              }}
            />
          </div>
          <label class="check">
            <input
              type="checkbox"
              checked={filter.validOnly}
              onChange={(event) => {
                const validOnly = event.currentTarget.checked;
                setFilter((current) => ({ ...current, validOnly }));
              }}
            />{' '}
            Show valid only
          </label>
        </search>
        {loaded.state === 'loading' && !list && <Loading what="your company's licenses" />}
        {loaded.state === 'error' && (
          <ErrorText text={`The licenses could not be loaded. ${errorText(loaded.error)}`} />
        )}
        {list &&
          (list.length ? (
            <DataTable
              caption={`Licenses available to acquire for ${hostName}`}
              captionHidden
              columns={columns}
              rows={list}
              rowKey={(license) => license.licenseId}
            />
          ) : (
            <p class="empty">
              No license matches{filter.product ? ` “${filter.product}”` : ''}
              {filter.validOnly ? ' among the valid ones' : ''}.
            </p>
          ))}
        <p class="muted" role="status">
          {chosen.length ? `Selected: ${chosen.map(licenseLabel).join(', ')}` : 'No license selected.'}
        </p>
        <ErrorText text={error} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Acquire{chosen.length ? ` ${countOf(chosen.length, 'license')}` : ''}
          </button>
          <button type="button" class="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
