import { useState } from 'preact/hooks';
import { keySession, parsePrivateJwk, tokenSession, type Session } from './auth';
import { t } from './i18n';
import { ErrorBox, html } from './ui';

const ROLES = ['VIEWER', 'REPORTER', 'CONTRIBUTOR', 'ANALYST', 'ADMIN'];

/** Picks a private JWK file (read locally, never uploaded) or takes a pasted token. */
export function SignIn({ audience, onSession }: { audience: string; onSession: (s: Session) => void }) {
  const [jwkText, setJwkText] = useState<string | null>(null);
  const [org, setOrg] = useState('');
  const [sub, setSub] = useState('analyst');
  const [roles, setRoles] = useState<string[]>(['ANALYST']);
  const [aud, setAud] = useState(audience);
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<unknown>(null);

  const onFile = async (e: Event) => {
    setError(null);
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const text = await file.text();
    try {
      const jwk = parsePrivateJwk(text);
      setJwkText(text);
      // A demo key file is named after its organisation (VNCERT.jwk); kids start with the code in lower case. Only
      // into an empty field as it is now, after the read: `org` here is the value when the file was picked, and
      // what the user typed meanwhile must stay.
      const named = file.name.replace(/\.jwk$/i, '').toUpperCase() || jwk.kid.split('-')[0].toUpperCase();
      setOrg((typed) => typed || named);
    } catch (err) {
      setJwkText(null);
      setError(err);
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      if (pasted.trim()) return onSession(tokenSession(pasted));
      if (!jwkText) throw new Error(t('keyFile'));
      onSession(await keySession(parsePrivateJwk(jwkText), org.trim(), sub.trim(), roles, aud.trim()));
    } catch (err) {
      setError(err);
    }
  };
  const toggle = (r: string) => setRoles(roles.includes(r) ? roles.filter((x) => x !== r) : [...roles, r]);
  return html`<form class="signin" id="signin" onSubmit=${submit}>
    <h2>${t('signIn')}</h2>
    <p class="muted">${t('keyStays')}</p>
    <label>${t('keyFile')}<input type="file" name="jwk" accept=".jwk,.json,application/json" onChange=${onFile} /></label>
    <label>${t('org')}<input name="org" value=${org} onInput=${(e: any) => setOrg(e.target.value)} /></label>
    <label>${t('subject')}<input name="sub" value=${sub} onInput=${(e: any) => setSub(e.target.value)} /></label>
    <label>${t('audience')}<input name="aud" value=${aud} onInput=${(e: any) => setAud(e.target.value)} /></label>
    <fieldset><legend>${t('roles')}</legend>
      ${ROLES.map((r) => html`<label class="inline"><input type="checkbox" name="role" value=${r} checked=${roles.includes(r)} onChange=${() => toggle(r)} />${r}</label>`)}
    </fieldset>
    <label>${t('orPaste')}<textarea name="token" autocomplete="off" value=${pasted} onInput=${(e: any) => setPasted(e.target.value)}></textarea></label>
    <${ErrorBox} error=${error} />
    <button type="submit">${t('signIn')}</button>
  </form>`;
}
