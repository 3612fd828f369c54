/** One line of `backup-pulse doctor`: what was checked, whether it passed, what was found, what to do. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** The exact fix (role and scope, diagnostic category, setting); empty when the check passed. */
  fix: string;
}
