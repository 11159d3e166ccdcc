import { ChatFlagField } from './stream-fields';

/** `PUT /api/stream/chat-settings`: the flags sent are changed, the others kept. */
export class ChatSettingsDto {
  @ChatFlagField('Chat is open') isChatEnabled?: boolean;
  @ChatFlagField('Messages are shown after a delay') isChatDelayed?: boolean;
  @ChatFlagField('Only followers may chat') isChatFollowersOnly?: boolean;
}
