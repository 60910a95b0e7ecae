/** The GetCallerIdentity JSON reply both verification-CPU sides parse (same bytes as bench/go/verify-cpu/main.go). */
export const CANNED_STS_REPLY =
  '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012",' +
  '"Arn":"arn:aws:iam::123456789012:user/bench","UserId":"AIDACKCEVSQ6C2EXAMPLE"},' +
  '"ResponseMetadata":{"RequestId":"01234567-89ab-cdef-0123-456789abcdef"}}}';
