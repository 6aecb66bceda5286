// The typed client's helpers that need no portal: file names of downloads and token renewal.
import { describe, expect, it } from 'vitest';
import { fileNameOf, TokenKeeper } from '../../client/index.js';

describe('fileNameOf', () => {
  it.each([
    [
      'attachment; filename="Altium NEXUS License NX-1 R10 Primary.alf"',
      'Altium NEXUS License NX-1 R10 Primary.alf',
    ],
    ['attachment; filename=usage.csv', 'usage.csv'],
    ['attachment; filename="a \\"quoted\\" name.alf"', 'a "quoted" name.alf'],
    ['attachment', null],
  ])('reads %s', (header, name) => {
    expect(fileNameOf(header)).toBe(name);
  });
});

describe('TokenKeeper', () => {
  it('renews the token shortly before it expires, once for concurrent callers', async () => {
    let now = 0;
    let issued = 0;
    const keeper = new TokenKeeper(
      async () => ({ accessToken: `t${++issued}`, tokenType: 'Bearer', expiresIn: 3600 }),
      60,
      () => now,
    );
    expect(await Promise.all([keeper.current(), keeper.current()])).toEqual(['t1', 't1']);
    now = 3_539_000;
    expect(await keeper.current()).toBe('t1');
    now = 3_541_000;
    expect(await keeper.current()).toBe('t2');
  });
});
