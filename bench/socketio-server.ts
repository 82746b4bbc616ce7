/**
 * The baseline for the broadcast benchmark: a Socket.IO server doing the room broadcast the
 * product's source documents did (join a room, emit to everyone else in it). Its own process:
 * `node --import tsx bench/socketio-server.ts`; prints `{"ready": {"url": ..., "pid": ...}}`.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });
io.on('connection', (socket) => {
  socket.on('join', (room: string, ack: () => void) => {
    void socket.join(room);
    ack();
  });
  socket.on('broadcast', (message: { room: string; event: string; payload: unknown }) => {
    socket.to(message.room).emit(message.event, message.payload);
  });
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(
    `${JSON.stringify({ ready: { url: `http://127.0.0.1:${port}`, pid: process.pid } })}\n`,
  );
});
process.on('SIGINT', () => {
  io.close();
  process.exit(0);
});
