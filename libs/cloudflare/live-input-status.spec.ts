import type { LiveInputStatus } from './cloudflare-stream.port';
import {
  isGone,
  isLive,
  isWobbling,
  LIVE_INPUT_STATUSES,
  normalizeLiveInputStatus,
} from './live-input-status';

describe('live input status', () => {
  const table: Array<[LiveInputStatus, { live: boolean; wobbling: boolean; gone: boolean }]> = [
    ['connected', { live: true, wobbling: false, gone: false }],
    ['reconnected', { live: true, wobbling: false, gone: false }],
    ['reconnecting', { live: false, wobbling: true, gone: false }],
    ['client_disconnect', { live: false, wobbling: false, gone: true }],
    ['ttl_exceeded', { live: false, wobbling: false, gone: true }],
    ['failed_to_connect', { live: false, wobbling: false, gone: true }],
    ['failed_to_reconnect', { live: false, wobbling: false, gone: true }],
    ['new_configuration_accepted', { live: false, wobbling: false, gone: false }],
    [null, { live: false, wobbling: false, gone: false }],
  ];

  it('covers every status Cloudflare documents', () => {
    expect(table.map(([s]) => s).filter((s) => s !== null)).toEqual([...LIVE_INPUT_STATUSES]);
  });

  it.each(table)('%s is classified', (status, expected) => {
    expect({ live: isLive(status), wobbling: isWobbling(status), gone: isGone(status) }).toEqual(
      expected,
    );
  });

  it.each(LIVE_INPUT_STATUSES)('normalizes %s from the string and the object form', (status) => {
    expect(normalizeLiveInputStatus(status)).toBe(status);
    expect(normalizeLiveInputStatus({ current: { state: status } })).toBe(status);
  });

  it.each([
    null,
    undefined,
    '',
    'live',
    'CONNECTED',
    42,
    {},
    { current: null },
    { current: { state: 'bogus' } },
    { state: 'connected' },
    ['connected'],
  ])('treats %p as null (unknown, never a guess)', (raw) => {
    expect(normalizeLiveInputStatus(raw)).toBeNull();
  });
});
