export { type ClockOptions, ServerClock } from './clock.ts';
export { CommentStore, type SendOptions } from './comments.ts';
export { Emitter } from './emitter.ts';
export { isWatchroomError, WatchroomError } from './errors.ts';
export {
  type MediaElementLike,
  MediaElementPlayer,
  type PlayerAdapter,
  type PlayerEvent,
  SimulatedPlayer,
} from './player.ts';
export {
  type ConnectionStatus,
  type ConnectOptions,
  RoomConnection,
  type RoomEvents,
} from './room-connection.ts';
export type { CreateRoom, PublicRoom, Rooms } from './rooms.ts';
export { type ControlAction, SyncEngine, type SyncEngineOptions, stateFromRoomRow } from './sync-engine.ts';
export * from './sync-math.ts';
export type * from './types.ts';
export { createWatchroom, type RoomHandle, type Watchroom, type WatchroomOptions } from './watchroom.ts';
