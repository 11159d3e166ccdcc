import { ChatFlagField, DescriptionField, TitleField } from './stream-fields';

/** `POST /api/stream/setup`: create or update my stream before going live. */
export class SetupStreamDto {
  @TitleField(true) title!: string;
  @DescriptionField() description?: string | null;
  @ChatFlagField('Chat is open (default true)') isChatEnabled?: boolean;
  @ChatFlagField('Messages are shown after a delay (default false)') isChatDelayed?: boolean;
  @ChatFlagField('Only followers may chat (default false)') isChatFollowersOnly?: boolean;
}
