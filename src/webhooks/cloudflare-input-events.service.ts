import { Injectable } from '@nestjs/common';
import type { LiveInputNotification } from '../../libs/cloudflare';
import { SessionRegistry } from '../sessions/session-registry';
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
    const stream = await this.ingest.findByInputId(note.inputId);
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
}
