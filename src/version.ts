// Sent as the User-Agent; a test keeps ACTION_VERSION equal to package.json's version.
export const ACTION_NAME = 'revont-webhooks-action'
export const ACTION_VERSION = '1.0.0'
