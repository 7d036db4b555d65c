// Prints a free TCP port on 127.0.0.1 (nothing listens on it when this exits): the shell scripts' one way to pick a port,
// as test/support/processes.ts's freePort is the tests'.  Usage: port="$(node scripts/free-port.js)"
const server = require('node:net').createServer();
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
  server.close();
});
