import type { FastifyInstance } from 'fastify';
import { registerBuiltPage } from '../serve-pages.js';

/** Nothing on the page comes from anywhere but its own built files; data is fetched and set as text. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves the staff page (central/pages/staff.html, built into dist/pages) at `/staff/`. */
export function registerStaffPage(app: FastifyInstance): void {
  registerBuiltPage(app, { mount: '/staff', html: 'staff.html', headers: { 'content-security-policy': CSP } });
}
