import { Testing } from 'cdk8s';
import { IamIdentityMapping, IamIdentityMappingCrd, mappingNameForArn } from '../../lib/k8s';
import { registerCrd, validateAll, validateManifest } from './validate-manifest';

describe('IAMIdentityMapping and its CRD', () => {
  test('CRD and objects synthesize, validate against the CRD schema, have stable names and no namespace', () => {
    const chart = Testing.chart();
    new IamIdentityMappingCrd(chart, 'Crd');
    new IamIdentityMapping(chart, 'Admin', { arn: 'arn:aws:iam::111122223333:user/KubernetesAdmin', username: 'kubernetes-admin', groups: ['system:masters'] });
    new IamIdentityMapping(chart, 'Dev', { arn: 'arn:aws:iam::111122223333:role/teams/Developer', username: 'dev:{{SessionName}}' });
    const objs = Testing.synth(chart);
    const [crd, admin, dev] = objs;
    expect(crd.kind).toBe('CustomResourceDefinition');
    expect(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.required).toEqual(['arn', 'username']);
    registerCrd(crd);
    validateAll(objs);
    expect(admin).toMatchObject({ apiVersion: 'iamauthenticator.k8s.aws/v1alpha1', kind: 'IAMIdentityMapping', spec: { username: 'kubernetes-admin', groups: ['system:masters'] } });
    expect(dev.spec).toEqual({ arn: 'arn:aws:iam::111122223333:role/Developer', username: 'dev:{{SessionName}}' });
    for (const o of objs) expect(o.metadata.namespace).toBeUndefined();
    expect(admin.metadata.name).toBe(mappingNameForArn('arn:aws:iam::111122223333:user/KubernetesAdmin'));
    expect(admin.metadata.name).toMatch(/^kubernetesadmin-[0-9a-f]{10}$/);
    expect(() => validateManifest({ ...admin, spec: { arn: 'x' } })).toThrow(/username/);
    expect(objs).toMatchSnapshot();
  });

  test('a bad ARN or a missing username is a synth error naming the construct', () => {
    expect(() => new IamIdentityMapping(Testing.chart(), 'Bad', { arn: 'arn:aws:s3:::bucket', username: 'x' })).toThrow(/test\/Bad: arn "arn:aws:s3:::bucket" is not an IAM ARN/);
    expect(() => new IamIdentityMapping(Testing.chart(), 'NoUser', { arn: 'arn:aws:iam::111122223333:user/a', username: '' })).toThrow(/test\/NoUser: username is required/);
  });
});
