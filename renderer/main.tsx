import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/client.ts';
import { setClient } from './store/client.ts';
import { useApp } from './store/index.ts';
import { App } from './views/App.tsx';

// Monaco, the bulk of the script, is fetched and compiled meanwhile (index.html preloads it); it is
// run only once a pane shows its text (monaco/loader.ts), so that running it never holds that text up.
const { client, host } = connect();
setClient(client);
document.documentElement.dataset.host = host;
// The project (and the person's first entry) is asked for now, not after React's first paint,
// when an effect would run: the answers travel while the page draws and Monaco compiles.
void useApp.getState().boot();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
