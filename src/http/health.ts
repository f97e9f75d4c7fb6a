import type { Knex } from 'knex';

const CHECK_TIMEOUT_MS = 2000;

/** True when the database answers a trivial query within the timeout. */
export async function databaseIsUp(db: Knex): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    const query = db.raw('select 1').then(
      () => true,
      () => false,
    );
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
