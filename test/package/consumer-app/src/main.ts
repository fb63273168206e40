import { AppModule } from './app.module.js';
import { serve } from './serve.js';

serve(AppModule);
