import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** Boots `module` on PORT, as a user's main.ts does, and says where it listens. */
export function serve(module: Type): void {
  const bootstrap = async () => {
    const app = await NestFactory.create(module, { logger: ['error', 'warn'] });
    app.enableShutdownHooks();
    await app.listen(Number(process.env.PORT), '127.0.0.1');
    console.log(`listening on ${await app.getUrl()}`);
  };
  bootstrap().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
