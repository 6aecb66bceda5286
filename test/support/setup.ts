// Per-file setup: the aws-sdk-client-mock matchers for vitest, and the OpenAPI check of every answer.
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach } from 'vitest';
import { takeViolations } from './contract.js';

// A test that caught the error of an undescribed answer (or saw one in a background request) still fails.
afterEach(() => {
  const violations = takeViolations();
  if (violations.length) {
    throw new Error(`Answers this test caused break docs/openapi.json:\n- ${violations.join('\n- ')}`);
  }
});
