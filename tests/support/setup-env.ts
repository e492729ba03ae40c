// The AWS SDK warns once per process that releases after January 2027 need Node 22; the Lambda
// runtime is nodejs22.x and docs/deployment.md says so. Keep test output for the tests.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
