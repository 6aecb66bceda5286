// The assignments editor of a CAL or design-software license (the seed's "Assign to role", "Seats count" or
// "All available seats", "Automatic leasing", "Allow Roaming").
import { useState } from 'preact/hooks';
import { ok, type PortalClient } from '../../../client/index.js';
import { listAssignments } from '../data.js';
import { ALL_SEATS, countOf, type License, licenseLabel, seatsText } from '../format.js';
import { errorText } from '../messages.js';
import type { Assignment } from '../roles.js';
import {
  type Column,
  DataTable,
  ErrorText,
  Loading,
  type Notice,
  onSubmit,
  useEditForm,
  useLoad,
  whileBusy,
} from '../ui.js';

/** What the form edits. */
interface Draft {
  role: string;
  mode: 'count' | 'all';
  count: string;
  automaticLeasing: boolean;
  allowRoaming: boolean;
}

const NEW_DRAFT: Draft = { role: '', mode: 'count', count: '1', automaticLeasing: true, allowRoaming: false };

function draftOf(assignment: Assignment): Draft {
  return {
    role: assignment.role,
    mode: assignment.seats === 'all' ? 'all' : 'count',
    count: assignment.seats === 'all' ? '1' : String(assignment.seats),
    automaticLeasing: assignment.automaticLeasing,
    allowRoaming: assignment.allowRoaming,
  };
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** The Assignments panel of a license's page. */
export function AssignmentsPanel(props: {
  api: PortalClient;
  license: License;
  notify: (notice: Notice) => void;
}) {
  const { api, license } = props;
  const name = licenseLabel(license);
  const [loaded, reload] = useLoad(() => listAssignments(api, license.licenseId), [api, license.licenseId]);
  const [roles] = useLoad(async () => (await ok(api.GET('/v1/roles'))).roles.map((role) => role.role), [api]);
  const form = useEditForm<Assignment, Draft>(NEW_DRAFT, draftOf);
  const { draft, set, open, close } = form;
  const editing = form.editing;
  const [listError, setListError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const role = draft.role.trim();
    if (!role) {
      form.setError('Enter the role the seats are assigned to (Assign to role).');
      return;
    }
    let seats: number | 'all' = 'all';
    if (draft.mode === 'count') {
      seats = Number(draft.count);
      if (!Number.isInteger(seats) || seats < 1 || seats > license.seats) {
        form.setError(
          `Seats count must be a whole number from 1 to ${license.seats} (the seats of ${name}), or choose "${ALL_SEATS}".`,
        );
        return;
      }
    }
    const body = { role, seats, automaticLeasing: draft.automaticLeasing, allowRoaming: draft.allowRoaming };
    const existing = editing?.item;
    form.setError(null);
    try {
      await whileBusy(setBusy, () =>
        existing
          ? ok(
              api.PUT('/v1/licenses/{licenseId}/assignments/{assignmentId}', {
                params: { path: { licenseId: license.licenseId, assignmentId: existing.assignmentId } },
                body,
              }),
            )
          : ok(
              api.POST('/v1/licenses/{licenseId}/assignments', {
                params: { path: { licenseId: license.licenseId } },
                body,
              }),
            ),
      );
      props.notify({
        kind: 'success',
        text: `Assignment of ${role} on ${name} ${existing ? 'saved' : 'added'}: ${seats === 'all' ? ALL_SEATS : countOf(seats, 'seat')}.`,
      });
      close();
      await reload();
    } catch (failure) {
      // The seat rules (seats_overcommitted and the like) are the API's; the message names what to change.
      form.setError(errorText(failure, { license, subject: `The assignment of ${role}` }));
    }
  };

  const remove = async (assignment: Assignment) => {
    if (
      !confirm(
        `Delete the assignment of ${assignment.role} on ${name}? Sessions already held through it go on.`,
      )
    )
      return;
    setListError(null);
    try {
      await whileBusy(setBusy, () =>
        ok(
          api.DELETE('/v1/licenses/{licenseId}/assignments/{assignmentId}', {
            params: { path: { licenseId: license.licenseId, assignmentId: assignment.assignmentId } },
          }),
        ),
      );
      props.notify({ kind: 'success', text: `Assignment of ${assignment.role} on ${name} deleted.` });
    } catch (failure) {
      setListError(errorText(failure, { license, subject: `The assignment of ${assignment.role}` }));
    }
    await reload();
  };

  const columns: Column<Assignment>[] = [
    { label: 'Role', cell: (assignment) => assignment.role },
    { label: 'Seats', numeric: true, cell: (assignment) => seatsText(assignment.seats) },
    { label: 'Used', numeric: true, cell: (assignment) => assignment.used },
    { label: 'Automatic leasing', cell: (assignment) => yesNo(assignment.automaticLeasing) },
    { label: 'Allow Roaming', cell: (assignment) => yesNo(assignment.allowRoaming) },
    {
      label: 'Actions',
      hiddenLabel: true,
      cell: (assignment) => (
        <>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => open(assignment)}
            aria-label={`Edit assignment of ${assignment.role}`}
          >
            Edit
          </button>
          <button
            type="button"
            class="danger"
            disabled={busy}
            onClick={() => void remove(assignment)}
            aria-label={`Delete assignment of ${assignment.role}`}
          >
            Delete
          </button>
        </>
      ),
    },
  ];

  return (
    <section class="card" aria-labelledby="assignments-title">
      <div class="panel-head">
        <h2 id="assignments-title">Assignments</h2>
        <button type="button" ref={form.addButton} disabled={busy} onClick={() => open()}>
          Add assignment
        </button>
      </div>
      <p class="muted">
        Which roles may take seats of {name}. A Seats count is a cap for that role, not a reservation; "
        {ALL_SEATS}" means any seat still free.
      </p>
      <ErrorText text={listError} />
      {loaded.state === 'loading' && <Loading what="assignments" />}
      {loaded.state === 'error' && <ErrorText text={errorText(loaded.error, { license })} />}
      {loaded.state === 'ready' &&
        (loaded.data.length ? (
          <DataTable
            caption={`Assignments of ${name}`}
            captionHidden
            columns={columns}
            rows={loaded.data}
            rowKey={(assignment) => assignment.assignmentId}
          />
        ) : (
          <p class="empty">No assignments: no role can take a seat of this license. Add one.</p>
        ))}

      {editing && (
        <form class="subform" noValidate onSubmit={onSubmit(save)} aria-labelledby="assignment-form-title">
          <h3 id="assignment-form-title">
            {editing.item ? `Edit assignment of ${editing.item.role}` : 'Add assignment'}
          </h3>
          <div class="field">
            <label for="assignment-role">Assign to role</label>
            <input
              id="assignment-role"
              ref={form.firstField}
              maxLength={100}
              list="known-roles"
              autocomplete="off"
              required
              value={draft.role}
              onInput={(event) => set({ role: event.currentTarget.value })}
            />
            <datalist id="known-roles">
              {roles.state === 'ready' && roles.data.map((role) => <option key={role} value={role} />)}
            </datalist>
          </div>
          <fieldset>
            <legend>Seats</legend>
            <label class="check">
              <input
                type="radio"
                name="seats-mode"
                value="count"
                checked={draft.mode === 'count'}
                onChange={() => set({ mode: 'count' })}
              />{' '}
              Seats count
            </label>
            <input
              type="number"
              min={1}
              max={license.seats}
              step={1}
              class="seats-count"
              aria-label="Number of seats"
              disabled={draft.mode !== 'count'}
              value={draft.count}
              onInput={(event) => set({ count: event.currentTarget.value })}
            />
            <label class="check">
              <input
                type="radio"
                name="seats-mode"
                value="all"
                checked={draft.mode === 'all'}
                onChange={() => set({ mode: 'all' })}
              />{' '}
              {ALL_SEATS}
            </label>
          </fieldset>
          <label class="check">
            <input
              type="checkbox"
              checked={draft.automaticLeasing}
              onChange={(event) => set({ automaticLeasing: event.currentTarget.checked })}
            />{' '}
            Automatic leasing
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={draft.allowRoaming}
              onChange={(event) => set({ allowRoaming: event.currentTarget.checked })}
            />{' '}
            Allow Roaming
          </label>
          <ErrorText text={form.error} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              Save assignment
            </button>
            <button type="button" class="secondary" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
