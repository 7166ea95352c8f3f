// The renderer's Content-Security-Policy, sent as a header by both hosts. The same
// policy (less frame-ancestors, which a meta tag cannot carry) is in
// src-renderer/index.html for pages loaded from file://; a test keeps them equal.
export const META_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

export const CONTENT_SECURITY_POLICY = `${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;
