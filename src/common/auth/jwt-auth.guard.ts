import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../errors/api-error';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { Principal, Role } from './principal';
import { bearerToken, TokenVerifier } from './token-verifier';

/** Global guard: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, unknown>; principal?: Principal }>();
    const token = bearerToken(req.headers.authorization);
    if (!token)
      throw ApiError.unauthorized(
        'UNAUTHORIZED',
        'Missing bearer token (Authorization: Bearer <JWT>)',
      );
    const principal = await this.verifier.verify(token);
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ApiError(403, 'FORBIDDEN', `This route needs the ${roles.join(' or ')} role`);
    }
    return true;
  }
}
