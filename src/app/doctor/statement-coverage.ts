/**
 * Whether a resource policy read from AWS (a bucket policy) grants what the doctor says it must.
 * Deliberately simple and conservative: an Allow counts when its principal, action and resource
 * cover the required ones (IAM wildcards `*` and `?`, which, unlike policy globs, cross `/`);
 * statements with NotPrincipal, NotAction or NotResource never count as granting; conditions are
 * not evaluated (the report says so). A matching Deny is reported as such.
 */
import type { IamPolicy } from '../../core/promotion/cross-account.js';

interface ActualStatement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
}

const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const iamWildcard = (pattern: string, text: string, ignoreCase: boolean): boolean => {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's').test(text);
};

const principalsOf = (p: unknown): string[] => {
  if (p === '*') return ['*'];
  if (typeof p === 'object' && p !== null) return list((p as { AWS?: unknown }).AWS);
  return [];
};

const coversPrincipal = (actual: string[], required: string): boolean => {
  if (actual.includes('*') || actual.includes(required)) return true;
  // An account principal (root ARN or bare account id) delegates to every IAM identity in that account.
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(required)?.[1];
  return account !== undefined && actual.some((a) => a === account || /^arn:[^:]+:iam::(\d{12}):root$/.exec(a)?.[1] === account);
};

const allows = (s: ActualStatement, principal: string, action: string, resource: string | undefined): boolean =>
  s.NotPrincipal === undefined &&
  s.NotAction === undefined &&
  s.NotResource === undefined &&
  coversPrincipal(principalsOf(s.Principal), principal) &&
  list(s.Action).some((a) => iamWildcard(a, action, true)) &&
  (resource === undefined || s.Resource === undefined || list(s.Resource).some((r) => iamWildcard(r, resource, false)));

/**
 * The required grants that `actualPolicy` (JSON text) does not give, one line per required
 * statement; empty when everything is covered.
 */
export const missingGrants = (required: IamPolicy, actualPolicy: string): string[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(actualPolicy);
  } catch {
    return ['the policy is not valid JSON'];
  }
  const raw = (parsed as { Statement?: unknown })?.Statement;
  const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((s): s is ActualStatement => typeof s === 'object' && s !== null);
  const allowsAll = statements.filter((s) => s.Effect === 'Allow');
  const denies = statements.filter((s) => s.Effect === 'Deny');
  const problems: string[] = [];
  for (const st of required.Statement) {
    const principals = principalsOf(st.Principal);
    const resources = st.Resource === undefined ? [undefined] : list(st.Resource);
    const missing: string[] = [];
    const denied: string[] = [];
    for (const principal of principals) {
      for (const action of list(st.Action)) {
        for (const resource of resources) {
          const what = `${action}${resource ? ` on ${resource}` : ''}`;
          if (denies.some((d) => allows({ ...d, Effect: 'Allow' }, principal, action, resource))) denied.push(what);
          else if (!allowsAll.some((s) => allows(s, principal, action, resource))) missing.push(what);
        }
      }
    }
    const who = principals.join(', ');
    if (missing.length > 0) problems.push(`statement ${st.Sid}: does not allow ${who} ${missing.join('; ')}`);
    if (denied.length > 0) problems.push(`statement ${st.Sid}: a Deny statement blocks ${who} ${denied.join('; ')}`);
  }
  return problems;
};
