import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import type { Role } from '../../common/auth/principal';

export const ROLES: readonly Role[] = ['streamer', 'ops'];

export class DevTokenDto {
  @ApiProperty({ example: 'alice', description: 'User id: letters, digits, _ @ . : - (1–128)' })
  @IsString()
  // The same rule TokenVerifier applies to `sub`, so a minted token always verifies.
  @Matches(/^[\w@.:-]{1,128}$/, {
    message: 'userId must be 1-128 letters, digits or _ @ . : -',
  })
  userId!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class DevTokenView {
  @ApiProperty({ description: 'HS256 JWT, valid for 12 hours' }) token!: string;
}
