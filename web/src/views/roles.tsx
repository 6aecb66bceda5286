// Roles (the seed's Roles tab): seat availability and use per role and product (seats of different products are
// not interchangeable, so never summed), and per license within each role.
import { hasSeatsForPeople, listAssignments, listLicenses } from '../data.js';
import { seatsText } from '../format.js';
import { errorText } from '../messages.js';
import { type RoleOnLicense, type RoleOnProduct, rolesUse } from '../roles.js';
import { hrefOf } from '../routes.js';
import { type Column, DataTable, ErrorText, Loading, type PageProps, useLoad } from '../ui.js';

/** A row of the totals: one role's seats of one product. */
type RoleProductRow = RoleOnProduct & { role: string };

const totalColumns: Column<RoleProductRow>[] = [
  { label: 'Role', cell: (row) => row.role },
  { label: 'Product', cell: (row) => row.product },
  { label: 'Seats', numeric: true, cell: (row) => seatsText(row.seats) },
  { label: 'Used', numeric: true, cell: (row) => row.used },
  { label: 'Available', numeric: true, cell: (row) => row.available },
];

const licenseColumns: Column<RoleOnLicense>[] = [
  {
    label: 'License',
    cell: (entry) => <a href={hrefOf('license', { licenseId: entry.licenseId })}>{entry.label}</a>,
  },
  { label: 'Seats', numeric: true, cell: (entry) => seatsText(entry.seats) },
  { label: 'Used', numeric: true, cell: (entry) => entry.used },
  { label: 'Available', numeric: true, cell: (entry) => entry.available },
];

/** The Roles page. */
export function RolesView({ api }: PageProps) {
  const [loaded, reload] = useLoad(async () => {
    const licenses = (await listLicenses(api)).filter(hasSeatsForPeople);
    const lists = await Promise.all(licenses.map((license) => listAssignments(api, license.licenseId)));
    return rolesUse(licenses, new Map(licenses.map((license, i) => [license.licenseId, lists[i] ?? []])));
  }, [api]);

  return (
    <>
      <div class="panel-head">
        <p class="muted lead">
          Seats, use and seats still available per role and product, over the assignments of every CAL and
          design-software license. A CAL seat serves a connection to a NEXUS server and a design-software seat
          the design software, so they are counted apart. A Seats count caps a role; available seats are also
          limited by the license's free seats.
        </p>
        <button type="button" class="secondary" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {loaded.state === 'loading' && <Loading what="roles" />}
      {loaded.state === 'error' && (
        <ErrorText text={`The roles could not be loaded. ${errorText(loaded.error)}`} />
      )}
      {loaded.state === 'ready' &&
        (loaded.data.length === 0 ? (
          <p class="empty">No role has an assignment yet. Assign seats to roles on a CAL's page.</p>
        ) : (
          <>
            <DataTable
              caption="Seats per role and product"
              columns={totalColumns}
              rows={loaded.data.flatMap((role) =>
                role.products.map((product) => ({ ...product, role: role.role })),
              )}
              rowKey={(row) => `${row.role}\n${row.product}`}
            />
            <h2 class="section-title">Per license</h2>
            {loaded.data.map((role) => (
              <DataTable
                key={role.role}
                caption={`${role.role}: seats per license`}
                columns={licenseColumns}
                rows={role.products.flatMap((product) => product.licenses)}
                rowKey={(entry) => entry.licenseId}
              />
            ))}
          </>
        ))}
    </>
  );
}
