import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PLATFORMS, Platform } from '../../platforms/platform';

export class SendChatDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  text!: string;

  @ApiPropertyOptional({
    enum: PLATFORMS,
    isArray: true,
    description: 'Default: every platform whose chat is connected',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(PLATFORMS, { each: true })
  platforms?: Platform[];
}
