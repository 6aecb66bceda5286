// The administration pages that load on demand (one chunk): Servers, a server's page, Sessions, Users and Audit.
// Members never need them, and the Licenses page, the first an administrator sees, does not wait for them.
export { AllSessionsView } from './all-sessions.js';
export { AuditView } from './audit.js';
export { ServerView } from './server.js';
export { ServersView } from './servers.js';
export { UsersView } from './users.js';
