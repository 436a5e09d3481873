/** The data model: vocabulary, field schemas, collection definitions and the registry. */
export * from './define';
export * from './vocabulary';
export * from './common';
export * from './people';
export * from './sms';
export * from './sequence-steps';
export * from './email';
export * from './sequences';
export * from './jobs';
export * from './social';
export * from './analytics';
export * from './operations';
export * from './contacts';
export * from './registry';
