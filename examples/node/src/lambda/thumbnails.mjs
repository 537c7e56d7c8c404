// Lambda: records each new thumbnail in DynamoDB.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({
  region: process.env.AWS_REGION,
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
    sessionToken: process.env.AWS_SESSION_TOKEN,
  },
}));

export const handler = async (event) => {
  for (const record of event.Records) {
    await client.send(new PutCommand({
      TableName: process.env.TABLE,
      Item: { key: record.s3.object.key, size: record.s3.object.size, createdAt: record.eventTime },
    }));
  }
  return { processed: event.Records.length };
};
