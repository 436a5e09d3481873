/** The platform layer: the only site code that touches Wix modules. */
export * from './clock';
export * from './data';
export * from './http';
export * from './logger';
export * from './members';
export * from './secrets';
export * from './webMethod';
