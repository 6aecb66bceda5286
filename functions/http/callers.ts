// The wiring of group handlers whose routes need a caller: callers are read from this process's table.
import { storedPrincipals } from '../store/principals.js';
import type { GroupOptions } from './handler.js';

/** For createGroupHandler: the group has routes that are not public; read each request's caller from the table. */
export const storedCallers: GroupOptions = { principals: storedPrincipals };
