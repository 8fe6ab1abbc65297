// validate.mjs FILE — validates the OpenAPI document in FILE with
// @seriousme/openapi-schema-validator and prints its verdict as one JSON
// line: {"valid": true|false, "version": "3.1", "errors": [...]}.
import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs FILE');
  process.exit(2);
}
const validator = new Validator();
const result = await validator.validate(JSON.parse(readFileSync(file, 'utf8')));
console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? [] }));
