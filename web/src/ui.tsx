// Small building blocks every view uses: page heading, messages, loading/empty states, sortable tables, a hook
// that loads data for a view, and the props every page gets.
import type { ComponentChildren, TargetedEvent } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { PortalClient } from '../../client/index.js';
import { errorText } from './messages.js';
import type { Session } from './session.js';

/** A message about what just happened, shown above the page until the next navigation or sign-in. */
export interface Notice {
  kind: 'success' | 'info' | 'warning';
  text: string;
}

/** What every page gets from the shell. */
export interface PageProps {
  api: PortalClient;
  session: Session;
  /** The route's parameters (`licenseId`). */
  params: Record<string, string>;
  /** Shows a notice above the page (polite status). */
  notify: (notice: Notice) => void;
  /** Replaces the page's heading (the shell's h1), e.g. with the license's name once it is loaded. */
  setHeading: (text: string) => void;
  /**
   * Opens another page (`hrefOf(…)`) and shows `notice` there: a plain notify() before a navigation would be
   * cleared by it, as every navigation clears the last page's notice.
   */
  go: (href: string, notice?: Notice) => void;
}

/** An error next to what caused it; read out when it appears. */
export function ErrorText({ text }: { text: string | null }) {
  return text ? (
    <p class="error" role="alert">
      {text}
    </p>
  ) : null;
}

/** A loading line. */
export function Loading({ what }: { what: string }) {
  return (
    <p class="muted loading" role="status">
      Loading {what}…
    </p>
  );
}

/** State of data a view loads. */
export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T }
  | { state: 'error'; error: unknown };

/**
 * Loads data for a view when it appears and when `deps` change; `reload` loads again, keeping what is shown
 * until the new data is there. A load that finishes after a newer one started is dropped.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): [Loaded<T>, () => Promise<void>] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const generation = useRef(0);
  // The caller names what the load depends on (deps), as with useCallback itself.
  const run = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await load();
      if (mine === generation.current) setLoaded({ state: 'ready', data });
    } catch (error) {
      if (mine === generation.current) setLoaded({ state: 'error', error });
    }
  }, deps);
  useEffect(() => {
    setLoaded({ state: 'loading' });
    void run();
    return () => {
      generation.current++;
    };
  }, [run]);
  return [loaded, run];
}

/** One page of a paged list, as the API answers it. */
export interface ListPage<T> {
  items: T[];
  nextToken?: string | null;
}

/** A paged list shown a page at a time: the first page, then more on request (Show more). */
export interface Paged<T> {
  /** The first page's state; later pages report through `moreError`. */
  state: 'loading' | 'ready' | 'error';
  items: T[];
  error: unknown;
  /** The API said there is a next page. */
  hasMore: boolean;
  /** A next page is being read. */
  loadingMore: boolean;
  /** Why the last Show more failed (the items shown stay). */
  moreError: unknown;
  /** Appends the next page. */
  more: () => Promise<void>;
  /** Reads the first page again (after a change), keeping what is shown until it is there. */
  reload: () => Promise<void>;
}

interface PagedState<T> {
  state: Paged<T>['state'];
  items: T[];
  error: unknown;
  nextToken: string | null;
  loadingMore: boolean;
  moreError: unknown;
}

/**
 * A paged list (sessions, users, audit events): the first page when the view appears and when `deps` change
 * (filters), then the next page on `more()`. A page that arrives after the filters changed is dropped.
 */
export function usePaged<T>(
  fetchPage: (nextToken: string | undefined) => Promise<ListPage<T>>,
  deps: readonly unknown[],
): Paged<T> {
  const [paged, setPaged] = useState<PagedState<T>>({
    state: 'loading',
    items: [],
    error: null,
    nextToken: null,
    loadingMore: false,
    moreError: null,
  });
  const generation = useRef(0);
  const nextToken = useRef<string | null>(null);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const page = await fetchPage(undefined);
      if (mine !== generation.current) return;
      nextToken.current = page.nextToken ?? null;
      setPaged({
        state: 'ready',
        items: page.items,
        error: null,
        nextToken: nextToken.current,
        loadingMore: false,
        moreError: null,
      });
    } catch (error) {
      if (mine === generation.current)
        setPaged((current) => ({ ...current, state: 'error', error, loadingMore: false }));
    }
  }, deps);
  const more = useCallback(async () => {
    const token = nextToken.current;
    if (!token) return;
    const mine = generation.current;
    setPaged((current) => ({ ...current, loadingMore: true, moreError: null }));
    try {
      const page = await fetchPage(token);
      if (mine !== generation.current) return;
      nextToken.current = page.nextToken ?? null;
      setPaged((current) => ({
        ...current,
        items: [...current.items, ...page.items],
        nextToken: nextToken.current,
        loadingMore: false,
      }));
    } catch (error) {
      if (mine === generation.current)
        setPaged((current) => ({ ...current, loadingMore: false, moreError: error }));
    }
  }, [reload]);
  useEffect(() => {
    setPaged((current) => ({ ...current, state: 'loading' }));
    void reload();
    return () => {
      generation.current++;
    };
  }, [reload]);
  return {
    state: paged.state,
    items: paged.items,
    error: paged.error,
    hasMore: paged.nextToken !== null,
    loadingMore: paged.loadingMore,
    moreError: paged.moreError,
    more,
    reload,
  };
}

