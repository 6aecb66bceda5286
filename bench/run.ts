// `npm run bench`: runs every bench/*.bench.ts in turn; each prints its own table of numbers.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.startsWith(wanted)))
  .sort();

console.log(`Benchmarks on ${new Date().toISOString()}, node ${process.version}: ${files.join(', ')}`);
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const module = (await import(join(here, file))) as { run: () => Promise<void> };
  await module.run();
}
process.exit(0);
