// Placeholder for the keys routes until their issue lands: every route answers 500 (a bug) by design.
import { createGroupHandler } from '../http/handler.js';

const notBuilt = async (): Promise<never> => {
  throw new Error('not built yet');
};

export const handler = createGroupHandler('keys', {
  listKeys: notBuilt,
});
