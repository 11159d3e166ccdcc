import { Inject, Injectable } from '@nestjs/common';
import { LIVEKIT, type LiveKitPort } from '../../libs/livekit';
import type { Principal } from '../common/auth/principal';
import { ApiError } from '../common/errors/api-error';
import type { ViewerTokenDto } from './dto/viewer-token.dto';
import { tokenView } from './go-live.service';
import { LiveStreamRecords } from './live-stream.records';
import { askLiveKit, requireLiveKit } from './livekit-access';
import type { BrowserTokenView } from './livestream.view';
import { noStream } from './stream-info.service';

/**
 * Subscribe-only tokens for a host's room (P5–P7, enforced by the grant table in
 * libs/livekit/token.service.ts): a signed-in caller watches as their own user id, a
 * caller without a token as a fresh `guest-…` identity.
 */
@Injectable()
export class ViewerTokensService {
  constructor(
    private readonly records: LiveStreamRecords,
    @Inject(LIVEKIT) private readonly livekit: LiveKitPort | null,
  ) {}

  async issue(viewer: Principal | undefined, dto: ViewerTokenDto): Promise<BrowserTokenView> {
    const lk = requireLiveKit(this.livekit);
    if (!(await this.records.find(dto.hostUserId))) throw noStream();
    if (viewer?.userId === dto.hostUserId) {
      // Same identity as the publisher: LiveKit would disconnect the creator's browser.
      throw ApiError.badRequest('VALIDATION_FAILED', 'You cannot watch your own room as a viewer', [
        { field: 'hostUserId', messages: ['hostUserId must not be your own user id'] },
      ]);
    }
    const options = dto.name ? { name: dto.name } : {};
    const issued = await askLiveKit('issue a viewer token', () =>
      viewer
        ? lk.createViewerToken(viewer.userId, dto.hostUserId, options)
        : lk.createGuestToken(dto.hostUserId, options),
    );
    return tokenView(issued);
  }
}
