// Per-file setup: the aws-sdk-client-mock matchers for vitest.
import 'aws-sdk-client-mock-vitest/extend';
