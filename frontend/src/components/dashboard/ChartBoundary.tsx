import { Component, type ReactNode } from "react";

/** Keeps a chart that fails (its code could not be downloaded after a new release, say) from taking the page down
 * with it: the rest of the dashboard stays, and the fallback says what happened. */
export class ChartBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
