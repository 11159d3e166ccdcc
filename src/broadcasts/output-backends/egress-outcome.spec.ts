import { redactStreamUrl, type EgressInfo } from '../../../libs/livekit';
import { egressUrlOf, needsAdding, outcomeFromEgress } from './egress-outcome';
import type { OutputDestination } from './output-backend';

const twitch: OutputDestination & { streamKey: string } = {
  outputId: 'o1',
  platform: 'twitch',
  enabled: true,
  status: 'pending',
  providerOutputId: null,
  ingestUrl: 'rtmps://live.twitch.tv:443/app/',
  streamKey: 'live_123456789',
};
const url = 'rtmps://live.twitch.tv:443/app/live_123456789';

function egress(patch: Partial<EgressInfo>): EgressInfo {
  return { egressId: 'EG_1', roomName: 'alice', status: 'active', streams: [], ...patch };
}

describe('outcomeFromEgress', () => {
  it('joins ingest URL and key the way the platforms expect', () => {
    expect(egressUrlOf(twitch)).toBe(url);
  });

  it('maps each redacted stream result to its platform output', () => {
    const reported = redactStreamUrl(url);
    expect(reported).not.toContain(twitch.streamKey);
    const on = (status: 'active' | 'finished' | 'failed', error?: string) =>
      outcomeFromEgress(egress({ streams: [{ url: reported, status, error }] }), twitch);
    expect(on('active')).toMatchObject({ status: 'active', providerOutputId: 'EG_1' });
    expect(on('finished')).toMatchObject({ status: 'removed' });
    expect(on('failed', 'refused')).toMatchObject({ status: 'failed', error: 'refused' });
  });

  it('takes the active entry of a URL that was removed and added again', () => {
    const reported = redactStreamUrl(url);
    const e = egress({
      streams: [
        { url: reported, status: 'finished' },
        { url: reported, status: 'active' },
      ],
    });
    expect(outcomeFromEgress(e, twitch).status).toBe('active');
    expect(needsAdding(e, twitch)).toBe(false);
  });

  it('fails every output of an egress that failed, and removes them when it completed', () => {
    expect(outcomeFromEgress(egress({ status: 'failed', error: 'boom' }), twitch)).toMatchObject({
      status: 'failed',
      error: 'boom',
    });
    expect(outcomeFromEgress(egress({ status: 'complete' }), twitch).status).toBe('removed');
  });

  it('counts a destination a starting egress has not reported yet as active, and leaves it be', () => {
    const starting = egress({ status: 'starting' });
    expect(outcomeFromEgress(starting, twitch).status).toBe('active');
    expect(needsAdding(starting, twitch)).toBe(false);
    expect(needsAdding(egress({}), twitch)).toBe(true); // running, and the URL is not there
    expect(
      needsAdding(
        egress({ streams: [{ url: 'rtmp://x/app/{abc...xyz}', status: 'active' }] }),
        twitch,
      ),
    ).toBe(true);
  });

  it('reports a platform without a stream key as not connected', () => {
    expect(outcomeFromEgress(egress({}), { ...twitch, streamKey: null })).toMatchObject({
      status: 'failed',
      error: 'twitch is not connected (no stream key)',
    });
  });
});
