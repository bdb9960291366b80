import type { Child } from "hono/jsx";

/** The console's sections, in the order the navigation shows them. */
export const SECTIONS = [
  { id: "home", label: "Home", href: "/console" },
  { id: "inbox", label: "Inbox", href: "/console/inbox" },
  { id: "calls", label: "Calls", href: "/console/calls" },
  { id: "campaigns", label: "Campaigns", href: "/console/campaigns" },
  { id: "jobs", label: "Jobs", href: "/console/jobs" },
  { id: "models", label: "Models", href: "/console/models" },
  { id: "agents", label: "Agents", href: "/console/agents" },
  { id: "search", label: "Search", href: "/console/search" },
  { id: "callbacks", label: "Callbacks", href: "/console/callbacks" },
  { id: "dnc", label: "Do not call", href: "/console/dnc" },
  { id: "webhooks", label: "Webhooks", href: "/console/webhooks" },
  { id: "templates", label: "Templates", href: "/console/templates" },
  { id: "notifications", label: "Notifications", href: "/console/notifications" },
] as const;

export type SectionId = (typeof SECTIONS)[number]["id"];

export interface PageProps {
  title: string;
  section: SectionId;
  /** Who is signed in (a ConsoleSession; views only show its label, and do not import auth/). */
  session: { label: string };
  csrf: string;
  /** Page scripts under /console/assets, after the shared console.js. */
  scripts?: string[];
  /** A one-line notice shown above the page (the result of a form). */
  notice?: { kind: "ok" | "error"; text: string } | null;
  children?: Child;
}

/**
 * The page shell: landmarks (banner, navigation, main), a skip link, the
 * CSRF token for scripts, and one polite live region that scripts announce
 * live updates in. Scripts are files (the CSP forbids inline script).
 */
export function Page(p: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={p.csrf} />
        <title>{`${p.title} · Parley console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
        {(p.scripts ?? []).map((s) => (
          <script src={`/console/assets/${s}`} defer></script>
        ))}
      </head>
      <body data-section={p.section}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/console">
            Parley
          </a>
          <nav aria-label="Console sections">
            <ul>
              {SECTIONS.map((s) => (
                <li>
                  <a href={s.href} aria-current={s.id === p.section ? "page" : undefined}>
                    {s.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="account">
            <span>{p.session.label}</span>
            <form method="post" action="/console/logout">
              <input type="hidden" name="_csrf" value={p.csrf} />
              <button type="submit" class="link">
                Sign out
              </button>
            </form>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <h1>{p.title}</h1>
          {p.notice ? (
            <p class={`notice ${p.notice.kind}`} role={p.notice.kind === "error" ? "alert" : "status"}>
              {p.notice.text}
            </p>
          ) : null}
          {p.children}
        </main>
        <div id="live" class="visually-hidden" role="status" aria-live="polite"></div>
      </body>
    </html>
  );
}

/** The document as a string, with its doctype (hono/jsx renders elements, not documents). */
export async function documentHtml(page: unknown): Promise<string> {
  // A JSX element renders with toString(); an async component gives a promise of the string.
  return `<!doctype html>${String(await page)}`;
}
