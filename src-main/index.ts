// Electron's main entry (built to out/main/index.js).
import { app } from 'electron';
import { defaultPaths, startElectronApp } from './electron/main-app';

startElectronApp(defaultPaths(__dirname, app.getAppPath(), app.getPath('userData'), process.env['ELECTRON_RENDERER_URL']));
