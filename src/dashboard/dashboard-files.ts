import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The dashboard's static files live in the source tree (there is no build step for them).
 * From source this file sits next to `public/`; compiled, it runs from `dist/src/dashboard`,
 * three levels below the project root.
 */
export function resolvePublicDir(from: string = __dirname): string {
  const candidates = [
    path.resolve(from, 'public'),
    path.resolve(from, '../../../src/dashboard/public'),
  ];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) {
    throw new Error(`Dashboard files not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}
