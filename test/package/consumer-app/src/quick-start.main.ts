// Boots README's quick start (quick-start.module.ts, the README block as written).
import { AppModule } from './quick-start.module.js';
import { serve } from './serve.js';

serve(AppModule);
