// The licensed products of the seed and the kind of seat each one grants.

export const PRODUCTS = ['Altium NEXUS Server', 'Altium NEXUS Server CAL', 'Altium NEXUS'] as const;
export type Product = (typeof PRODUCTS)[number];

export const KINDS = ['server', 'cal', 'client'] as const;
/** server: makes the NEXUS Server work (one System seat per server); cal: connection seats; client: design software seats. */
export type LicenseKind = (typeof KINDS)[number];

export const CAL_PRODUCT: Product = 'Altium NEXUS Server CAL';
export const SERVER_PRODUCT: Product = 'Altium NEXUS Server';
export const CLIENT_PRODUCT: Product = 'Altium NEXUS';

const KIND_OF: Record<Product, LicenseKind> = {
  'Altium NEXUS Server': 'server',
  'Altium NEXUS Server CAL': 'cal',
  'Altium NEXUS': 'client',
};

/** File name stems from the seed's "Obtaining License Files". */
const FILE_STEM: Record<Product, string> = {
  'Altium NEXUS Server': 'Altium Nexus Server License',
  'Altium NEXUS Server CAL': 'Altium Nexus Server CAL License',
  'Altium NEXUS': 'Altium NEXUS License',
};

export function kindOf(product: Product): LicenseKind {
  return KIND_OF[product];
}

export function isProduct(value: string): value is Product {
  return (PRODUCTS as readonly string[]).includes(value);
}

export function licenseFileName(product: Product, activationCode: string): string {
  return `${FILE_STEM[product]} ${activationCode} R10 Primary.alf`;
}

export const MIN_SEATS = 1;
export const MAX_SEATS = 100_000;
