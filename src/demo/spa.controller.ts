import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../access/public.decorator.js';
import { loadSpaAsset } from './spa-assets.js';

/**
 * Serves the demo SPA at /spa/ on the API's own origin (the same-origin setup). `npm run
 * demo:spa` serves the same files from a second origin.
 */
@Public()
@Controller('spa')
export class SpaController {
  @Get()
  async index(@Req() req: Request, @Res() res: Response): Promise<void> {
    // The page loads its files by relative URL, so it must be served at /spa/, not /spa.
    if (!req.path.endsWith('/')) return res.redirect(301, '/spa/');
    await this.send(res, '');
  }

  @Get('{*path}')
  async asset(@Param('path') path: string[], @Res() res: Response): Promise<void> {
    await this.send(res, path.join('/'));
  }

  private async send(res: Response, path: string): Promise<void> {
    const asset = await loadSpaAsset(path, '');
    if (!asset) throw new NotFoundException('The demo SPA has no such file.');
    res.type(asset.contentType).setHeader('Cache-Control', 'no-cache');
    res.send(asset.body);
  }
}
