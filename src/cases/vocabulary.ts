/** The workflow's statuses and priorities (DESIGN §6). */
export const STATUSES = ['open', 'assigned', 'in_progress', 'waiting', 'resolved', 'closed', 'reopened', 'rejected'] as const;
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CATEGORIES = ['technical', 'billing', 'general', 'feature_request'] as const;
export type Category = (typeof CATEGORIES)[number];

// Capturi and its senders use free text; these are the synonyms Casehub understands.
const STATUS_SYNONYMS: Record<string, Status> = {
  new: 'open',
  open: 'open',
  pending: 'waiting',
  waiting: 'waiting',
  'in progress': 'in_progress',
  solved: 'resolved',
  resolved: 'resolved',
  closed: 'closed',
};

const PRIORITY_SYNONYMS: Record<string, Priority> = {
  low: 'low',
  normal: 'medium',
  medium: 'medium',
  high: 'high',
  urgent: 'urgent',
  critical: 'urgent',
};

/** `In-Progress`, `in_progress` and ` in progress ` all read as `in progress`. */
function comparable(text: string): string {
  return text.trim().toLowerCase().replace(/[-_\s]+/g, ' ');
}

/** The workflow status an external status string stands for, when it is a known synonym. */
export function statusFromExternal(external: string | null | undefined): Status | undefined {
  return external ? STATUS_SYNONYMS[comparable(external)] : undefined;
}

/** The priority an external priority string stands for, when it is a known synonym. */
export function priorityFromExternal(external: string | null | undefined): Priority | undefined {
  return external ? PRIORITY_SYNONYMS[comparable(external)] : undefined;
}
