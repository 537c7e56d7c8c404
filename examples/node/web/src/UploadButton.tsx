import React, { useState } from 'react';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';

// Runs in the browser: whatever is in NEXT_PUBLIC_* is in the JavaScript bundle.
const s3 = new S3Client({
  region: 'eu-west-1',
  credentials: {
    accessKeyId: process.env.NEXT_PUBLIC_AWS_KEY_ID as string,
    secretAccessKey: process.env.NEXT_PUBLIC_AWS_SECRET as string,
  },
});

export function UploadButton() {
  const [status, setStatus] = useState('idle');
  async function upload(file: File) {
    setStatus('uploading');
    await s3.send(new PutObjectCommand({ Bucket: 'acme-media', Key: file.name, Body: file }));
    setStatus('done');
  }
  return <input type="file" disabled={status === 'uploading'} onChange={(e) => e.target.files && upload(e.target.files[0])} />;
}
