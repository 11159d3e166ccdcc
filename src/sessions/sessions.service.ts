import { Injectable, Logger } from '@nestjs/common';
import { ChatMonitorsService } from '../chat/chat-monitors.service';
import { randomUUID } from 'node:crypto';
import { OutputsService } from '../broadcasts/outputs.service';
import { ApiError } from '../common/errors/api-error';
import type { Platform } from '../platforms/platform';
import { PlatformsService } from '../platforms/platforms.service';
import type { TransitionActor } from './entities/session-transition.entity';
import type { SessionActor } from './session-actor';
import { SessionRegistry } from './session-registry';
import { SessionStore } from './session.store';
import { SessionViewService } from './session-view.service';
import type { SessionView } from './session.view';

/** Streamer-facing session commands. Illegal commands are 409s with the current state. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly store: SessionStore,
    private readonly views: SessionViewService,
    private readonly platforms: PlatformsService,
    private readonly outputs: OutputsService,
    private readonly chat: ChatMonitorsService,
  ) {}

  private readonly logger = new Logger(SessionsService.name);

  async activate(userId: string): Promise<SessionView> {
    const actor = await this.registry.activate(userId);
    return this.views.build(actor.record, actor);
  }

  async deactivate(
    userId: string,
  ): Promise<{ session: SessionView | null; keptRunning: boolean; message: string }> {
    const { actor, keptRunning } = await this.registry.deactivate(userId);
    const row = actor?.record ?? (await this.store.find(userId));
    return {
      session: row ? await this.views.build(row, keptRunning ? actor : undefined) : null,
      keptRunning,
      message: keptRunning
        ? 'Signed out. The stream is still live: the session keeps running until the stream ends.'
        : 'Signed out. The session is stopped until you sign in again.',
    };
  }

  async view(userId: string): Promise<SessionView> {
    const actor = this.registry.peek(userId);
    const row = actor?.record ?? (await this.store.find(userId));
    if (!row)
      throw ApiError.notFound(
        'SESSION_NOT_FOUND',
        'No session yet: activate it with POST /api/session',
      );
    return this.views.build(row, actor);
  }

  async start(
    userId: string,
    args: { platforms?: Platform[]; title?: string },
    by: TransitionActor,
  ): Promise<SessionView> {
    const actor = await this.existing(userId);
    if (actor.state !== 'ready' || actor.substate !== 'idle') {
      throw ApiError.conflict(
        'SESSION_NOT_READY',
        `Start needs the session to be ready (it is ${describe(actor)})`,
        {
          state: actor.state,
          substate: actor.substate,
        },
      );
    }
    const connected = await this.platforms.connectedPlatforms(userId);
    const chosen = args.platforms ?? connected;
    if (chosen.length === 0) {
      throw ApiError.unprocessable(
        'NO_PLATFORMS',
        'No platform is connected: connect one with PUT /api/platforms/:platform',
      );
    }
    const missing = chosen.filter((p) => !connected.includes(p));
    if (missing.length > 0) {
      throw ApiError.unprocessable(
        'PLATFORM_NOT_CONNECTED',
        `Not connected: ${missing.join(', ')}`,
        { platforms: missing },
      );
    }
    actor.send({
      type: 'START',
      broadcastId: randomUUID(),
      platforms: chosen,
      title: args.title ?? '',
      by,
    });
    if (args.title) {
      void this.chat.setTitle(userId, chosen, args.title).then((problems) => {
        if (Object.keys(problems).length > 0)
          this.logger.warn({ userId, problems }, 'Stream title not set everywhere');
      });
    }
    return this.views.build(actor.record, actor);
  }

  async stop(userId: string, by: TransitionActor): Promise<SessionView> {
    const actor = await this.existing(userId);
    if (actor.state !== 'streaming') {
      throw ApiError.conflict(
        'SESSION_NOT_STREAMING',
        `Stop needs a live stream (the session is ${describe(actor)})`,
        {
          state: actor.state,
          substate: actor.substate,
        },
      );
    }
    actor.send({ type: 'STOP', by });
    return this.views.build(actor.record, actor);
  }

  async setOutput(userId: string, platform: Platform, enabled: boolean): Promise<SessionView> {
    const actor = await this.existing(userId);
    const broadcastId = actor.snapshot.context.broadcastId;
    if (actor.state !== 'streaming' || !broadcastId) {
      throw ApiError.conflict(
        'SESSION_NOT_STREAMING',
        `Outputs can change only while live (the session is ${describe(actor)})`,
        {
          state: actor.state,
        },
      );
    }
    if (enabled && !(await this.platforms.connectedPlatforms(userId)).includes(platform)) {
      throw ApiError.unprocessable('PLATFORM_NOT_CONNECTED', `Not connected: ${platform}`, {
        platforms: [platform],
      });
    }
    await this.outputs.setEnabled(userId, broadcastId, platform, enabled).catch(() => undefined); // status carries the error
    return this.views.build(actor.record, actor);
  }

  /** Ops: end the stream now. */
  async forceStop(userId: string): Promise<SessionActor> {
    const actor = await this.existing(userId);
    if (actor.state === 'ending') return actor;
    if (actor.state !== 'streaming') {
      throw ApiError.conflict(
        'SESSION_NOT_STREAMING',
        `Nothing to stop: the session is ${describe(actor)}`,
        { state: actor.state },
      );
    }
    actor.send({ type: 'FORCE_STOP', by: 'ops' });
    return actor;
  }

  private async existing(userId: string): Promise<SessionActor> {
    if (!this.registry.peek(userId) && !(await this.store.find(userId))) {
      throw ApiError.notFound(
        'SESSION_NOT_FOUND',
        'No session yet: activate it with POST /api/session',
      );
    }
    return this.registry.get(userId);
  }
}

function describe(actor: SessionActor): string {
  return actor.substate ? `${actor.state} (${actor.substate})` : actor.state;
}
