import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';

export class AllowedOriginsDto {
  @ApiProperty({
    type: [String],
    example: ['example.com', '*.example.com'],
    description: 'Empty: any origin',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^(\*\.)?[a-z0-9.-]+(:\d+)?$/i, {
    each: true,
    message: 'each origin must be a host name such as example.com or *.example.com',
  })
  origins!: string[];
}
