import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

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
