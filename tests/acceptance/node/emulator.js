// Starts the real eci-emulator binary for a test file and stops it afterwards.
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const http = require('node:http');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BINARY = process.env.ECI_EMULATOR_BIN || path.join(ROOT, 'target', 'release', 'eci-emulator');

// A value with every character class the clients encode differently.
const WEIRD = "a b+c*d~e/f?g=h&i%j 中文 ü '\"!()";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(e);
          }
        });
      })
      .on('error', reject);
  });
}

// Groups are Running at once unless --lifecycle is given: most tests are about other things.
async function startEmulator(...args) {
  if (!args.includes('--lifecycle')) args = ['--lifecycle', 'immediate', ...args];
  const port = await freePort();
  const endpoint = `127.0.0.1:${port}`;
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' };
  const child = spawn(BINARY, ['--listen', endpoint, ...args], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    try {
      await getJson(`http://${endpoint}/_emulator/health`);
      return { endpoint, stop: () => child.kill('SIGTERM'), state: () => getJson(`http://${endpoint}/_emulator/state`) };
    } catch (e) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  child.kill('SIGKILL');
  throw new Error('the emulator did not become healthy');
}

module.exports = { startEmulator, WEIRD };
