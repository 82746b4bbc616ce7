/**
 * The composition root: one supabase-js client and one Watchroom client for the tab, React in
 * StrictMode (the SDK's connections are ref-counted, so the double mount is harmless).
 */
import { createWatchroom } from '@watchroom/client';
import { WatchroomProvider } from '@watchroom/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createSupabase } from './config.ts';
import './styles/base.css';
import './styles/room.css';
import './styles/side.css';

const supabase = createSupabase();
const watchroom = createWatchroom(supabase);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <WatchroomProvider client={watchroom}>
      <App supabase={supabase} />
    </WatchroomProvider>
  </StrictMode>,
);
