import { Injectable } from '@nestjs/common';
import type { LiveInputNotification } from '../../libs/cloudflare';
import { SessionRegistry } from '../sessions/session-registry';
import type { StreamEntity } from '../streams/entities/stream.entity';
import { IngestService } from '../streams/ingest.service';

const STATUS_OF_EVENT = {
  'live_input.connected': 'connected',
  'live_input.disconnected': 'client_disconnect',
  'live_input.errored': 'failed_to_connect',
} as const;

/**
 * Routes a verified live-input notification to its user's actor, activating it on demand.
 * While the database is unreachable the input is looked up in what the ingest service
 * remembers, so a resident actor still follows its encoder (its writes queue meanwhile).
 */
@Injectable()
export class CloudflareInputEventsService {
  constructor(
    private readonly ingest: IngestService,
    private readonly registry: SessionRegistry,
  ) {}

  async handle(note: LiveInputNotification): Promise<boolean> {
    const stream =
      this.residentStream(note.inputId) ?? (await this.ingest.findByInputId(note.inputId));
    // A browser (LiveKit) streamer's truth comes from LiveKit, not from this input.
    if (!stream || stream.source === 'livekit') return false;
    const actor = await this.registry.get(stream.userId);
    actor.send({
      type: 'INPUT',
      observation: {
        status: STATUS_OF_EVENT[note.eventType],
        at: note.at ?? new Date().toISOString(),
        source: 'cloudflare',
      },
    });
    return true;
  }

  /**
   * The ingest of a session running here, without a read on the path of every webhook.
   * Its row is current: every activation reads it, and the changes that matter here
   * (rotation, re-provisioning, go-live's switch to LiveKit) are decided by the owner,
   * which remembers or forgets the row; requests for them on other nodes are forwarded.
   */
  private residentStream(inputId: string): StreamEntity | undefined {
    const row = this.ingest.knownByInputId(inputId);
    return row && this.registry.peek(row.userId) ? row : undefined;
  }
}
