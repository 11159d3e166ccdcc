import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SecretBox } from './secret-box';

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => {
        if (!c.secretsKey) throw new Error('SECRETS_KEY must be resolved before the app starts');
        return new SecretBox(c.secretsKey);
      },
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
