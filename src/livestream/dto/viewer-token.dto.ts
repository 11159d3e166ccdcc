import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** `POST /api/stream/viewer-token`: a subscribe-only token for the host's room. */
export class ViewerTokenDto {
  @ApiProperty({ description: 'The streamer whose room to watch (their user id)' })
  @IsString()
  @Matches(/^[\w@.:-]{1,128}$/, { message: 'hostUserId must be a user id' })
  hostUserId!: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'Display name shown to others in the room' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;
}
