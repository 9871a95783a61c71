import { describe, expect, it } from 'vitest';
import { chainEvents } from '../../src/adapters/audit/chain.js';
import { frame, toSyslogMessage } from '../../src/adapters/siem/syslog-format.js';

const options = { facility: 13, hostname: 'notary-1', appName: 'afdp-notary', procId: '42' };

describe('RFC 5424 message and RFC 5425 frame of an audit record', () => {
  it('escapes structured-data values and counts the frame in UTF-8 bytes', () => {
    const [record] = chainEvents(
      undefined,
      [{ event: 'auth.denied', outcome: 'denied', principal: 'jwt:ärzte"]\\x', details: { route: 'GET /x' } }],
      '2026-12-01T10:00:00.000Z',
    );
    const message = toSyslogMessage(record!, options);
    // facility 13 × 8 + warning (4)
    expect(message.startsWith('<108>1 2026-12-01T10:00:00.000Z notary-1 afdp-notary 42 auth.denied [afdp@32473 seq="1" ')).toBe(true);
    expect(message).toContain('principal="jwt:ärzte\\"\\]\\\\x"]');
    const framed = frame(message);
    const space = framed.indexOf(0x20);
    expect(Number(framed.subarray(0, space).toString())).toBe(Buffer.byteLength(message));
    expect(framed.length).toBe(space + 1 + Buffer.byteLength(message));
    const json = JSON.parse(message.slice(message.indexOf('\uFEFF') + 1)) as Record<string, unknown>;
    expect(json).toEqual({ ...record });
  });

  it('keeps MSGID printable ASCII, at most 32 characters; success is informational', () => {
    const [record] = chainEvents(
      undefined,
      [{ event: `évènement ${'x'.repeat(40)}`, outcome: 'success', principal: null, details: {} }],
      '2026-12-01T10:00:00.000Z',
    );
    const parts = toSyslogMessage(record!, options).split(' ');
    expect(parts[0]).toBe('<110>1');
    expect(parts[5]).toMatch(/^[\x21-\x7e]{1,32}$/);
    expect(toSyslogMessage(record!, options)).not.toContain('principal=');
  });
});
