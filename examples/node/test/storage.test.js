// Integration test against LocalStack: dummy keys, nothing to report.
const test = require('node:test');
const assert = require('node:assert');
const AWS = require('aws-sdk');

const s3 = new AWS.S3({
  endpoint: 'http://localhost:4566',
  s3ForcePathStyle: true,
  accessKeyId: 'test',
  secretAccessKey: 'test',
});

test('the media bucket exists', async () => {
  const { Buckets } = await s3.listBuckets().promise();
  assert.ok(Buckets.some((b) => b.Name === 'acme-media'));
});
