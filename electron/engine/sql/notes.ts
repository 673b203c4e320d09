import { ApiError } from '../../../shared/api/errors';

/**
 * What planning a spec found: problems that refuse it (every one, each with its field, so the
 * analyst sees them all at once) and warnings that travel with the result (an event nobody did
 * yet answers zeros, and says so, rather than refusing a saved analysis).
 */
export class PlanNotes {
  private readonly issues: { path: string; message: string }[] = [];
  private readonly warned: string[] = [];

  issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  warn(message: string): void {
    if (!this.warned.includes(message)) this.warned.push(message);
  }

  get warnings(): string[] {
    return [...this.warned];
  }

  throwIfIssues(kind: string): void {
    if (this.issues.length === 0) return;
    const list = this.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new ApiError(
      'INVALID_REQUEST',
      `The ${kind} spec has ${this.issues.length === 1 ? 'a problem' : `${this.issues.length} problems`}: ${list}.`,
      { issues: this.issues },
    );
  }
}
