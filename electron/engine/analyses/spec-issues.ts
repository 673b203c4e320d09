import { PlanNotes } from '../sql/notes';

/** The notes of a plan under the name the kinds not yet on the runner pattern use. */
export class SpecIssues extends PlanNotes {
  /** `sink`: the analysis context's notes, so warnings reach the result. */
  constructor(private readonly sink?: PlanNotes) {
    super();
  }

  override warn(message: string): void {
    super.warn(message);
    this.sink?.warn(message);
  }

  add(path: string, message: string): void {
    this.issue(path, message);
  }

  throwIfAny(kind: string): void {
    this.throwIfIssues(kind);
  }
}
