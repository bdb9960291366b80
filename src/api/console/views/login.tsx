/** The sign-in page: an operator account or an API key, each its own form. */
export interface LoginProps {
  token: string;
  next: string;
  error?: string | null;
  name?: string;
}

export function LoginPage(p: LoginProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Sign in · Parley console</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body class="login-body">
        <main id="main" class="login">
          <h1>Parley console</h1>
          {p.error ? (
            <p class="notice error" role="alert">
              {p.error}
            </p>
          ) : null}
          <section aria-labelledby="op-h" class="card">
            <h2 id="op-h">Operator account</h2>
            <form method="post" action="/console/login">
              <input type="hidden" name="_csrf" value={p.token} />
              <input type="hidden" name="next" value={p.next} />
              <input type="hidden" name="method" value="operator" />
              <label for="name">Name</label>
              <input id="name" name="name" autocomplete="username" required value={p.name ?? ""} autofocus />
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required />
              <button type="submit" class="primary">
                Sign in
              </button>
            </form>
          </section>
          <section aria-labelledby="key-h" class="card">
            <h2 id="key-h">API key</h2>
            <form method="post" action="/console/login">
              <input type="hidden" name="_csrf" value={p.token} />
              <input type="hidden" name="next" value={p.next} />
              <input type="hidden" name="method" value="key" />
              <label for="key">Key</label>
              <input id="key" name="key" type="password" autocomplete="off" required aria-describedby="key-hint" />
              <p id="key-hint" class="hint">
                A key from <code>parley keys create</code> (it starts with <code>pk_</code>).
              </p>
              <button type="submit" class="secondary">
                Sign in with key
              </button>
            </form>
          </section>
          <p class="hint">
            No account yet? On the server run <code>parley operators add NAME</code>.
          </p>
        </main>
      </body>
    </html>
  );
}
