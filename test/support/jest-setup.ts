// Production runs Node 22 (Dockerfile, Lambda runtime); this machine's Node 20 makes the SDK warn once per process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
