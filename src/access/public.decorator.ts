import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC_KEY } from '../core/session.constants.js';

/** Opens a route or a whole controller to requests without a signed-in session. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
