// Small building blocks every view uses: page heading, messages, loading/empty states, sortable tables, a hook
// that loads data for a view, and the props every page gets.
import type { ComponentChildren, TargetedEvent } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { PortalClient } from '../../client/index.js';
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
