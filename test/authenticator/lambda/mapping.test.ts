import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../authenticator/config-reader';
import type { Identity } from '../../../authenticator/identity';
import { DEPLOY_ROWS_VARIABLE, loadMapper } from '../../../authenticator/lambda/mapping';
import { SILENT_LOGGER } from '../../../authenticator/mapper/types';

const role = (name: string, session = 'alice'): Identity => ({
  arn: `arn:aws:sts::111122223333:assumed-role/${name}/${session}`,
  canonicalArn: `arn:aws:iam::111122223333:role/${name}`,
  accountId: '111122223333',
  userId: `AROAEXAMPLE:${session}`,
  sessionName: session,
  accessKeyId: 'ASIAEXAMPLE',
  stsEndpoint: 'sts.us-east-1.amazonaws.com',
});

describe('Lambda mapping: the layer file plus the rows CloudFormation completes at deploy time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-mapping-'));
  const file = join(dir, 'mapping.json');
  writeFileSync(file, JSON.stringify({ mapRoles: [{ rolearn: 'arn:aws:iam::111122223333:role/Admin', username: 'admin', groups: ['admins'] }] }));

  test('a role only in the deploy-time rows (created in the same CDK app) is mapped beside the file rows', async () => {
    const mapper = await loadMapper({
      EKS_ACCESS_MAPPING_FILE: file,
      [DEPLOY_ROWS_VARIABLE]: JSON.stringify({ mapRoles: [{ rolearn: 'arn:aws:iam::111122223333:role/Stack-CiRole-ABC', username: 'ci', groups: ['ci'] }] }),
    }, SILENT_LOGGER, 'us-east-1');
    expect(await mapper.map(role('Stack-CiRole-ABC'))).toMatchObject({ username: 'ci', groups: ['ci'] });
    expect(await mapper.map(role('Admin'))).toMatchObject({ username: 'admin', groups: ['admins'] });
    expect(await mapper.map(role('Other'))).toBeUndefined();
  });

  test('a malformed deploy-time document fails the cold start naming the variable', async () => {
    await expect(loadMapper({ EKS_ACCESS_MAPPING_FILE: file, [DEPLOY_ROWS_VARIABLE]: '{"mapRoles":' }, SILENT_LOGGER, 'us-east-1'))
      .rejects.toThrow(ConfigError);
    await expect(loadMapper({ EKS_ACCESS_MAPPING_FILE: file, [DEPLOY_ROWS_VARIABLE]: '{"mapRoles":' }, SILENT_LOGGER, 'us-east-1'))
      .rejects.toThrow(DEPLOY_ROWS_VARIABLE);
  });
});
