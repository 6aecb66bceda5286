// The sign-in form: the local token route, or Cognito when /config.json names a user pool client.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type PortalClient, PortalError } from '../../../client/index.js';
import { errorText, humanize } from '../messages.js';
import { type Session, sessionOf } from '../session.js';
import { type CognitoConfig, signIn } from '../sign-in.js';
import { ErrorText, onSubmit, whileBusy } from '../ui.js';

/** The sign-in page. `onAttempt` clears the shell's notice ("You are signed out.") as a new sign-in starts. */
export function SignInView(props: {
  api: PortalClient;
  config: Promise<CognitoConfig | null>;
  onSignedIn: (session: Session) => void;
  onAttempt: () => void;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    emailRef.current?.focus();
  }, []);

  const submit = async () => {
    const username = email.trim();
    if (!username || !password) {
      setError('Enter your email and password.');
      return;
    }
    setError(null);
    props.onAttempt();
    try {
      const token = await whileBusy(setBusy, async () =>
        signIn(await props.config, props.api, username, password),
      );
      props.onSignedIn(sessionOf(token, username));
    } catch (failure) {
      // A refused sign-in's own words ("Incorrect email or password.") are the ones to show.
      const own = failure instanceof PortalError && failure.status > 0 && failure.code !== 'rate_limited';
      setError(own ? humanize(failure.message) : errorText(failure));
    }
  };

  return (
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <p class="muted">Sign in with your company account to manage your Altium NEXUS Server licenses.</p>
      <form class="signin-form" noValidate onSubmit={onSubmit(submit)} aria-busy={busy}>
        <label for="signin-email">Email</label>
        <input
          id="signin-email"
          ref={emailRef}
          name="username"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(event) => setEmail(event.currentTarget.value)}
          disabled={busy}
        />
        <label for="signin-password">Password</label>
        <input
          id="signin-password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
          disabled={busy}
        />
        <ErrorText text={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </section>
  );
}
