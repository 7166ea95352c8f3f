// Picks the transport (Electron bridge or the browser host's socket), wires the
// stores to it and mounts the app.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './styles.css';
import { chooseTransport } from './transport/choose-transport';
import { installTransport } from './transport/transport';
import { startAppSession } from './app-session';

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  let transport;
  try {
    transport = await chooseTransport(window);
  } catch (err) {
    root.textContent = `irqscope: ${err instanceof Error ? err.message : String(err)}`;
    root.className = 'fatal';
    return;
  }
  installTransport(transport);
  const pinia = createPinia();
  const app = createApp(App);
  app.use(pinia);
  startAppSession(transport, pinia);
  app.mount(root);
}

void start();
