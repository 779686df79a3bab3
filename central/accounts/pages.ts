import type { FastifyInstance } from 'fastify';
import { registerBuiltPage } from '../serve-pages.js';

/** Nothing on these pages comes from anywhere but their own built files; data is fetched and set as text. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The login page at `/login/` and the administrator's management page at `/admin/` (central/pages/login.html, admin.html). */
export function registerAccountPages(app: FastifyInstance): void {
  registerBuiltPage(app, { mount: '/login', html: 'login.html', headers: { 'content-security-policy': CSP } });
  registerBuiltPage(app, { mount: '/admin', html: 'admin.html', headers: { 'content-security-policy': CSP } });
}
