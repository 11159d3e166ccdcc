import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { LIVEKIT_WEBHOOK_CONTENT_TYPE } from '../livestream/webhook-raw-body.middleware';
import { LiveKitWebhookEventsService } from './livekit-webhook-events.service';

/** LiveKit's webhook. Verified over the raw body before anything is read; a bad one changes nothing. */
@ApiTags('webhooks')
@Public()
@Controller('webhooks/livekit')
export class LiveKitWebhooksController {
  constructor(private readonly events: LiveKitWebhookEventsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'LiveKit webhook: creator track published / left, room finished, egress updated. ' +
      '401 WEBHOOK_SIGNATURE_INVALID on a bad signature, 400 WEBHOOK_MALFORMED on a bad body.',
  })
  @ApiConsumes(LIVEKIT_WEBHOOK_CONTENT_TYPE, 'application/json')
  @ApiHeader({
    name: 'Authorization',
    required: true,
    description: 'JWT signed with the LiveKit API secret; its sha256 claim covers the body',
  })
  receive(
    @Headers('authorization') authorization: string | undefined,
    @Req() req: Request & { rawBody?: Buffer },
  ): Promise<{ accepted: boolean }> {
    // webhook+json arrives as a Buffer body; plain JSON keeps its bytes in req.rawBody.
    const body: unknown = req.body;
    const raw = Buffer.isBuffer(body) ? body : (req.rawBody ?? Buffer.alloc(0));
    return this.events.receive(raw.toString('utf8'), authorization);
  }
}
