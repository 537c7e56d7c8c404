// Loaded first by server.js: configures the AWS SDK for the whole process.
const path = require('path');
const AWS = require('aws-sdk');

// The keys live in a JSON file next to the code "so that nobody has to set variables".
AWS.config.loadFromPath(path.join(__dirname, '..', 'credentials.json'));

AWS.config.update({ region: process.env.AWS_REGION || 'eu-west-1', maxRetries: 3 });

module.exports = AWS;
