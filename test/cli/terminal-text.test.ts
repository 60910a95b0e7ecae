import { createProgress } from '../../bin/commands/progress';
import { hasUnsafeTerminalText, terminalSafe, terminalSafeJson } from '../../bin/commands/terminal-text';

describe('terminalSafe', () => {
  it('escapes ESC, CSI sequences, newlines, C1, separators and bidi controls into visible text', () => {
    const hostile = 'evil\x1b[2J\x1b[Hno drift\x1b[8m\r\n\t\x7f\x9b\u2028\u2029\u202e\u2066\u061c';
    const safe = terminalSafe(hostile);
    expect(safe).toBe('evil\\x1b[2J\\x1b[Hno drift\\x1b[8m\\x0d\\x0a\\x09\\x7f\\x9b\\u2028\\u2029\\u202e\\u2066\\u061c');
    expect(hasUnsafeTerminalText(safe)).toBe(false);
    expect(hasUnsafeTerminalText(hostile)).toBe(true);
  });

  it('leaves printable text, astral and combining characters as they are', () => {
    const text = 'role/Ädmin-é 🚀 system:masters "q" `b` ${x} */ \\';
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('createProgress', () => {
  function sink(isTTY: boolean) {
    const written: string[] = [];
    return { written, stream: { isTTY, write: (c: string) => { written.push(c); return true; } } };
  }

  it('draws nothing when stderr is not a terminal, or when quiet', () => {
    const pipe = sink(false);
    createProgress({ stream: pipe.stream }).update({ phase: 'x', done: 1, total: 2 });
    const quiet = sink(true);
    createProgress({ stream: quiet.stream, quiet: true }).update({ phase: 'x', done: 1, total: 2 });
    expect([...pipe.written, ...quiet.written]).toEqual([]);
  });

  it('redraws at most once per interval on a terminal, always on the last item, escapes labels and clears the line', () => {
    const tty = sink(true);
    let t = 0;
    const p = createProgress({ stream: tty.stream, intervalMs: 100, now: () => t });
    p.update({ phase: 'reading\x1b]0;pwned\x07', done: 1, total: 3 });
    t = 50; p.update({ phase: 'reading\x1b]0;pwned\x07', done: 2, total: 3 });
    t = 60; p.update({ phase: 'reading\x1b]0;pwned\x07', done: 3, total: 3 });
    p.done();
    expect(tty.written).toEqual([
      '\r\x1b[2Kreading\\x1b]0;pwned\\x07 1/3',
      '\r\x1b[2Kreading\\x1b]0;pwned\\x07 3/3',
      '\r\x1b[2K',
    ]);
  });
});

describe('terminalSafeJson', () => {
  it('escapes what JSON.stringify leaves raw, and the text is still the same JSON value', () => {
    const value = { arn: 'arn:aws:sts::1:assumed-role/x/\u202eevil\u2028\x9b\x7f', c0: '\x1b[2J' };
    const shown = terminalSafeJson(JSON.stringify(value, null, 2));
    expect(hasUnsafeTerminalText(shown.replace(/\n/g, ''))).toBe(false);
    expect(JSON.parse(shown)).toEqual(value);
    expect(shown).toContain('\\u202e');
  });
});
