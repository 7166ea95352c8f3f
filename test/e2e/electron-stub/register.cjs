// Loaded with `node -r` before the built main bundle: `require('electron')` gets the
// recording stub beside this file instead of the runtime that cannot be downloaded here.
const Module = require('node:module');
const path = require('node:path');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? path.join(__dirname, 'electron.cjs') : resolve.call(this, request, ...rest);
};
