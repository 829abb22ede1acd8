import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getBridge } from './bridge';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

const bridge = getBridge();
// Asked before React's first render, so the two answers are on their way while the window is drawn instead of
// after it (docs/benchmarks.md, "first checklist paint").
const firstAnswers = { info: bridge.getAppInfo(), accounts: bridge.listAccounts() };

createRoot(container).render(
  <StrictMode>
    <App bridge={bridge} firstAnswers={firstAnswers} />
  </StrictMode>,
);
