import type { Classifier } from '../classification/classifier.js';
import type { Notifier } from '../mail/notifications.js';

/** What ticket commands need besides the database: who mails, and who classifies. */
export interface TicketServices {
  notifier: Notifier;
  classifier: Classifier;
}
