// The handler module of each route group, loaded on first use, exactly as each Lambda function loads its own.
import type { Group } from '../../functions/api/routes.js';
import type { HttpHandler } from '../../functions/http/handler.js';

export const handlerModules: Record<Group, () => Promise<{ handler: HttpHandler }>> = {
  public: () => import('../../functions/handlers/public.js'),
  auth: () => import('../../functions/handlers/auth.js'),
  backoffice: () => import('../../functions/handlers/backoffice.js'),
  ops: () => import('../../functions/handlers/ops.js'),
  licenses: () => import('../../functions/handlers/licenses.js'),
  keys: () => import('../../functions/handlers/keys.js'),
  activations: () => import('../../functions/handlers/activations.js'),
  servers: () => import('../../functions/handlers/servers.js'),
  sessions: () => import('../../functions/handlers/sessions.js'),
  assignments: () => import('../../functions/handlers/assignments.js'),
  reports: () => import('../../functions/handlers/reports.js'),
  credentials: () => import('../../functions/handlers/credentials.js'),
  users: () => import('../../functions/handlers/users.js'),
  audit: () => import('../../functions/handlers/audit.js'),
};

export async function loadHandler(group: Group): Promise<HttpHandler> {
  return (await handlerModules[group]()).handler;
}
