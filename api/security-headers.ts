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
 * swagger-ui from /docs/assets/ and /docs/init.js) works under the same
 * policy: React sets its styles through the CSSOM too, and its stylesheet's
 * icons are data: images. test/e2e/security.test.ts proves both in Chromium.
 */
export function securityHeaders(config: Pick<Config, 'PUBLIC_URL'>): Middleware {
  const https = new URL(config.PUBLIC_URL).protocol === 'https:';
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
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
        styleSrc: ["'self'"],
        // Over plain http (a laptop, a private network) upgrading would break every subresource.
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    // A year, for this host only: the parent domain's other hosts are not ours to pin.
    strictTransportSecurity: https ? { maxAge: 365 * 86_400, includeSubDomains: false } : false,
  });
}
