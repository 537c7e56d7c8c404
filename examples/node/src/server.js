const express = require('express');
const multer = require('multer');
const AWS = require('./boot');

const app = express();
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 20 * 1024 * 1024 } });

// Uploads go to the media bucket with the deploy user's keys.
const s3 = new AWS.S3({
  accessKeyId: 'AKIA2E3MOIH4N6CFVEX7',
  secretAccessKey: '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', // rotate before launch
  region: 'eu-west-1',
});

app.post('/media', upload.single('file'), async (req, res, next) => {
  try {
    const key = `uploads/${Date.now()}-${req.file.originalname}`;
    await s3.putObject({ Bucket: 'acme-media', Key: key, Body: req.file.buffer }).promise();
    res.status(201).json({ key });
  } catch (err) {
    next(err);
  }
});

app.listen(process.env.PORT || 3000);
