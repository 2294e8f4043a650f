import type { FastifySwaggerUiOptions } from "@fastify/swagger-ui";

/**
 * `/docs` is Gatehouse's API description: its name in the title and a plain mark of its own
 * in place of the HTTP framework's logo and favicon.
 */
const MARK = `<svg xmlns="http://www.w3.org/2000/svg" width="180" height="32" viewBox="0 0 180 32">
<rect x="2" y="4" width="24" height="24" rx="4" fill="none" stroke="#e8f0fe" stroke-width="3"/>
<path d="M9 28V15h10v13" fill="none" stroke="#e8f0fe" stroke-width="3"/>
<text x="34" y="23" font-family="system-ui, sans-serif" font-size="18" font-weight="600" fill="#e8f0fe">Gatehouse API</text>
</svg>`;

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">
<rect x="3" y="3" width="26" height="26" rx="5" fill="#1f3a5f"/>
<path d="M11 27V15h10v12" fill="none" stroke="#ffffff" stroke-width="3"/>
</svg>`;

export const DOCS_UI_OPTIONS: FastifySwaggerUiOptions = {
  routePrefix: "/docs",
  logo: { type: "image/svg+xml", content: Buffer.from(MARK), href: "/docs" },
  theme: {
    title: "Gatehouse API",
    favicon: [
      {
        filename: "gatehouse.svg",
        rel: "icon",
        sizes: "32x32",
        type: "image/svg+xml",
        content: Buffer.from(ICON),
      },
    ],
  },
};
