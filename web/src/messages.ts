// The sentences the dashboard shows when a request fails. The API's messages are written for every client and
// name ids and API values (`license lic_23w6…`, `use "all"`); here the dashboard knows what the person was doing,
// so it names the license and the control to change instead.
import { PortalError } from '../../client/index.js';
import { ALL_SEATS, formatDate, type License, licenseLabel } from './format.js';
import { RENEWAL_ADVICE } from './licenses.js';

/** What the failed action was about, so that the message can name it. */
export interface MessageContext {
  /** The license the action was on. */
  license?: Pick<License, 'licenseId' | 'product' | 'activationCode' | 'seats' | 'validFrom' | 'validUntil'>;
  /** Names of licenses by id, to replace ids left in an API message. */
  licenseNames?: ReadonlyMap<string, string>;
  /** What was not found, in words ("This session"), when it is not the license. */
  subject?: string;
}

/** The sentence for a network failure (no answer at all). */
export const NETWORK_MESSAGE = 'The portal cannot be reached; check your connection and try again.';

/** The sentence shown after a 401: the token has ended or was revoked. */
export const SIGNED_OUT_EXPIRED = 'Your sign-in has ended; please sign in again.';

/** Words left for an id of each kind the API names (ids are `<prefix>_<20 base32 characters>`). */
const ID_WORDS: Record<string, string> = {
  lic: 'this license',
  usr: 'this user',
  srv: 'this server',
  ses: 'this session',
  asg: 'this assignment',
  act: 'this activation',
  acc: 'your account',
  evt: 'this event',
  run: 'this run',
};

/**
 * An API message made readable: known license ids become the license's name, any other id a word for what it
 * is, and the API's `"all"` the label of the control ("All available seats").
 */
export function humanize(message: string, context: MessageContext = {}): string {
  let text = message;
  const names = new Map(context.licenseNames ?? []);
  if (context.license) names.set(context.license.licenseId, licenseLabel(context.license));
  for (const [id, name] of names) text = text.split(id).join(name);
  text = text.replace(/\b(lic|usr|srv|ses|asg|act|acc|evt|run)_[a-z2-7]{6,}\b/g, (_, prefix: string) => {
    return ID_WORDS[prefix] ?? 'it';
  });
  // "license this license" reads badly once the id is gone.
  text = text.replace(
    /\b(license|user|server|session|assignment|activation) this \1\b/gi,
    (_, word: string) => `this ${word.toLowerCase()}`,
  );
  text = text.replace(/(^|[.!?]\s+)this /g, (_, start: string) => `${start}This `);
  return text.replace(/"all"/g, `"${ALL_SEATS}"`);
}

/** The sentence to show for a failed request, naming what it was about. */
export function errorText(error: unknown, context: MessageContext = {}): string {
  if (!(error instanceof PortalError)) {
    // openapi-fetch lets fetch's TypeError through when no answer came: the network, not the portal.
    if (error instanceof TypeError) return NETWORK_MESSAGE;
    return error instanceof Error && error.message ? error.message : NETWORK_MESSAGE;
  }
  const license = context.license;
  const name = license ? licenseLabel(license) : 'This license';
  switch (error.code) {
    case 'unauthorized':
      return SIGNED_OUT_EXPIRED;
    case 'forbidden':
      return 'Only an administrator of your account can do this; ask one of them.';
    case 'not_found':
      return `${context.subject ?? (license ? name : 'This item')} no longer exists; reload the page to see what is there now.`;
    case 'seats_overcommitted': {
      const seats = license ? `its ${license.seats} seats` : 'its seats';
      return `The Seats counts of ${name}'s assignments would add up to more than ${seats}. Lower a Seats count, or choose "${ALL_SEATS}", which takes only seats still free.`;
    }
    case 'license_expired':
      if (license && Date.parse(license.validFrom) > Date.now())
        return `${name} starts on ${formatDate(license.validFrom)}; it can be activated from then.`;
      return `${name} has ended${license ? ` (on ${formatDate(license.validUntil)})` : ''}, so it cannot be activated. ${RENEWAL_ADVICE}`;
    case 'idempotency_key_reused':
      return 'This activation was sent before with other values; press Activate again to make a new one.';
    case 'rate_limited':
      return `Too many requests in a short time; try again in ${error.retryAfterSeconds ?? 60} seconds.`;
    case 'busy':
      return 'The portal is busy with other changes to the same seats; try again in a moment.';
    default:
      return humanize(error.message, context);
  }
}
