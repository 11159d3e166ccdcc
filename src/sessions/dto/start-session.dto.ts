import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { PLATFORMS, Platform } from '../../platforms/platform';

export class StartSessionDto {
  @ApiPropertyOptional({
    enum: PLATFORMS,
    isArray: true,
    description: 'Default: every connected platform',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(PLATFORMS.length)
  @IsIn(PLATFORMS, { each: true, message: `each platform must be one of ${PLATFORMS.join(', ')}` })
  platforms?: Platform[];

  @ApiPropertyOptional({ maxLength: 140 })
  @IsOptional()
  @IsString()
  @MaxLength(140)
  title?: string;
}

export class SetOutputDto {
  @ApiPropertyOptional({ description: 'true adds or resumes the platform, false pauses it' })
  @IsBoolean()
  enabled!: boolean;
}
