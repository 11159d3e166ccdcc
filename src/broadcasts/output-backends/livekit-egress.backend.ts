import { Logger } from '@nestjs/common';
import { ProviderError } from '../../../libs/common/provider-error';
import type { EgressInfo, LiveKitPort } from '../../../libs/livekit';
import { egressUrlOf, isPushing, needsAdding, outcomeFromEgress } from './egress-outcome';
import {
  CleanupIncompleteError,
  describeError,
  notConnected,
  type DestinationOutcome,
  type OutputBackend,
  type OutputDestination,
} from './output-backend';

type Ready = OutputDestination & { streamKey: string };

/**
 * LiveKit: one room-composite RTMP egress per broadcast, pushing to one URL per platform
 * (the platform's ingest URL + '/' + stream key). Every output row of the broadcast keeps
 * the egress id as its `providerOutputId`; each URL's stream result is that platform's
 * status. Starting an egress is never retried blindly (a 5xx may have started it): the
 * room's active egresses are listed first, and again after a failed start, and a running
 * one is adopted; extra ones are stopped, so there is never a second egress.
 */
export class LiveKitEgressBackend implements OutputBackend {
  readonly source = 'livekit' as const;
  private readonly logger = new Logger(LiveKitEgressBackend.name);

  constructor(private readonly livekit: LiveKitPort | null) {}

  async start(userId: string, destinations: OutputDestination[]): Promise<DestinationOutcome[]> {
    const lk = this.port();
    const wanted = destinations.filter((d): d is Ready => Boolean(d.streamKey) && d.enabled);
    let egress = await this.adopt(lk, userId, destinations);
    const sent = new Set<string>();
    if (!egress && wanted.length > 0) {
      try {
        egress = await this.startEgress(lk, userId, wanted);
        wanted.forEach((d) => sent.add(d.outputId));
      } catch (err) {
        const adopted = await this.adopt(lk, userId, destinations).catch(() => undefined);
        if (!adopted) return destinations.map((d) => failedOrNotConnected(d, err));
        egress = adopted;
      }
    } else if (egress) {
      const missing = wanted.filter((d) => needsAdding(egress!, d));
      if (missing.length > 0) {
        try {
          egress = await lk.updateStream(egress.egressId, missing.map(egressUrlOf), []);
          missing.forEach((d) => sent.add(d.outputId));
        } catch (err) {
          const running = egress;
          const refused = new Set(missing.map((d) => d.outputId));
          return destinations.map((d) =>
            refused.has(d.outputId)
              ? failedOrNotConnected(d, err, running.egressId)
              : outcomeFromEgress(running, d),
          );
        }
      }
    }
    // Nothing to push: every destination is disconnected or paused.
    if (!egress)
      return destinations.map((d) => (d.streamKey ? { status: 'removed' } : notConnected(d)));
    const final = egress;
    return destinations.map((d) => outcomeFromEgress(final, d, sent.has(d.outputId)));
  }

  async setEnabled(
    userId: string,
    d: OutputDestination,
    enabled: boolean,
  ): Promise<DestinationOutcome | null> {
    const lk = this.port();
    if (!d.streamKey) return enabled ? notConnected(d) : null;
    const ready: Ready = { ...d, streamKey: d.streamKey, enabled };
    const egress = await this.adopt(lk, userId, [d]);
    if (enabled) {
      if (!egress)
        return outcomeFromEgress(await this.startEgress(lk, userId, [ready]), ready, true);
      if (!needsAdding(egress, ready)) return outcomeFromEgress(egress, ready);
      const updated = await lk.updateStream(egress.egressId, [egressUrlOf(ready)], []);
      return outcomeFromEgress(updated, ready, true);
    }
    // LiveKit cannot pause one destination: pausing removes its URL from the egress.
    if (!egress || !isPushing(egress, ready)) return { status: 'removed' };
    const updated = await lk.updateStream(egress.egressId, [], [egressUrlOf(ready)]);
    return outcomeFromEgress(updated, ready);
  }

  async verify(
    userId: string,
    destinations: OutputDestination[],
  ): Promise<(DestinationOutcome | null)[]> {
    const lk = this.port();
    const live = destinations.filter(
      (d): d is Ready => Boolean(d.streamKey) && d.enabled && d.status !== 'removing',
    );
    let egress = await this.adopt(lk, userId, destinations);
    const sent = new Set<string>();
    if (!egress) {
      if (live.length === 0) return destinations.map(() => null);
      // The egress is gone while we are live (it failed or was stopped): start it again.
      egress = await this.startEgress(lk, userId, live);
      live.forEach((d) => sent.add(d.outputId));
    } else {
      const add = live.filter((d) => needsAdding(egress!, d));
      const remove = destinations.filter(
        (d): d is Ready => Boolean(d.streamKey) && !d.enabled && isPushing(egress!, d),
      );
      if (add.length > 0 || remove.length > 0) {
        egress = await lk.updateStream(
          egress.egressId,
          add.map(egressUrlOf),
          remove.map(egressUrlOf),
        );
        add.forEach((d) => sent.add(d.outputId));
      }
    }
    const final = egress;
    return destinations.map((d) => {
      if (d.status === 'removing') return null;
      if (!d.streamKey) return d.enabled ? notConnected(d) : null;
      return outcomeFromEgress(final, d, sent.has(d.outputId));
    });
  }

  async removeAll(userId: string): Promise<number> {
    if (!this.livekit) return 0; // never configured: nothing can exist there
    const lk = this.livekit;
    const roomName = lk.roomNameForUser(userId);
    const running = await lk.listEgress({ roomName, active: true });
    if (running.length === 0) return 0;
    await Promise.all(running.map((e) => lk.stopEgress(e.egressId)));
    const left = await lk.listEgress({ roomName, active: true });
    if (left.length > 0)
      throw new CleanupIncompleteError(`${left.length} egress(es) still active after stop`);
    return running.length;
  }

  private startEgress(lk: LiveKitPort, userId: string, ds: Ready[]): Promise<EgressInfo> {
    return lk.startRoomCompositeEgress(lk.roomNameForUser(userId), ds.map(egressUrlOf));
  }

  /**
   * The room's running egress, if any. With more than one (a crash between start and
   * record, an ambiguous 5xx), the one our rows name is kept (else the oldest) and the
   * others are stopped.
   */
  private async adopt(
    lk: LiveKitPort,
    userId: string,
    destinations: OutputDestination[],
  ): Promise<EgressInfo | undefined> {
    const running = await lk.listEgress({ roomName: lk.roomNameForUser(userId), active: true });
    if (running.length <= 1) return running[0];
    const known = new Set(destinations.map((d) => d.providerOutputId));
    const oldestFirst = [...running].sort(
      (a, b) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0),
    );
    const keep = oldestFirst.find((e) => known.has(e.egressId)) ?? oldestFirst[0];
    for (const extra of running.filter((e) => e !== keep)) {
      this.logger.warn({ userId, egressId: extra.egressId }, 'Stopping a duplicate egress');
      await lk.stopEgress(extra.egressId);
    }
    return keep;
  }

  private port(): LiveKitPort {
    if (!this.livekit) {
      throw new ProviderError('livekit', 'unavailable', 'LiveKit is not configured (LIVEKIT_URL)');
    }
    return this.livekit;
  }
}

function failedOrNotConnected(
  d: OutputDestination,
  err: unknown,
  providerOutputId?: string,
): DestinationOutcome {
  if (!d.streamKey) return notConnected(d);
  return {
    status: 'failed',
    error: describeError(err),
    attempted: true,
    ...(providerOutputId ? { providerOutputId } : {}),
  };
}
