import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class SandboxChatDto {
  @ApiPropertyOptional({ maxLength: 300, default: 'Hello from the sandbox!' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  text?: string;
}
