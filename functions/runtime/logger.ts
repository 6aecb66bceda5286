// One Powertools Logger for every function; it logs what happened, never bodies, tokens or passwords.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'license-portal' });