/** A column of a DataTable. */
export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  numeric?: boolean;
  /** The sort key when the column sorts. */
  sort?: string;
  /** The header is for screen readers only (an actions column). */
  hiddenLabel?: boolean;
  /** Keeps the cell on one line (dates). */
  nowrap?: boolean;
}

/** The current sort of a table. */
export interface TableSort {
  key: string;
  direction: 'ascending' | 'descending';
}

/**
 * A table with a caption, real column headers, optional sortable columns (buttons in the headers, aria-sort),
 * and a `data-label` on every cell so that narrow screens show each row as a card instead of scrolling sideways.
 */
export function DataTable<T>(props: {
  caption: string;
  captionHidden?: boolean;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  sort?: TableSort;
  onSort?: (key: string) => void;
  class?: string;
}) {
  const { columns, sort, onSort } = props;
  return (
    <div class="table-wrap">
      <table class={`data-table ${props.class ?? ''}`}>
        <caption class={props.captionHidden ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const sorted = sort && column.sort === sort.key ? sort.direction : undefined;
              const classes = [column.numeric ? 'num' : '', column.hiddenLabel ? 'actions-col' : '']
                .filter(Boolean)
                .join(' ');
              return (
                <th scope="col" key={column.label} class={classes || undefined} aria-sort={sorted}>
                  {column.hiddenLabel ? (
                    <span class="visually-hidden">{column.label}</span>
                  ) : column.sort && onSort ? (
                    <button
                      type="button"
                      class="sort"
                      onClick={() => onSort(column.sort as string)}
                      aria-label={`Sort by ${column.label}`}
                    >
                      {column.label}
                      <span aria-hidden="true" class="sort-mark">
                        {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '↕'}
                      </span>
                    </button>
                  ) : (
                    column.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {columns.map((column) => (
                <td
                  key={column.label}
                  class={
                    [
                      column.numeric ? 'num' : '',
                      column.hiddenLabel ? 'row-actions' : '',
                      column.nowrap ? 'nowrap' : '',
                    ]
                      .filter(Boolean)
                      .join(' ') || undefined
                  }
                  data-label={column.hiddenLabel ? undefined : column.label}
                >
                  {/* One box per cell, so that on phones the label and the value are the two sides of a row. */}
                  <span class="cell">{column.cell(row)}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The next sort after a click on a column: the same column flips, a new one starts ascending. */
export function nextSort(current: TableSort, key: string): TableSort {
  if (current.key !== key) return { key, direction: 'ascending' };
  return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}

/** Runs `work` while `setBusy` shows it (buttons disabled: one request per click). */
export async function whileBusy<T>(setBusy: (busy: boolean) => void, work: () => Promise<T>): Promise<T> {
  setBusy(true);
  try {
    return await work();
  } finally {
    setBusy(false);
  }
}

/** A form's submit handler that never lets the browser submit the form itself. */
export function onSubmit(handler: () => void) {
  return (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    handler();
  };
}

/** The Show more button under a paged list, with what went wrong when the next page could not be read. */
export function MorePager<T>({ paged, what }: { paged: Paged<T>; what: string }) {
  if (!paged.hasMore && !paged.moreError) return null;
  return (
    <div class="pager">
      {paged.moreError ? (
        <ErrorText text={`More ${what} could not be loaded. ${errorText(paged.moreError)}`} />
      ) : null}
      {paged.hasMore && (
        <button
          type="button"
          class="secondary"
          disabled={paged.loadingMore}
          onClick={() => void paged.more()}
        >
          {paged.loadingMore ? `Loading more ${what}…` : `Show more ${what}`}
        </button>
      )}
    </div>
  );
}

/**
 * The state of an add/edit form under a list (assignments, users): which item is edited (none: a new one), the
 * draft, the form's error, and focus: opening puts it on the first field, closing back on the Add button.
 */
export function useEditForm<T, D>(empty: D, draftOf: (item: T) => D) {
  /** null: the form is closed; else the item edited (undefined: a new one). */
  const [editing, setEditing] = useState<{ item?: T } | null>(null);
  const [draft, setDraft] = useState<D>(empty);
  const [error, setError] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const firstField = useRef<HTMLInputElement>(null);
  const focusPending = useRef(false);
  // The field exists once the opened form is rendered: focus it in the same commit, before anything else runs.
  useLayoutEffect(() => {
    if (!focusPending.current || !editing) return;
    focusPending.current = false;
    firstField.current?.focus();
  }, [editing]);
  const open = (item?: T) => {
    setEditing(item === undefined ? {} : { item });
    setDraft(item === undefined ? empty : draftOf(item));
    setError(null);
    focusPending.current = true;
  };
  const close = () => {
    setEditing(null);
    addButton.current?.focus();
  };
  const set = (change: Partial<D>) => setDraft((current) => ({ ...current, ...change }));
  return { editing, draft, set, error, setError, open, close, addButton, firstField };
}
