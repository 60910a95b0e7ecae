/**
 * The fleet file parser (lib/live/fleet/fleet-file.ts): what a valid file gives, and every hostile form refused with
 * the field path, what would be valid and the rule id.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_FLEET_FILE_BYTES, parseFleet, readFleet } from '../../lib/live/fleet/fleet-file';
import { RuleError } from '../../lib/model/rule-error';

const FILE = '/fleets/fleet.yaml';
const VALID = `
clusters:
  - name: prod-eu
    clusterName: main
    account: "111111111111"
    region: eu-west-1
    readRoleArn: arn:aws:iam::111111111111:role/eks-access-reader
    externalId: ext-1
    kubeconfig: kube/prod.yaml
    context: prod-eu
    labels: { env: prod }
  - name: dev
    account: "222222222222"
    region: us-east-1
`;

function refused(text: string): RuleError {
  try {
    parseFleet(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleError);
    return e as RuleError;
  }
  throw new Error('parseFleet accepted it');
}

const one = (fields: string) => `clusters:\n  - name: a\n    account: "111111111111"\n    region: eu-west-1\n${fields}`;

describe('fleet file', () => {
  it('reads every field; clusterName defaults to name; a relative kubeconfig is relative to the fleet file', () => {
    const fleet = parseFleet(VALID, FILE);
    expect(fleet.clusters).toEqual([
      { name: 'prod-eu', clusterName: 'main', account: '111111111111', region: 'eu-west-1', readRoleArn: 'arn:aws:iam::111111111111:role/eks-access-reader',
        externalId: 'ext-1', kubeconfig: '/fleets/kube/prod.yaml', context: 'prod-eu', labels: { env: 'prod' } },
      { name: 'dev', clusterName: 'dev', account: '222222222222', region: 'us-east-1', labels: {} },
    ]);
  });

  it.each([
    ['an unknown key', one('    roleArn: x\n'), 'eks-access:fleet-file', 'clusters[0].roleArn is not a field of a fleet cluster (valid: name, clusterName'],
    ['an unknown top-level key', `clusterz: []\n${one('')}`, 'eks-access:fleet-file', 'clusterz is not a field of a fleet file'],
    ['an unquoted account (a number)', 'clusters:\n  - name: a\n    account: 111111111111\n    region: eu-west-1\n', 'eks-access:fleet-file', 'clusters[0].account must be a string, not number (quote the account id'],
    ['a short account', 'clusters:\n  - name: a\n    account: "1111"\n    region: eu-west-1\n', 'eks-access:fleet-file', 'clusters[0].account "1111" must be a 12-digit AWS account id'],
    ['a missing region', 'clusters:\n  - name: a\n    account: "111111111111"\n', 'eks-access:fleet-file', 'clusters[0].region is required'],
    ['a user ARN as read role', one('    readRoleArn: arn:aws:iam::111111111111:user/x\n'), 'eks-access:fleet-file', 'clusters[0].readRoleArn "arn:aws:iam::111111111111:user/x" must be an IAM role ARN'],
    ['an externalId without a role', one('    externalId: abc\n'), 'eks-access:fleet-file', 'clusters[0].externalId goes with readRoleArn'],
    ['labels that are a list', one('    labels: [prod]\n'), 'eks-access:fleet-file', 'clusters[0].labels must be an object'],
    ['a label value that is a boolean', one('    labels: { prod: true }\n'), 'eks-access:fleet-file', 'clusters[0].labels.prod must be a string'],
    ['a path traversal name', 'clusters:\n  - name: ../../etc\n    account: "111111111111"\n    region: eu-west-1\n', 'eks-access:fleet-cluster-name', 'clusters[0].name "../../etc" is not an EKS cluster name'],
    ['a name with a slash', 'clusters:\n  - name: a/b\n    account: "111111111111"\n    region: eu-west-1\n', 'eks-access:fleet-cluster-name', 'is not an EKS cluster name'],
    ['a name of 101 characters', `clusters:\n  - name: ${'a'.repeat(101)}\n    account: "111111111111"\n    region: eu-west-1\n`, 'eks-access:fleet-cluster-name', 'is not an EKS cluster name'],
    ['duplicate names (case-insensitively)', `${one('')}  - name: A\n    account: "222222222222"\n    region: eu-west-1\n`, 'eks-access:fleet-cluster-name', 'clusters[1].name "A" is also the name of clusters[0]'],
    ['no clusters', 'clusters: []\n', 'eks-access:fleet-file', 'clusters must be a non-empty list'],
    ['a list at the top', '- name: a\n', 'eks-access:fleet-file', 'must be an object with `clusters:`'],
    ['a duplicate key', 'clusters: []\nclusters: []\n', 'eks-access:fleet-file', 'not valid YAML'],
    ['a wrong kind', `kind: Cluster\n${one('')}`, 'eks-access:fleet-file', 'kind must be Fleet, not "Cluster"'],
  ])('refuses %s, naming the field and the rule', (_what, text, rule, message) => {
    const e = refused(text);
    expect(e.ruleId).toBe(rule);
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message).toContain(message);
  });

  it('refuses a file above the bound before parsing it, and an alias bomb', () => {
    const big = `${one('')}#${'x'.repeat(MAX_FLEET_FILE_BYTES)}\n`;
    expect(refused(big).message).toContain(`larger than ${MAX_FLEET_FILE_BYTES} bytes`);
    const dir = mkdtempSync(join(tmpdir(), 'fleet-file-'));
    writeFileSync(join(dir, 'big.yaml'), big);
    expect(() => readFleet(join(dir, 'big.yaml'))).toThrow(/larger than/);
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const bomb = refused(`${levels.join('\n')}\n${one('')}`);
    expect(bomb.ruleId).toBe('eks-access:fleet-file');
  });

  it('escapes what it quotes from the file (a control character in a name stays \\u001b)', () => {
    const e = refused('clusters:\n  - name: "a\\u001b[31m"\n    account: "111111111111"\n    region: eu-west-1\n');
    expect(e.message).not.toContain('\u001b');
    expect(e.message).toContain('\\u001b');
  });

  it('lists every problem (up to 10) in one error', () => {
    const e = refused('clusters:\n  - name: a\n  - account: 1\n');
    expect(e.message).toContain('clusters[0].account is required');
    expect(e.message).toContain('clusters[1].name is required');
    expect(e.message).toContain('clusters[1].account must be a string');
  });

  it('readFleet names a missing file', () => {
    expect(() => readFleet('/nonexistent/fleet.yaml')).toThrow('/nonexistent/fleet.yaml: cannot be read: ENOENT [eks-access:fleet-file]');
  });
});
