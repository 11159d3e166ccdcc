import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PLATFORMS, Platform } from '../platform';

export class PutPlatformConnectionDto {
  @ApiPropertyOptional({
    description: 'Channel: Twitch login, YouTube channel id, Kick slug, Facebook page id',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  channel?: string;

  @ApiPropertyOptional({ description: 'RTMP(S) ingest URL; the platform default when omitted' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(/^rtmps?:\/\/[^\s]+$/, { message: 'ingestUrl must be an rtmp:// or rtmps:// URL' })
  ingestUrl?: string;

  @ApiPropertyOptional({
    description: 'Stream key for that platform (stored encrypted, shown masked)',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  streamKey?: string;

  @ApiPropertyOptional({
    description: 'OAuth access token for chat and metadata (stored encrypted)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  accessToken?: string;

  @ApiPropertyOptional({ description: 'OAuth refresh token (stored encrypted)' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  refreshToken?: string;

  @ApiPropertyOptional({ description: 'When the access token expires (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  tokenExpiresAt?: string;
}

export class PlatformConnectionView {
  @ApiProperty({ enum: PLATFORMS }) platform!: Platform;
  @ApiProperty() connected!: boolean;
  @ApiProperty({ nullable: true, type: String }) channel!: string | null;
  @ApiProperty({ nullable: true, type: String }) ingestUrl!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '****abcd' }) streamKey!: string | null;
  @ApiProperty() hasAccessToken!: boolean;
  @ApiProperty() hasRefreshToken!: boolean;
  @ApiProperty({ nullable: true, type: String }) tokenExpiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) updatedAt!: string | null;
}
