import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { JwtAuthGuard } from './jwt-auth.guard';
import { MeController } from './me.controller';
import { TokenVerifier } from './token-verifier';

@Global()
@Module({
  controllers: [MeController],
  providers: [
    {
      provide: TokenVerifier,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => new TokenVerifier(c.auth),
    },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}
