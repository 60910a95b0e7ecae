/** `-l/--selector` of the fleet commands: kubectl's equality-based label selectors (lib/model/label-selector.ts). */
import { parseLabelSelector, selectorMatches } from '../../lib/model/label-selector';

function parsed(text: string) {
  const r = parseLabelSelector(text);
  if ('error' in r) throw new Error(`unexpected: ${r.error}`);
  return r.selector;
}
const errorOf = (text: string) => {
  const r = parseLabelSelector(text);
  return 'error' in r ? r.error : undefined;
};

describe('parseLabelSelector', () => {
  it('reads =, == and != joined by commas, spaces around them allowed (as kubectl)', () => {
    expect(parsed('env=prod, tier == web,team!=ops').requirements).toEqual([
      { key: 'env', operator: '=', value: 'prod' }, { key: 'tier', operator: '=', value: 'web' }, { key: 'team', operator: '!=', value: 'ops' },
    ]);
    expect(parsed('example.com/owner=platform').requirements).toEqual([{ key: 'example.com/owner', operator: '=', value: 'platform' }]);
    expect(parsed('env=').requirements).toEqual([{ key: 'env', operator: '=', value: '' }]); // the empty value is a label value
  });

  it('refuses what is not an equality selector, saying so', () => {
    expect(errorOf('env in (prod,dev)')).toMatch(/set-based selectors .* are not supported/);
    expect(errorOf('env')).toMatch(/^'env' is not key=value, key==value or key!=value \(set-based/);
    expect(errorOf('!env')).toMatch(/set-based/);
    expect(errorOf('env=prod,')).toMatch(/^'' is not key=value/);
    expect(errorOf('')).toMatch(/is empty/);
    expect(errorOf('env=a=b')).toMatch(/is not key=value/);
    expect(errorOf('-env=prod')).toMatch(/label key "-env" is invalid/);
    expect(errorOf('env=pr od')).toMatch(/is not key=value/);
    expect(errorOf('env=prod!')).toMatch(/is not key=value/);
    expect(errorOf(`env=${'x'.repeat(64)}`)).toMatch(/label value .* is invalid/);
    expect(errorOf('a=b,'.repeat(2000))).toMatch(/longer than 4096 characters/);
  });
});

describe('selectorMatches (Kubernetes semantics)', () => {
  it('= needs the label with that value; != holds when the label differs or is absent; all must hold', () => {
    expect(selectorMatches(parsed('env=prod'), { env: 'prod', team: 'a' })).toBe(true);
    expect(selectorMatches(parsed('env=prod'), { env: 'dev' })).toBe(false);
    expect(selectorMatches(parsed('env=prod'), {})).toBe(false);
    expect(selectorMatches(parsed('env!=prod'), { env: 'dev' })).toBe(true);
    expect(selectorMatches(parsed('env!=prod'), {})).toBe(true);
    expect(selectorMatches(parsed('env!=prod'), { env: 'prod' })).toBe(false);
    expect(selectorMatches(parsed('env=prod,team=a'), { env: 'prod', team: 'b' })).toBe(false);
    // An inherited property is not a label.
    expect(selectorMatches(parsed('constructor!=x'), {})).toBe(true);
    expect(selectorMatches(parsed('toString=x'), {})).toBe(false);
  });
});
