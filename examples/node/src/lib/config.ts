// Settings shared by the TypeScript workers.
export interface StorageSettings {
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export const storage: StorageSettings = {
  region: 'eu-west-1',
  bucket: 'acme-media-archive',
  accessKeyId: 'AKIAZ7QW3ERT5YUI2OPA',
  secretAccessKey: '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',
};
