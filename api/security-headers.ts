import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import type { Config } from '../core/config.js';

/**
 * The security headers of every response (helmet): the Content-Security-Policy,
 * nosniff, no framing, no referrer, and HSTS when the public URL is https.
 *
 * The pages (web/dist, bundled by esbuild) run only their own files: no inline
 * script, no inline style attribute (web/src sets styles through the CSSOM,
 * which a CSP allows), scripts and styles from /static/ and the Socket.IO
 * client from /socket.io/, all same-origin; their websocket goes to the same
 * origin, which 'self' covers in connect-src. The API docs page (/docs,
 * swagger-ui) gets its own policy, the same but for the inline styles that
 * swagger-ui's components write and the data: images of its stylesheet.
 */
export function securityHeaders(config: Pick<Config, 'PUBLIC_URL'>): Middleware {
  const https = new URL(config.PUBLIC_URL).protocol === 'https:';
  const directives = (styleSrc: string[]) => ({
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc,
    // Over plain http (a laptop, a private network) upgrading would break every subresource.
    ...(https ? { upgradeInsecureRequests: [] } : {}),
  });
  const options = (styleSrc: string[]) => ({
    contentSecurityPolicy: { useDefaults: false, directives: directives(styleSrc) },
    referrerPolicy: { policy: 'no-referrer' as const },
    xFrameOptions: { action: 'deny' as const },
    // HSTS only when users reach us over https; a year, for this host only (the parent domain's other hosts are not ours to pin).
    strictTransportSecurity: https ? { maxAge: 365 * 86_400, includeSubDomains: false } : false,
  });
  const pages = helmet(options(["'self'"]));
  const docs = helmet(options(["'self'", "'unsafe-inline'"]));
  return (ctx, next) => (ctx.path === '/docs' || ctx.path.startsWith('/docs/') ? docs(ctx, next) : pages(ctx, next));
}
