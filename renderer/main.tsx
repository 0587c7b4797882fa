import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/client.ts';
import { loadCodePanes } from './components/code-panes-loader.ts';
import { setClient } from './store/client.ts';
import { App } from './views/App.tsx';

// Monaco, the bulk of the script, is fetched and compiled while the app opens the project.
void loadCodePanes();
const { client, host } = connect();
setClient(client);
document.documentElement.dataset.host = host;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
