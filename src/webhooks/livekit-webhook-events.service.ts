import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  LIVEKIT,
  WebhookVerificationError,
  type LiveKitPort,
  type LiveKitWebhookEvent,
} from '../../libs/livekit';
import { OutputsService } from '../broadcasts/outputs.service';
import { ApiError } from '../common/errors/api-error';
import { creatorPresence, type CreatorPresence } from '../livestream/creator-presence';
import { LiveStreamRecords } from '../livestream/live-stream.records';
import { requireLiveKit } from '../livestream/livekit-access';
import { SessionRegistry } from '../sessions/session-registry';

/**
 * Verifies LiveKit webhooks and routes them: the creator's presence in their own room
 * becomes an INPUT observation for their session actor (in the session's Cloudflare
 * vocabulary, so the grace period applies as for any encoder); egress reports become
 * per-platform output status.
 */
@Injectable()
export class LiveKitWebhookEventsService {
  private readonly logger = new Logger(LiveKitWebhookEventsService.name);

  constructor(
    @Inject(LIVEKIT) private readonly livekit: LiveKitPort | null,
    private readonly records: LiveStreamRecords,
    private readonly registry: SessionRegistry,
    private readonly outputs: OutputsService,
  ) {}

  async receive(
    rawBody: string,
    authorization: string | undefined,
  ): Promise<{ accepted: boolean }> {
    const lk = requireLiveKit(this.livekit);
    let event: LiveKitWebhookEvent;
    try {
      event = await lk.receiveWebhook(rawBody, authorization);
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      if (err.reason === 'malformed')
        throw ApiError.badRequest('WEBHOOK_MALFORMED', 'Not a LiveKit webhook event');
      throw ApiError.unauthorized('WEBHOOK_SIGNATURE_INVALID', `LiveKit webhook ${err.reason}`);
    }
    const accepted = await this.route(lk, event);
    if (!accepted) this.logger.debug({ event: event.rawEvent, id: event.id }, 'Webhook ignored');
    return { accepted };
  }

  private async route(lk: LiveKitPort, e: LiveKitWebhookEvent): Promise<boolean> {
    switch (e.event) {
      case 'track_published':
        return this.observe(this.creatorOf(lk, e), e, async () => 'connected');
      case 'track_unpublished': {
        // One track going (camera off) need not mean the creator left: ask LiveKit.
        const userId = this.creatorOf(lk, e);
        return this.observe(userId, e, () =>
          creatorPresence(lk, userId!).catch((): CreatorPresence => 'client_disconnect'),
        );
      }
      case 'participant_left':
        return this.observe(this.creatorOf(lk, e), e, async () => 'client_disconnect');
      case 'room_finished':
        return this.observe(ownerOf(lk, e.room?.name), e, async () => 'client_disconnect');
      case 'egress_started':
      case 'egress_updated':
      case 'egress_ended': {
        const userId = e.egress ? ownerOf(lk, e.egress.roomName) : undefined;
        if (!userId || !e.egress) return false;
        return (await this.outputs.applyEgressInfo(userId, e.egress)) > 0;
      }
      default:
        return false;
    }
  }

  /** The event's participant, when it is the creator in their own room. */
  private creatorOf(lk: LiveKitPort, e: LiveKitWebhookEvent): string | undefined {
    const identity = e.participant?.identity;
    if (!identity || !e.room || lk.roomNameForUser(identity) !== e.room.name) return undefined;
    return identity;
  }

  private async observe(
    userId: string | undefined,
    e: LiveKitWebhookEvent,
    status: () => Promise<CreatorPresence>,
  ): Promise<boolean> {
    if (!userId) return false;
    // Only a browser streamer's session follows LiveKit; for others Cloudflare is the truth.
    if ((await this.records.find(userId))?.source !== 'livekit') return false;
    const at = (e.createdAt.getTime() > 0 ? e.createdAt : new Date()).toISOString();
    const observation = { status: await status(), at, source: 'livekit' as const };
    (await this.registry.get(userId)).send({ type: 'INPUT', observation });
    return true;
  }
}

/** The user whose room this is (rooms are named after their creator). */
function ownerOf(lk: LiveKitPort, room: string | undefined): string | undefined {
  return room && lk.roomNameForUser(room) === room ? room : undefined;
}
