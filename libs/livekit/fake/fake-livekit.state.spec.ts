import fc from 'fast-check';
import { EgressStatus as SdkEgressStatus } from 'livekit-server-sdk';
import { egressStatusFromSdk } from '../livekit.mappers';
import { TERMINAL_EGRESS_STATUSES } from '../livekit.port';
import {
  FakeLiveKitState,
  TERMINAL,
  type EgressStatusName,
  type WebhookPayload,
} from './fake-livekit.state';
import { TwirpFault } from './twirp';

const URLS = [
  'rtmp://a.rtmp.youtube.com/live2/youtube-key-0001',
  'rtmps://live.twitch.tv/app/twitch-key-0002',
  'rtmps://kick.example/app/kick-key-0003',
];
const KEYS = ['youtube-key-0001', 'twitch-key-0002', 'kick-key-0003'];

const ALLOWED: Record<EgressStatusName, EgressStatusName[]> = {
  EGRESS_STARTING: ['EGRESS_ACTIVE', 'EGRESS_ENDING', 'EGRESS_FAILED', 'EGRESS_COMPLETE'],
  EGRESS_ACTIVE: ['EGRESS_ENDING', 'EGRESS_FAILED', 'EGRESS_COMPLETE'],
  EGRESS_ENDING: ['EGRESS_COMPLETE', 'EGRESS_FAILED'],
  EGRESS_COMPLETE: [],
  EGRESS_FAILED: [],
  EGRESS_ABORTED: [],
  EGRESS_LIMIT_REACHED: [],
};

const urlSet = fc.subarray(URLS, { minLength: 1 });
const op = fc.oneof(
  fc.record({
    kind: fc.constant('update' as const),
    add: fc.subarray(URLS),
    remove: fc.subarray(URLS),
  }),
  fc.record({ kind: fc.constant('stop' as const) }),
  fc.record({ kind: fc.constant('advance' as const) }),
  fc.record({ kind: fc.constant('fail' as const) }),
  fc.record({ kind: fc.constant('failUrl' as const), url: fc.constantFrom(...URLS) }),
  fc.record({ kind: fc.constant('closeRoom' as const) }),
);

describe('fake egress state machine (stream status transitions)', () => {
  it('only moves along LiveKit transitions, ends once, and a terminal egress never changes again', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        urlSet,
        fc.array(op, { maxLength: 12 }),
        (autoAdvance, urls, ops) => {
          const events: WebhookPayload[] = [];
          const state = new FakeLiveKitState({ autoAdvance, emit: (e) => events.push(e) });
          state.join('room', 'creator');
          const started = state.startEgress({
            kind: 'room_composite',
            roomName: 'room',
            urls,
            options: {},
          });
          const egressId = String(started.egress_id);
          expect(started.status).toBe('EGRESS_STARTING');
          let previous: EgressStatusName = 'EGRESS_STARTING';
          const seen: EgressStatusName[] = [previous];

          for (const o of ops) {
            try {
              if (o.kind === 'update') state.updateStream(egressId, o.add, o.remove);
              if (o.kind === 'stop') state.stopEgress(egressId);
              if (o.kind === 'advance') state.advanceEgress(egressId);
              if (o.kind === 'fail') state.failEgress(egressId, 'boom');
              if (o.kind === 'failUrl') state.failUrl(o.url, 'refused');
              if (o.kind === 'closeRoom' && state.rooms.has('room')) state.deleteRoom('room');
            } catch (err) {
              // Refusals are Twirp errors, and a refused call changes nothing.
              expect(err).toBeInstanceOf(TwirpFault);
            }
            const egress = state.requireEgress(egressId);
            if (egress.status !== previous) {
              expect(ALLOWED[previous]).toContain(egress.status);
              seen.push(egress.status);
            }
            previous = egress.status;
            if (TERMINAL.has(egress.status)) {
              expect(egress.endedAt).toBeGreaterThan(0n);
              expect(egress.streams.some((s) => s.status === 'ACTIVE')).toBe(false);
            }
          }

          const ended = events.filter((e) => e.event === 'egress_ended');
          expect(ended).toHaveLength(TERMINAL.has(previous) ? 1 : 0);
          const reported = JSON.stringify([events, state.listEgress({})]);
          for (const key of KEYS) expect(reported).not.toContain(key);
          expect(new Set(seen).size).toBe(seen.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a destination added after its URL started failing starts as FAILED', () => {
    const state = new FakeLiveKitState();
    state.join('room', 'creator');
    state.failUrl(URLS[1], 'refused');
    const info = state.startEgress({
      kind: 'room_composite',
      roomName: 'room',
      urls: [URLS[0]],
      options: {},
    });
    const updated = state.updateStream(String(info.egress_id), [URLS[1]], []);
    expect((updated.stream_results as { status: string }[]).map((s) => s.status)).toEqual([
      'ACTIVE',
      'FAILED',
    ]);
  });

  it('the port and the fake agree on which egress statuses are terminal', () => {
    const numbers = Object.values(SdkEgressStatus).filter(
      (v): v is SdkEgressStatus => typeof v === 'number',
    );
    const terminalByPort = numbers.filter((n) =>
      TERMINAL_EGRESS_STATUSES.includes(egressStatusFromSdk(n)),
    );
    const terminalByFake = numbers.filter((n) =>
      TERMINAL.has(SdkEgressStatus[n] as EgressStatusName),
    );
    expect(terminalByPort).toEqual(terminalByFake);
    expect(new Set(numbers.map(egressStatusFromSdk)).size).toBe(numbers.length);
  });
});
