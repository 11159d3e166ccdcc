import { ApiProperty } from '@nestjs/swagger';

export class DashboardConfigView {
  @ApiProperty({ description: 'POST /api/dev/token is available (never in production)' })
  devSignIn!: boolean;
}
