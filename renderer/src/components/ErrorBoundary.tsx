import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorNote } from './ErrorNote';

/**
 * What a render error in one view does: that view shows the error and a way back, and the rest
 * of the window (rail, workspace, other views) keeps working. Without it React unmounts the
 * whole tree on any throw during render, and the window turns into a white page with nothing to
 * click. Give it a `key` that changes with the view, so moving to another view starts afresh.
 */
export class ErrorBoundary extends Component<
  { title: string; children: ReactNode; onReset?: () => void },
  { error: Error | null }
> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept for whoever opens the console: where in the tree it broke.
    console.error(error, info.componentStack);
  }

  private readonly reset = (): void => {
    this.props.onReset?.();
    this.setState({ error: null });
  };

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    return (
      <div className="view-error">
        <ErrorNote title={this.props.title} error={{ message: error.message }} />
        <button type="button" onClick={this.reset}>
          {this.props.onReset === undefined ? 'Try again' : 'Reset this view'}
        </button>
      </div>
    );
  }
}
