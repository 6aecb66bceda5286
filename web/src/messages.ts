// The sentences the dashboard shows when a request fails. The API's messages are written for every client and
// name ids and API values (`license lic_23w6…`, `use "all"`); here the dashboard knows what the person was doing,
// so it names the license and the control to change instead.
import { PortalError } from '../../client/index.js';
import { ALL_SEATS, countOf, formatDate, type License, licenseLabel } from './format.js';
import { RENEWAL_ADVICE } from './licenses.js';

/** What the dashboard knows of a license to name it in a message. */
type NamedLicense = Pick<
  License,
  'licenseId' | 'product' | 'kind' | 'activationCode' | 'seats' | 'validFrom' | 'validUntil'
>;

/** What the failed action was about, so that the message can name it. */
export interface MessageContext {
  /** The license the action was on. */
  license?: NamedLicense;
  /**
   * Licenses the action may have been about (an acquisition of several): the one whose id the API's message
   * names stands in for `license`.
   */
  licenses?: readonly NamedLicense[];
  /** Names of licenses by id, to replace ids left in an API message. */
  licenseNames?: ReadonlyMap<string, string>;
  /** Names of other things by id (users' emails, servers' host names), for the same. */
  names?: ReadonlyMap<string, string>;
  /** What was not found, in words ("This session"), when it is not the license. */
  subject?: string;
  /** What the action does to the license, for "so it cannot be …" (default: activated). */
  verb?: 'activated' | 'acquired' | 'imported';
  /** The user the action was on, by email (last_admin, email_taken, user_disabled). */
  user?: string;
  /** The NEXUS server the action was on, by host name. */
  server?: string;
  /** The file the action read (invalid_license_file). */
  fileName?: string;
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
  crd: 'this credential',
};

/**
 * An API message made readable: known license ids become the license's name, any other id a word for what it
 * is, and the API's `"all"` the label of the control ("All available seats").
 */
export function humanize(message: string, context: MessageContext = {}): string {
  let text = message;
  const names = new Map([...(context.names ?? []), ...(context.licenseNames ?? [])]);
  for (const license of context.licenses ?? []) names.set(license.licenseId, licenseLabel(license));
  if (context.license) names.set(context.license.licenseId, licenseLabel(context.license));
  for (const [id, name] of names) text = text.split(id).join(name);
  text = text.replace(/\b(lic|usr|srv|ses|asg|act|acc|evt|run|crd)_[a-z2-7]{6,}\b/g, (_, prefix: string) => {
    return ID_WORDS[prefix] ?? 'it';
  });
  // "license this license" reads badly once the id is gone.
  text = text.replace(
    /\b(license|user|server|session|assignment|activation|credential) this \1\b/gi,
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
  // An acquisition of several licenses: the API's message names the one it refused.
  const license =
    context.license ?? context.licenses?.find((candidate) => error.message.includes(candidate.licenseId));
  const name = license ? licenseLabel(license) : 'This license';
  const verb = context.verb ?? 'activated';
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
        return `${name} starts on ${formatDate(license.validFrom)}; it can be ${verb} from then.`;
      return `${name} has ended${license ? ` (on ${formatDate(license.validUntil)})` : ''}, so it cannot be ${verb}. ${RENEWAL_ADVICE}`;
    case 'seats_exhausted':
      if (license?.kind === 'server')
        return `${name} has no free seat: each of its ${countOf(license.seats, 'seat')} is the System seat of another NEXUS server. Remove a server that no longer needs it (its page on Servers), or ask your license operator for more seats.`;
      return `${humanize(error.message, context)} Kill Session on the Sessions page frees a seat.`;
    case 'server_unlicensed':
      return `${context.server ?? 'This server'} holds no valid Server license, so nobody can sign in to it. Add one on its page: Add Licenses, From cloud or From file.`;
    case 'invalid_license_file':
      return `${context.fileName ? `“${context.fileName}”` : 'This file'} is not a license file of your account as this portal signed it: it may have been changed after it was downloaded, or it is another kind of file. Download it again from the license's page (Activate, then Download .alf) and import it unchanged.`;
    case 'last_admin':
      return `${context.user ?? 'This user'} is the last enabled administrator of your account, and the account must keep one. Make another user an administrator first, then try again.`;
    case 'email_taken':
      return `${context.user ?? 'That email'} already belongs to a user (of your account or another one); use another email address.`;
    case 'user_disabled':
      return `${context.user ?? 'This user'} is disabled; enable them on the Users page first.`;
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
