/**
 * GetCallerIdentity replies are read as Go's encoding/json reads them into the reference's structs
 * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.10/pkg/token/token.go, getCallerIdentityWrapper):
 * keys match fields case-insensitively, and of several matching keys the last one wins.
 */
import { parseCallerIdentity } from '../../../authenticator/token/sts-reply';

const wrap = (result: string, response = 'GetCallerIdentityResponse', inner = 'GetCallerIdentityResult') =>
  `{"${response}":{"${inner}":${result},"ResponseMetadata":{"RequestId":"r"}}}`;

test('the exact field names', () => {
  expect(parseCallerIdentity(wrap('{"Account":"111122223333","Arn":"arn:aws:iam::111122223333:user/a","UserId":"AIDA1"}')))
    .toEqual({ account: '111122223333', arn: 'arn:aws:iam::111122223333:user/a', userId: 'AIDA1' });
});

test('keys in any case, at every level', () => {
  expect(parseCallerIdentity(wrap('{"ACCOUNT":"1","arn":"x","userID":"u"}', 'getcalleridentityresponse', 'GETCALLERIDENTITYRESULT')))
    .toEqual({ account: '1', arn: 'x', userId: 'u' });
});

test('of keys that differ only in case, the last one wins', () => {
  expect(parseCallerIdentity(wrap('{"Arn":"first","Account":"1","UserId":"u","ARN":"last"}')).arn).toBe('last');
  expect(parseCallerIdentity(wrap('{"arn":"first","Arn":"last","Account":"1","UserId":"u"}')).arn).toBe('last');
});

test('a missing or non-string field, or a result that is not an object, is refused', () => {
  const refused = 'STS reply lacks GetCallerIdentityResult Account, Arn or UserId';
  expect(() => parseCallerIdentity(wrap('{"Account":"1","Arn":"x"}'))).toThrow(refused);
  expect(() => parseCallerIdentity(wrap('{"Account":1,"Arn":"x","UserId":"u"}'))).toThrow(refused);
  expect(() => parseCallerIdentity(wrap('["Account","Arn","UserId"]'))).toThrow(refused);
  expect(() => parseCallerIdentity('{"GetCallerIdentityResponse":null}')).toThrow(refused);
  expect(() => parseCallerIdentity('{')).toThrow('invalid character in STS reply');
});

test('the XML reply', () => {
  expect(parseCallerIdentity('<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::1:assumed-role/R/a&amp;b</Arn><UserId>AROA:a</UserId><Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>'))
    .toEqual({ account: '1', arn: 'arn:aws:sts::1:assumed-role/R/a&b', userId: 'AROA:a' });
});
