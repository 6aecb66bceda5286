// The typed client the views call (client/: openapi-fetch over docs/openapi.json), signing each request with the
// current token and reporting a 401 so that the page signs out.
import { createPortalClient, type PortalClient } from '../../client/index.js';

/** The client of the page's own origin. `token` is asked before each request; `onUnauthorized` after a 401. */
export function createApi(token: () => string | undefined, onUnauthorized: () => void): PortalClient {
  const client = createPortalClient({ baseUrl: location.origin, token });
  client.use({
    onResponse({ request, response }) {
      // A 401 on a signed request means the token ended or was revoked (a failed sign-in is unsigned).
      if (response.status === 401 && request.headers.has('authorization')) onUnauthorized();
      return response;
    },
  });
  return client;
}

/** Hands text to the browser as a download with the given file name. */
export function saveFile(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
