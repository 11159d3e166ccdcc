export * from './platform-chat.port';
export type { MonitorOptions } from './common/monitor-options';
export type { BackoffOptions } from './common/backoff';
export type { BatchOptions } from './common/event-batcher';
export { TwitchChatAdapter } from './twitch/twitch-chat.adapter';
export type { TwitchChatOptions } from './twitch/twitch-chat.options';
export { YouTubeChatAdapter } from './youtube/youtube-chat.adapter';
export type { YouTubeChatOptions, YouTubeQuotaCosts } from './youtube/youtube-chat.options';
export { KickChatAdapter } from './kick/kick-chat.adapter';
export type { KickChatOptions } from './kick/kick-chat.options';
export { verifyKickWebhook, KICK_WEBHOOK_PUBLIC_KEY } from './kick/kick-webhook';
export { FacebookChatAdapter } from './facebook/facebook-chat.adapter';
export type { FacebookChatOptions } from './facebook/facebook-chat.options';
export {
  createPlatformFakes,
  platformFakeEnv,
  type PlatformFakes,
} from './fakes/create-platform-fakes';
export { FakeTwitchServer } from './twitch/fake/fake-twitch-server';
export { FakeYouTubeServer } from './youtube/fake/fake-youtube-server';
export { FakeKickServer } from './kick/fake/fake-kick-server';
export { FakeFacebookServer } from './facebook/fake/fake-facebook-server';
