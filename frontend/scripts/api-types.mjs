// Generates src/api/schema.ts from the Python server's OpenAPI schema, or checks that the
// committed file still matches it (`--check`, run by `make test`): the browser's types are
// never hand-written mirrors of Python models.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const out = resolve(here, '..', 'src', 'api', 'schema.ts');
const python = process.env.LAYERLAB_PYTHON ?? resolve(root, '.venv', 'bin', 'python');
const factory = process.argv.find((a) => a.includes(':') && !a.startsWith('--'));

const json = execFileSync(python, [resolve(here, 'openapi_dump.py'), ...(factory ? [factory] : [])], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const ast = await openapiTS(JSON.parse(json), { alphabetize: true, defaultNonNullable: false });
const header =
  '// Generated from the server\'s OpenAPI schema by `npm run types`; do not edit.\n' +
  '// `make test` fails when this file drifts from backend/layerlab/server.\n\n';
const text = header + astToString(ast);

if (process.argv.includes('--check')) {
  const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error(`${out} is stale: the server's API changed. Run \`make types\` and commit it.`);
    process.exit(1);
  }
  console.log('api types: up to date');
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
