// How the dashboard writes the API's values for people: dates in UTC, durations, labels instead of API words.
import type { Schemas } from '../../client/index.js';

/** A license as the API lists it. */
export type License = Schemas['License'];

/** The words people read for the API's `kind`. */
export const KIND_LABELS: Record<License['kind'], string> = {
  server: 'Server',
  cal: 'CAL (connections)',
  client: 'Design software',
};

/** The words people read for the API's `status`. */
export const STATUS_LABELS: Record<License['status'], string> = {
  valid: 'Valid',
  expired: 'Expired',
  not_yet_valid: 'Not yet valid',
};

/** The words people read for a session's clients. */
export const CLIENT_LABELS: Record<string, string> = { browser: 'Browser', design_client: 'Design client' };

/** The label the seed and the assignment editor use for a seats value of "all". */
export const ALL_SEATS = 'All available seats';

const DAY_MS = 86_400_000;

/**
 * A license's name as people know it: its product and activation code, as in the .alf file name. Two
 * licenses of one product differ by code; the list also shows their terms and seats.
 */
export function licenseLabel(license: Pick<License, 'product' | 'activationCode'>): string {
  return `${license.product} ${license.activationCode}`;
}

/** `2026-11-30` (UTC), or a dash. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

/** `2026-11-30 14:05 UTC`, or a dash. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `3 d 4 h`, `2 h 05 min`, `7 min`. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(Number(seconds) || 0));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min`;
}

/** A seats value for people: a number, or "All available seats". */
export function seatsText(seats: number | 'all'): string {
  return seats === 'all' ? ALL_SEATS : String(seats);
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Where a license stands in its term at `now`: days left, days since it ended, or days until it starts. */
export interface TermPosition {
  phase: 'running' | 'ended' | 'not_started';
  /** Whole days: left (rounded up), since the end, or until the start. */
  days: number;
}

/** The license's place in its term; days are whole days, a part day counting as one while running. */
export function termPosition(license: Pick<License, 'validFrom' | 'validUntil'>, now: Date): TermPosition {
  const start = Date.parse(license.validFrom);
  const end = Date.parse(license.validUntil);
  const at = now.getTime();
  if (at < start) return { phase: 'not_started', days: Math.ceil((start - at) / DAY_MS) };
  if (at >= end) return { phase: 'ended', days: Math.floor((at - end) / DAY_MS) };
  return { phase: 'running', days: Math.ceil((end - at) / DAY_MS) };
}

/** "120 days left", "Ended 3 days ago", "Ended today", "Starts in 2 days". */
export function daysLeftText(position: TermPosition): string {
  if (position.phase === 'running') return `${plural(position.days, 'day')} left`;
  if (position.phase === 'not_started') return `Starts in ${plural(position.days, 'day')}`;
  return position.days === 0 ? 'Ended today' : `Ended ${plural(position.days, 'day')} ago`;
}

/** A number of things with its noun, singular or plural. */
export function countOf(count: number, word: string): string {
  return plural(count, word);
}

/** The text with its first letter upper-case (a phrase that starts a sentence). */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
