import { ApiError } from '../../../shared/api/errors';

/** Collects every problem of a spec, so the analyst sees them all at once, each with its field. */
export class SpecIssues {
  private readonly issues: { path: string; message: string }[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  throwIfAny(kind: string): void {
    if (this.issues.length === 0) return;
    const list = this.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new ApiError(
      'INVALID_REQUEST',
      `The ${kind} spec has ${this.issues.length === 1 ? 'a problem' : `${this.issues.length} problems`}: ${list}.`,
      {
        issues: this.issues,
      },
    );
  }
}
