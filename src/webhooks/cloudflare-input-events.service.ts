import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { LiveInputNotification } from '../../libs/cloudflare';
import { SessionRegistry } from '../sessions/session-registry';
import { StreamEntity } from '../streams/entities/stream.entity';

const STATUS_OF_EVENT = {
  'live_input.connected': 'connected',
  'live_input.disconnected': 'client_disconnect',
  'live_input.errored': 'failed_to_connect',
} as const;

/** Routes a verified live-input notification to its user's actor, activating it on demand. */
@Injectable()
export class CloudflareInputEventsService {
  constructor(
    @InjectRepository(StreamEntity) private readonly streams: Repository<StreamEntity>,
    private readonly registry: SessionRegistry,
  ) {}

  async handle(note: LiveInputNotification): Promise<boolean> {
    const stream = await this.streams.findOneBy({ providerInputId: note.inputId });
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
