import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RtmpsIngestView {
  @ApiProperty() url!: string;
  @ApiProperty({ example: '****abcd' }) streamKey!: string;
}
export class SrtIngestView {
  @ApiProperty() url!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty({ example: '****abcd' }) passphrase!: string;
}
export class WebRtcIngestView {
  @ApiProperty({ description: 'WHIP endpoint' }) url!: string;
}

/** Ingest credentials: masked everywhere except POST /api/ingest/reveal. */
export class IngestView {
  @ApiProperty({ enum: ['cloudflare', 'livekit'] }) source!: 'cloudflare' | 'livekit';
  @ApiProperty({ nullable: true, type: String }) inputId!: string | null;
  @ApiProperty({ type: RtmpsIngestView, nullable: true }) rtmps!: RtmpsIngestView | null;
  @ApiPropertyOptional({ type: SrtIngestView }) srt?: SrtIngestView;
  @ApiPropertyOptional({ type: WebRtcIngestView }) webRTC?: WebRtcIngestView;
  @ApiProperty() revealed!: boolean;
}
