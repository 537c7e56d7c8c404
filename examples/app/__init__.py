"""Acme media service: uploads user media to S3 and notifies via SNS.

This is credlint's example project. It contains planted, fabricated AWS keys
(see ../PLANTED.md); none of them is a real credential.
"""
