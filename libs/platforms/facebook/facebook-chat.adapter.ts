import { MonitorAdapter } from '../common/monitor-adapter';
import {
  resolveFacebookOptions,
  type FacebookChatOptions,
  type ResolvedFacebookOptions,
} from './facebook-chat.options';
import { FacebookMonitor } from './facebook-monitor';

/**
 * Facebook live comments over the Graph API (fetch). `account.channel` is the Page id and
 * `account.accessToken` a Page access token; `account.extra.liveVideoId` skips the
 * current-live-video lookup.
 */
export class FacebookChatAdapter extends MonitorAdapter<
  FacebookChatOptions,
  ResolvedFacebookOptions
> {
  readonly platform = 'facebook' as const;

  constructor(options: FacebookChatOptions = {}) {
    super(options, resolveFacebookOptions, FacebookMonitor);
  }
}
