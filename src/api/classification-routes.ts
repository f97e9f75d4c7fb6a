import Router from '@koa/router';
import type { Knex } from 'knex';
import type { TokenSigner } from '../auth/tokens.js';
import type { Classifier } from '../classification/classifier.js';
import { listClassificationLog, type LogFilter } from '../classification/log.js';
import { validate } from '../validation.js';
import { authenticate, requireRole } from './authenticate.js';
import { readPage } from './pagination.js';

/** /api/v1/classification: admins retrain the model and read its decisions. */
export function classificationRouter(db: Knex, signer: TokenSigner, classifier: Classifier): Router {
  const router = new Router({ prefix: '/classification' });
  router.use(authenticate(db, signer), requireRole('admin'));

  router.post('/retrain', async (ctx) => {
    const { version, trained_on, category_examples, priority_examples } = await classifier.retrain(db);
    ctx.body = { version, trained_on, category_examples, priority_examples };
  });

  router.get('/log', async (ctx) => {
    const filter = validate<LogFilter>('classification-log-query.json', ctx.query);
    ctx.body = await listClassificationLog(db, filter, readPage(ctx.query));
  });

  return router;
}
