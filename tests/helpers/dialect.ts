/** Which database this Jest project runs on (set per project in jest.config.js). */
export type Dialect = 'sqlite' | 'mysql';

export const dialect: Dialect =
  (globalThis as { CASEHUB_TEST_DIALECT?: Dialect }).CASEHUB_TEST_DIALECT ?? 'sqlite';
