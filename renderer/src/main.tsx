import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ErrorBoundary } from './components/ErrorBoundary';
import './styles.css';

const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      {/* The last line of defence; each view also has a boundary of its own (App.tsx). */}
      <ErrorBoundary title="The workbench failed">
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
}
