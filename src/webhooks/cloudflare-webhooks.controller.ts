import { Body, Controller, Headers, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  parseLiveInputNotification,
  toStreamVideo,
  verifyNotificationAuth,
  verifyStreamSignature,
} from '../../libs/cloudflare';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Public } from '../common/auth/auth.decorators';
import { ApiError } from '../common/errors/api-error';
import { SANDBOX, Sandbox } from '../providers/sandbox';
import { RecordingsService } from '../recordings/recordings.service';
import { CloudflareInputEventsService } from './cloudflare-input-events.service';

/** Cloudflare's webhooks. Each is verified before anything is read; a bad one changes nothing. */
@ApiTags('webhooks')
@Public()
@Controller('webhooks/cloudflare')
export class CloudflareWebhooksController {
  private readonly logger = new Logger(CloudflareWebhooksController.name);
  private readonly notificationSecret?: string;
  private readonly streamSecret?: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(SANDBOX) sandbox: Sandbox,
    private readonly inputEvents: CloudflareInputEventsService,
    private readonly recordings: RecordingsService,
  ) {
    this.notificationSecret = config.cloudflare.webhookSecret ?? sandbox.webhookSecret;
    this.streamSecret = config.cloudflare.streamWebhookSecret ?? sandbox.streamWebhookSecret;
  }

  @Post('live-input')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cloudflare Notifications: live input connected / disconnected / errored',
  })
  @ApiHeader({
    name: 'cf-webhook-auth',
    required: true,
    description: 'The shared secret of the webhook',
  })
  async liveInput(@Headers('cf-webhook-auth') auth: string | undefined, @Body() body: unknown) {
    if (!this.notificationSecret || !verifyNotificationAuth(auth, this.notificationSecret)) {
      throw ApiError.unauthorized('WEBHOOK_SIGNATURE_INVALID', 'Missing or wrong cf-webhook-auth');
    }
    const note = parseLiveInputNotification(body);
    if (!note)
      throw ApiError.badRequest(
        'WEBHOOK_MALFORMED',
        'Not a Stream Live Input notification (data.event_type, data.input_id)',
      );
    const handled = await this.inputEvents.handle(note);
    if (!handled)
      this.logger.warn(
        { inputId: note.inputId, event: note.eventType },
        'Notification for an unknown live input',
      );
    return { accepted: handled };
  }

  @Post('video')
  @HttpCode(202)
  @ApiOperation({ summary: 'Stream video webhook: a recording is ready' })
  @ApiHeader({
    name: 'Webhook-Signature',
    required: true,
    description: 'time=<unix>,sig1=<hex HMAC-SHA256 of "time.body">',
  })
  async video(
    @Headers('webhook-signature') signature: string | undefined,
    @Req() req: Request & { rawBody?: Buffer },
  ) {
    const raw = req.rawBody ?? Buffer.alloc(0);
    const verdict = this.streamSecret
      ? verifyStreamSignature(signature, raw, this.streamSecret, Date.now())
      : 'missing';
    if (verdict !== 'ok')
      throw ApiError.unauthorized(
        'WEBHOOK_SIGNATURE_INVALID',
        `Webhook-Signature ${verdict.replace('_', ' ')}`,
      );
    let video;
    try {
      video = toStreamVideo(req.body);
    } catch {
      throw ApiError.badRequest('WEBHOOK_MALFORMED', 'Not a Stream video object');
    }
    return { accepted: await this.recordings.linkFromWebhook(video) };
  }
}
