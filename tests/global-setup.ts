import { execFileSync } from 'node:child_process';

/** Some suites run the built program itself (`npm start`'s path), so build it once per run. */
export default function globalSetup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
