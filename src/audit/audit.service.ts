import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Request } from 'express';
import { requestClient } from '../core/http/request-client.js';
import { SESSION_OPTIONS } from '../core/session.constants.js';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import type {
  AuthAuditDetails,
  AuthAuditEvent,
  AuthAuditEventName,
} from './audit-event.interface.js';

/**
 * Records security events: one JSON line each through Nest's Logger (context `SessionAudit`),
 * and an event on the app's EventEmitter2 when the app imports `EventEmitterModule`.
 * JSON encoding escapes newlines and quotes, so a crafted User-Agent cannot forge a log line
 * (ASVS 5.0 V16.4.1).
 */
@Injectable()
export class AuditService implements OnModuleInit {
  private readonly logger = new Logger('SessionAudit');
  private emitter?: EventEmitter2;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
  ) {}

  onModuleInit(): void {
    try {
      this.emitter = this.moduleRef.get(EventEmitter2, { strict: false });
    } catch {
      // No EventEmitterModule in the app: the log line is the only record.
    }
  }

  record(event: AuthAuditEventName, details: AuthAuditDetails, req?: Request): void {
    const record: AuthAuditEvent = {
      event,
      at: new Date().toISOString(),
      ...details,
      ...(req ? requestClient(req) : {}),
    };
    if (this.options.audit.log) this.logger.log(JSON.stringify(record));
    try {
      this.emitter?.emit(event, record);
    } catch (err) {
      // A failing subscriber must not turn a sign-in into a 500.
      this.logger.error(`An audit subscriber failed on ${event}: ${(err as Error).message}`);
    }
  }
}
