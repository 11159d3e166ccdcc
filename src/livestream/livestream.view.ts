import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TOP_STATES, type TopState } from '../sessions/machine/session.machine';

/** The stream record of seed 002 as the API shows it. */
export class StreamInfoView {
  @ApiProperty({ description: 'The stream id (one stream per user: the user id)' }) id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ description: 'The streamer has gone live in the browser and not ended yet' })
  isLive!: boolean;
  @ApiProperty({ nullable: true, type: String }) liveSince!: string | null;
  @ApiProperty() isChatEnabled!: boolean;
  @ApiProperty() isChatDelayed!: boolean;
  @ApiProperty() isChatFollowersOnly!: boolean;
  @ApiProperty({ enum: ['cloudflare', 'livekit'] }) source!: 'cloudflare' | 'livekit';
  @ApiProperty({ description: 'The LiveKit room viewers join' }) roomId!: string;
  @ApiProperty() updatedAt!: string;
}

/** A browser token, with when to fetch the next one. */
export class BrowserTokenView {
  @ApiProperty({ description: 'LiveKit access token (JWT)' }) token!: string;
  @ApiProperty({ example: 'wss://livekit.example.com' }) wsUrl!: string;
  @ApiProperty() roomId!: string;
  @ApiProperty() identity!: string;
  @ApiProperty({ enum: ['creator', 'viewer', 'guest'] }) role!: 'creator' | 'viewer' | 'guest';
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ description: 'Ask for a new token at this time' }) refreshAt!: string;
}

export class GoLiveView extends BrowserTokenView {
  @ApiProperty({ type: StreamInfoView }) stream!: StreamInfoView;
}

export class SessionSummaryView {
  @ApiProperty({ enum: TOP_STATES }) state!: TopState;
  @ApiPropertyOptional() substate?: string;
  @ApiProperty() stateSince!: string;
}

export class EndStreamView {
  @ApiProperty({ example: 'Stream ended' }) message!: string;
  @ApiProperty({ type: StreamInfoView }) stream!: StreamInfoView;
  @ApiProperty({ type: SessionSummaryView, nullable: true }) session!: SessionSummaryView | null;
}

export class StreamStatusView {
  @ApiProperty() userId!: string;
  @ApiProperty() isLive!: boolean;
  @ApiProperty({ nullable: true, type: String }) liveSince!: string | null;
  @ApiProperty({ enum: ['cloudflare', 'livekit'] }) source!: 'cloudflare' | 'livekit';
  @ApiProperty() roomId!: string;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'The creator is in the room with a published track (null: LiveKit unreachable)',
  })
  publishing!: boolean | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'People watching in the LiveKit room, the creator excluded (null: unknown)',
  })
  viewerCount!: number | null;
  @ApiProperty({ type: SessionSummaryView, nullable: true }) session!: SessionSummaryView | null;
}
