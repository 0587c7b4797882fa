import { describe, expect, it } from 'vitest';
import { escapeXml } from './xml.ts';

describe('escapeXml', () => {
  it('escapes the five markup characters', () => {
    expect(escapeXml(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &apos; f');
  });

  it('drops the characters XML 1.0 cannot hold and keeps every other one', () => {
    const bad = ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001b', '\u001f', '\ud800', '\udfff', '\ufffe', '\uffff'];
    expect(escapeXml(`x${bad.join('x')}x`)).toBe('x'.repeat(bad.length + 1));
    const kept = '\t\n\r ~\u007f\u0085é\u2028\ud7ff\ue000\ufffd😀\u{10ffff}';
    expect(escapeXml(kept)).toBe(kept);
    // A pair is one character; its halves alone are not, in either order.
    expect(escapeXml('\udc00\ud800')).toBe('');
  });
});
