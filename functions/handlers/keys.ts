// GET /v1/keys: the public keys (JWK set) that verify .alf signatures, retired ones included.
import { createGroupHandler, publicOnly } from '../http/handler.js';
import { keySource } from '../signing/index.js';

export const handler = createGroupHandler('keys', publicOnly, {
  listKeys: async () => {
    const keys = await keySource().publicKeys();
    // Public keys change only when a key is added: caches may keep them a while.
    return { statusCode: 200, body: { keys }, headers: { 'cache-control': 'public, max-age=300' } };
  },
});
