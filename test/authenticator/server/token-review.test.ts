import { MalformedReview, parseTokenReview, successReview } from '../../../authenticator/server/token-review';
import type { Identity } from '../../../authenticator/identity';

const identity: Identity = {
  arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
  canonicalArn: 'arn:aws:iam::111122223333:role/Admin',
  accountId: '111122223333',
  userId: 'AROAEXAMPLE',
  sessionName: 'alice',
  accessKeyId: 'ASIAEXAMPLE',
  stsEndpoint: 'sts.us-east-1.amazonaws.com',
};

describe('TokenReview wire format', () => {
  it.each(['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1'])('parses %s with audiences', (apiVersion) => {
    const r = parseTokenReview(Buffer.from(JSON.stringify({ apiVersion, kind: 'TokenReview', spec: { token: 't', audiences: ['a'] } })));
    expect(r).toEqual({ apiVersion, token: 't', audiences: ['a'] });
  });

  it.each([
    ['', /empty body/],
    ['{', /not JSON/],
    ['[]', /TokenReview object/],
    ['null', /TokenReview object/],
    ['{"apiVersion":"v1","kind":"TokenReview","spec":{"token":"t"}}', /apiVersion must be one of/],
    ['{"apiVersion":"authentication.k8s.io/v1","kind":"SubjectAccessReview","spec":{"token":"t"}}', /kind must be TokenReview/],
    ['{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview"}', /spec must be an object/],
    ['{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":""}}', /spec.token must be a non-empty string/],
    ['{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":5}}', /spec.token/],
    ['{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"t","audiences":"x"}}', /audiences must be a list/],
  ])('rejects %s', (body, reason) => {
    expect(() => parseTokenReview(body)).toThrow(MalformedReview);
    expect(() => parseTokenReview(body)).toThrow(reason);
  });

  it('answers with the reference uid and the six extra keys, omitting empty groups', () => {
    const r = successReview('authentication.k8s.io/v1beta1', identity, { username: 'alice', groups: [] }, []);
    expect(r.apiVersion).toBe('authentication.k8s.io/v1beta1');
    expect(r.status.user).toEqual({
      username: 'alice',
      uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLE',
      extra: {
        'arn': [identity.arn],
        'canonicalArn': [identity.canonicalArn],
        'sessionName': ['alice'],
        'accessKeyId': ['ASIAEXAMPLE'],
        'principalId': ['AROAEXAMPLE'],
        'sigs.k8s.io/aws-iam-authenticator/principalId': ['AROAEXAMPLE'],
      },
    });
    expect(r.status.audiences).toBeUndefined();
  });
});
