import { AppError } from '../errors.js';
import type { Status } from '../cases/vocabulary.js';

/** The allowed moves of DESIGN §6; anything else is a 409. */
const MOVES: Record<Status, readonly Status[]> = {
  open: ['assigned', 'in_progress', 'closed', 'rejected'],
  assigned: ['in_progress', 'closed', 'rejected'],
  in_progress: ['waiting', 'resolved', 'closed', 'rejected'],
  waiting: ['in_progress'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  reopened: ['in_progress', 'assigned'],
  rejected: ['reopened'],
};

/** A closed ticket can be reopened this long after it was closed. */
export const REOPEN_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** Statuses in which a ticket is still someone's work (auto-assignment counts these). */
export const OPEN_STATUSES: readonly Status[] = ['open', 'assigned', 'in_progress', 'waiting', 'reopened'];

export class InvalidTransitionError extends AppError {
  constructor(from: string, to: string, why?: string) {
    super(409, 'INVALID_STATUS_TRANSITION', why ?? `A ticket cannot move from ${from} to ${to}`, { status: [`${from} → ${to} is not allowed`] });
  }
}

/** Throws unless `from → to` is an allowed move at `now` (closed → reopened only within 7 days). */
export function assertTransition(from: Status, to: Status, closedAt: Date | null, now: Date): void {
  if (!MOVES[from]?.includes(to)) throw new InvalidTransitionError(from, to);
  if (from === 'closed' && closedAt && now.getTime() - closedAt.getTime() > REOPEN_WINDOW_MS) {
    throw new InvalidTransitionError(from, to, 'A closed ticket can only be reopened within 7 days of closing');
  }
}

export function allowedMoves(from: Status): readonly Status[] {
  return MOVES[from] ?? [];
}
