export * from './modbus-server.js';
export * from './xymd02.js';
export * from './gps.js';
export * from './line-sensor.js';
export * from './accel.js';
export * from './pty.js';
export { SerialWriter, ManualTicker, realTicker, type SimClock, type Ticker } from './serial-writer.js';
export { seededRandom } from '../random.js';
