import './monaco/setup.ts';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/client.ts';
import { setClient } from './store/client.ts';
import { App } from './views/App.tsx';

const { client, host } = connect();
setClient(client);
document.documentElement.dataset.host = host;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
