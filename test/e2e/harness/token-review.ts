import type { HttpAnswer } from '../../../harness/net';

/** What a TokenReview answer says about the user, normalised so two implementations can be compared field by field. */
export interface ReviewOutcome {
  readonly authenticated: boolean;
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: string[];
  /** Keys sorted, values as sent. */
  readonly extra?: Record<string, string[]>;
  /** HTTP status of the answer. */
  readonly status: number;
  /** `status.error` when present (ours sends a reason; upstream sends none). */
  readonly error?: string;
}

/** Reads a TokenReview answer of either implementation (v1 or v1beta1, with or without apiVersion/kind). */
export function reviewOutcome(res: HttpAnswer): ReviewOutcome {
  let body: { status?: { authenticated?: boolean; error?: string; user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } } };
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new Error(`TokenReview answer is not JSON (HTTP ${res.status}): ${res.text.slice(0, 200)}`);
  }
  const st = body.status ?? {};
  if (st.authenticated !== true) return { authenticated: false, status: res.status, error: st.error };
  const extra = st.user?.extra ?? {};
  return {
    authenticated: true,
    status: res.status,
    username: st.user?.username,
    uid: st.user?.uid,
    // Upstream omits an empty list (omitempty); absent and [] mean the same to kube-apiserver.
    groups: st.user?.groups ?? [],
    extra: Object.fromEntries(Object.keys(extra).sort().map((k) => [k, extra[k]])),
  };
}

/** The user part only (what kube-apiserver builds its user.Info from). */
export function userOf(o: ReviewOutcome): Omit<ReviewOutcome, 'status' | 'error'> {
  const { status: _s, error: _e, ...user } = o;
  return user;
}
