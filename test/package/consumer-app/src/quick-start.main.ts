// Boots README's quick start (quick-start.module.ts, the README block as written).
import { NestFactory } from '@nestjs/core';
import { AppModule } from './quick-start.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  console.log(`listening on ${await app.getUrl()}`);
}

bootstrap().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
