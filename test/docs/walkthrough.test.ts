/**
 * docs/walkthrough.md is the scenario the example app builds and its tests cite: its principal table must list exactly
 * the example model's principals and service accounts, with the fixed values the app uses, so the page cannot drift
 * from the code it describes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EXAMPLE_ACCOUNT, EXAMPLE_CLUSTER_NAME, EXAMPLE_DEV_NAMESPACE, EXAMPLE_REGION, exampleAccessModel,
} from '../../examples/app/example-access';
import { AuthenticationMode } from '../../lib/model';

const page = readFileSync(join(__dirname, '..', '..', 'docs', 'walkthrough.md'), 'utf8');
const section = (title: string) => page.slice(page.indexOf(title), page.indexOf('\n## ', page.indexOf(title) + 1));
/** The first cell of each body row of the table in `text` (backticks removed). */
const firstCells = (text: string) => [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);

test.each([AuthenticationMode.API, AuthenticationMode.CONFIG_MAP])('section 2 lists exactly the model\'s principals and service accounts (%s)', (mode) => {
  const model = exampleAccessModel(mode);
  const inModel = [
    ...model.principals.map((p) => p.id),
    ...model.serviceAccounts.map((sa) => `${sa.namespace}/${sa.name}`),
  ].sort();
  expect(firstCells(section('## 2. After')).sort()).toEqual(inModel);
});

test('the fixed values on the page are the app\'s', () => {
  expect(page).toContain(`account \`${EXAMPLE_ACCOUNT}\``);
  expect(page).toContain(`region \`${EXAMPLE_REGION}\``);
  expect(page).toContain(`cluster \`${EXAMPLE_CLUSTER_NAME}\``);
  expect(page).toContain(`namespace \`${EXAMPLE_DEV_NAMESPACE}\``);
});

test('every test file the page names exists', () => {
  const named = [...new Set([...page.matchAll(/`(test\/[^`]+\.(?:ts|yaml))`/g)].map((m) => m[1]))];
  expect(named.length).toBeGreaterThan(4);
  expect(named.filter((file) => !existsSync(join(__dirname, '..', '..', file)))).toEqual([]);
});
