/**
 * Who someone is, for separation of duties. Identities arrive as strings in several spellings of
 * one principal: the registry records the session that registered a model
 * (`arn:aws:sts::111111111111:assumed-role/Pipeline/run-42`), a policy lists the role
 * (`arn:aws:iam::111111111111:role/ml/Pipeline`), and `--as` takes whatever the caller typed.
 * Comparing the strings lets a registrant approve its own model by writing the role ARN instead of
 * the session ARN; comparing principals does not.
 *
 * The rules follow IAM:
 * - an assumed-role session *is* its role: anyone who can assume the role can pick any session
 *   name, so the session name says nothing about who acted;
 * - a role or user path is not part of the name (names are unique per account, whatever the path),
 *   and the session ARN carries no path at all;
 * - role and user names are unique case-insensitively ("not distinguished by case", IAM user guide),
 *   so `Role` and `ROLE` are one principal; the partition and the 12-digit account compare exactly;
 * - anything that is not an IAM or STS ARN (an e-mail, a Studio user profile name) compares
 *   trimmed and case-insensitively, as before.
 */

/** A principal reduced to what identifies it. */
export interface Principal {
  kind: 'role' | 'user' | 'federated-user' | 'root' | 'name';
  /** `aws`, `aws-cn`, `aws-us-gov`; empty for a plain name. */
  partition: string;
  /** The 12-digit account; empty for a plain name. */
  account: string;
  /** Lower-cased: the role or user name without its path, or the whole plain name. */
  name: string;
}

const ARN = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/;

/**
 * The principal an identity string denotes.
 *
 * @example
 * ```ts
 * principalOf('arn:aws:sts::111111111111:assumed-role/Pipeline/run-42');
 * // { kind: 'role', partition: 'aws', account: '111111111111', name: 'pipeline' }
 * principalOf('arn:aws:iam::111111111111:role/ml/Pipeline'); // the same
 * ```
 */
export const principalOf = (identity: string): Principal => {
  const text = identity.trim();
  const m = ARN.exec(text);
  const plain: Principal = { kind: 'name', partition: '', account: '', name: text.toLowerCase() };
  if (!m) return plain;
  const [, partition, service, account, resource] = m as unknown as [string, string, string, string, string];
  const parts = resource.split('/');
  const type = parts[0];
  const at = (kind: Principal['kind'], name: string | undefined): Principal => (name ? { kind, partition, account, name: name.toLowerCase() } : plain);
  if (service === 'sts' && type === 'assumed-role' && parts.length >= 3) return at('role', parts[1]);
  if (service === 'sts' && type === 'federated-user' && parts.length === 2) return at('federated-user', parts[1]);
  if (service === 'iam' && (type === 'role' || type === 'user') && parts.length >= 2) return at(type, parts[parts.length - 1]);
  if (service === 'iam' && resource === 'root') return { kind: 'root', partition, account, name: '' };
  return plain;
};

/**
 * Whether two identity strings denote the same principal (see the module's rules).
 *
 * @example
 * ```ts
 * samePrincipal('arn:aws:sts::111111111111:assumed-role/Pipeline/run-42', 'arn:aws:iam::111111111111:role/pipeline'); // true
 * samePrincipal('arn:aws:iam::111111111111:role/Pipeline', 'arn:aws:iam::222222222222:role/Pipeline'); // false
 * samePrincipal('OnCall@Example.com', 'oncall@example.com'); // true
 * ```
 */
export const samePrincipal = (a: string, b: string): boolean => {
  const x = principalOf(a);
  const y = principalOf(b);
  return x.kind === y.kind && x.partition === y.partition && x.account === y.account && x.name === y.name;
};
